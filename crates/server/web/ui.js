// Small DOM helpers shared by the pages: an element builder (text is always inserted as text),
// the accessible combobox used for suggestions and places, and the loading, empty and error
// states.
import { t } from './i18n.js';

/** Builds an element: `attrs` sets attributes (`on…` functions become listeners). */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'class') {
      element.className = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Text with the server's highlights: the API escapes it and adds only `<mark>`. */
export function marked(snippet) {
  const template = document.createElement('template');
  template.innerHTML = snippet;
  // Keep text and <mark> only, whatever arrives.
  const out = document.createDocumentFragment();
  for (const node of template.content.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) out.append(node.textContent);
    else if (node.nodeName === 'MARK') out.append(h('mark', {}, node.textContent));
    else out.append(node.textContent);
  }
  return out;
}

let uniqueId = 0;
export const newId = (prefix) => `${prefix}-${++uniqueId}`;

/**
 * An input with a list of choices that follows what is typed (WAI-ARIA combobox pattern):
 * arrows move through the choices, Enter picks one, Escape closes the list.
 * `load(text)` returns `[{ label, hint, value }]`; `onPick(option)` receives the one chosen.
 */
export function combobox({ label, name, value = '', placeholder = '', load, onPick, minLength = 1, type = 'text' }) {
  const id = newId(name);
  const listId = `${id}-list`;
  const input = h('input', {
    id, name, type, value, placeholder, role: 'combobox', autocomplete: 'off',
    'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId,
  });
  const list = h('ul', { id: listId, role: 'listbox', 'aria-label': label, hidden: true });
  let options = [];
  let active = -1;
  let sequence = 0;
  let timer = null;

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const highlight = (index) => {
    active = index;
    [...list.children].forEach((item, position) => item.setAttribute('aria-selected', String(position === index)));
    if (index >= 0) {
      input.setAttribute('aria-activedescendant', `${listId}-${index}`);
      list.children[index].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  };
  const pick = (index) => {
    const option = options[index];
    if (!option) return;
    input.value = option.label;
    close();
    onPick(option);
  };
  const show = (found) => {
    options = found;
    list.replaceChildren(...found.map((option, index) => h('li', {
      id: `${listId}-${index}`, role: 'option', 'aria-selected': 'false',
      onMousedown: (event) => { event.preventDefault(); pick(index); },
    }, option.label, option.hint ? h('span', { class: 'kind' }, option.hint) : null)));
    active = -1;
    list.hidden = found.length === 0;
    input.setAttribute('aria-expanded', String(found.length > 0));
  };

  input.addEventListener('input', () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < minLength) { show([]); return; }
    const mine = ++sequence;
    timer = setTimeout(async () => {
      try {
        const found = await load(text);
        if (mine === sequence && document.activeElement === input) show(found);
      } catch {
        // Suggestions are a help, not a need: without them the field still works.
        if (mine === sequence) show([]);
      }
    }, 120);
  });
  input.addEventListener('keydown', (event) => {
    const open = !list.hidden && options.length > 0;
    if (event.key === 'ArrowDown' && open) {
      event.preventDefault();
      highlight((active + 1) % options.length);
    } else if (event.key === 'ArrowUp' && open) {
      event.preventDefault();
      highlight(active <= 0 ? options.length - 1 : active - 1);
    } else if (event.key === 'Enter' && open && active >= 0) {
      event.preventDefault();
      pick(active);
    } else if (event.key === 'Escape' && open) {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 150));

  return {
    input,
    element: h('div', { class: 'combo' }, h('label', { for: id }, label), input, list),
  };
}

/** A polite status line while something loads. */
export const loading = () => h('p', { class: 'loading', role: 'status' }, t('loading'));

/** The message for a failed request, with a retry button; never a blank page. */
export function failure(error, retry) {
  let text = t('errorText');
  if (error?.kind === 'internal') text = t('errorInternal', { id: error.details.requestId ?? '?' });
  if (error?.kind === 'rate-limited') text = t('errorRate', { n: error.details.retryAfter });
  if (error?.kind === 'input') text = error.message;
  return h('div', { class: 'notice error', role: 'alert' },
    h('p', {}, h('strong', {}, t('errorTitle'))),
    h('p', {}, text),
    retry ? h('button', { type: 'button', class: 'secondary', onClick: retry }, t('retry')) : null);
}

/** A page's main heading, focused when the page is shown so screen readers announce it. */
export const heading = (text) => h('h1', { tabindex: '-1' }, text);
