// Passerelle's front end: a few small modules, no framework and no build step. The server
// serves this page at every address below; the page reads the address and renders.
import { renderAccount, signInPage } from './account.js';
import { offerPage, organisationPage, profilePage } from './details.js';
import { lang, setLang, t } from './i18n.js';
import { needPage } from './need.js';
import { go, onRoute } from './router.js';
import { searchPage } from './search.js';
import { failure, h, heading } from './ui.js';

const ROUTES = [
  [/^\/$/, (main, params) => searchPage(main, params)],
  [/^\/offres\/([^/]+)$/, (main, _, [slug]) => offerPage(main, slug)],
  [/^\/organisations\/([^/]+)$/, (main, _, [slug]) => organisationPage(main, slug)],
  [/^\/profils\/([^/]+)$/, (main, _, [id]) => profilePage(main, id)],
  [/^\/besoin$/, (main, params) => needPage(main, params)],
  [/^\/connexion$/, (main, params) => signInPage(main, params)],
];

/** Texts of the static shell (header, footer) in the current language. */
function translateShell() {
  document.documentElement.lang = lang;
  for (const element of document.querySelectorAll('[data-i18n]')) element.textContent = t(element.dataset.i18n);
  for (const element of document.querySelectorAll('[data-i18n-label]')) element.setAttribute('aria-label', t(element.dataset.i18nLabel));
  const switcher = document.getElementById('lang');
  switcher.textContent = t('otherLanguage');
  switcher.lang = lang === 'fr' ? 'en' : 'fr';
  for (const link of document.querySelectorAll('header nav a')) {
    const current = link.getAttribute('href') === location.pathname;
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  renderAccount();
}

let rendering = 0;
let rendered = null;

async function render() {
  const main = document.getElementById('main');
  const mine = ++rendering;
  rendered = location.pathname + location.search;
  translateShell();
  const params = new URLSearchParams(location.search);
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const route = ROUTES.find(([pattern]) => pattern.test(path));
  try {
    if (!route) {
      main.replaceChildren(heading(t('notFound')), h('p', {}, h('a', { href: '/' }, t('backToSearch'))));
    } else {
      const [pattern, view] = route;
      const captured = pattern.exec(path).slice(1).map(decodeURIComponent);
      await view(main, params, captured);
    }
  } catch (error) {
    // Whatever fails, the page says so and offers to try again.
    console.error(error);
    if (mine === rendering) main.replaceChildren(heading(t('errorTitle')), failure(error, render));
  }
  if (mine !== rendering) return;
  const title = main.querySelector('h1');
  document.title = title ? `${title.textContent} — Passerelle` : 'Passerelle';
  // Announce a new page to screen readers (not the first one: the browser does), unless a
  // control on the page kept the focus.
  if (mine > 1 && (!main.contains(document.activeElement) || document.activeElement === main)) title?.focus();
}

onRoute(render);

// Links inside the site change the page without reloading it; others behave as usual.
document.addEventListener('click', (event) => {
  const link = event.target.closest('a[href]');
  if (!link || link.hasAttribute('data-external') || link.target || event.defaultPrevented) return;
  // In-page anchors (the skip link) keep their usual behaviour.
  if (link.getAttribute('href').startsWith('#')) return;
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || !ROUTES.some(([pattern]) => pattern.test(url.pathname.replace(/\/+$/, '') || '/'))) return;
  event.preventDefault();
  go(url.pathname + url.search);
});

// Back and Forward; a jump to an anchor of this page (the skip link) changes nothing shown.
window.addEventListener('popstate', () => {
  if (location.pathname + location.search !== rendered) render();
});

document.getElementById('lang').addEventListener('click', () => {
  setLang(lang === 'fr' ? 'en' : 'fr');
  render();
});

render();
