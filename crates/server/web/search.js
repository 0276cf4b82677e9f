// The search page: query with suggestions, place and radius, facets that narrow, filters,
// sorting and paging. Everything it shows follows from the URL.
import { graphql } from './api.js';
import { formatDate, formatMoney, locale, t } from './i18n.js';
import { go } from './router.js';
import { combobox, failure, h, heading, loading, marked } from './ui.js';

const LISTS = { kind: 'kinds', skill: 'skills', modality: 'modalities', department: 'departments' };
const RADII = [10, 20, 30, 50, 100, 200];
const SORTS = ['RELEVANCE', 'NEWEST', 'PRICE_ASC', 'START_DATE', 'DISTANCE'];
const PAGE_SIZE = 10;

/** The search as the URL describes it. */
export function readSearch(params) {
  const list = (name) => (params.get(name) || '').split(',').filter(Boolean);
  const sort = params.get('sort');
  return {
    q: params.get('q') || '',
    kinds: list('kind'),
    skills: list('skill'),
    modalities: list('modality'),
    departments: list('department'),
    place: /^\w{5}$/.test(params.get('place') || '') ? params.get('place') : '',
    radius: RADII.includes(Number(params.get('radius'))) ? Number(params.get('radius')) : 30,
    maxPrice: Number(params.get('maxPrice')) > 0 ? Number(params.get('maxPrice')) : '',
    from: params.get('from') || '',
    to: params.get('to') || '',
    cpf: params.get('cpf') === '1',
    qualiopi: params.get('qualiopi') === '1',
    sort: SORTS.includes(sort) ? sort : 'RELEVANCE',
    cursors: (params.get('after') || '').split('~').filter(Boolean),
  };
}

/** The URL of a search (only what differs from the defaults). */
export function searchUrl(state) {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  for (const [name, key] of Object.entries(LISTS)) {
    if (state[key].length) params.set(name, state[key].join(','));
  }
  if (state.place) {
    params.set('place', state.place);
    params.set('radius', String(state.radius));
  }
  if (state.maxPrice) params.set('maxPrice', String(state.maxPrice));
  if (state.from) params.set('from', state.from);
  if (state.to) params.set('to', state.to);
  if (state.cpf) params.set('cpf', '1');
  if (state.qualiopi) params.set('qualiopi', '1');
  if (state.sort !== 'RELEVANCE') params.set('sort', state.sort);
  if (state.cursors.length) params.set('after', state.cursors.join('~'));
  const query = params.toString();
  return query ? `/?${query}` : '/';
}

const SEARCH = `query Search($q: String, $filter: SearchFilter, $sort: SearchSort, $first: Int, $after: String, $locale: Locale) {
  search(query: $q, filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    facets {
      kinds { value label(locale: $locale) count }
      skills { value label(locale: $locale) count }
      modalities { value label(locale: $locale) count }
      departments { value label(locale: $locale) count }
    }
    edges {
      distanceKm
      highlights { field snippet }
      node {
        __typename
        ... on TrainingOffer { id slug title summary modality cpfEligible durationHours
          price { amountCents currency }
          provider { name slug qualiopiCertified }
          nextSession { startDate place { name } }
          skills { level skill { slug label(locale: $locale) } } }
        ... on SkillProfile { id displayName headline remote availableFrom
          dailyRate { amountCents currency } place { name }
          skills { level skill { slug label(locale: $locale) } } }
        ... on Organisation { id slug name isTrainingProvider qualiopiCertified place { name }
          skills { slug label(locale: $locale) } }
      }
    }
  }
}`;

const PLACES = `query Places($prefix: String!, $first: Int) {
  places(prefix: $prefix, first: $first) { inseeCode name postcodes departmentCode latitude longitude }
}`;

const SUGGEST = `query Suggest($prefix: String!, $locale: Locale) {
  suggest(prefix: $prefix, first: 8) {
    text kind
    node { id ... on TrainingOffer { slug } ... on Organisation { slug } ... on Skill { slug label(locale: $locale) } }
  }
}`;

const placeCache = new Map();

/** A commune by INSEE code, for the coordinates of a place kept in the URL. */
async function placeByCode(code) {
  if (!placeCache.has(code)) {
    const data = await graphql(PLACES, { prefix: code, first: 1 });
    const place = data.places.find((found) => found.inseeCode === code) ?? null;
    placeCache.set(code, place);
  }
  return placeCache.get(code);
}

export const loadPlaces = async (text) => {
  const data = await graphql(PLACES, { prefix: text, first: 8 });
  return data.places.map((place) => {
    placeCache.set(place.inseeCode, place);
    return { label: place.name, hint: `${place.postcodes[0] ?? ''} · ${place.departmentCode}`, value: place.inseeCode };
  });
};

function filterOf(state, place) {
  const filter = {};
  if (state.kinds.length) filter.kinds = state.kinds;
  if (state.skills.length) filter.skills = state.skills;
  if (state.modalities.length) filter.modalities = state.modalities;
  if (state.departments.length) filter.departments = state.departments;
  if (place) filter.near = { latitude: place.latitude, longitude: place.longitude, radiusKm: state.radius };
  if (state.maxPrice) filter.maxPriceCents = Math.round(state.maxPrice * 100);
  if (state.from) filter.startsAfter = state.from;
  if (state.to) filter.startsBefore = state.to;
  if (state.cpf) filter.cpfEligible = true;
  if (state.qualiopi) filter.qualiopiOnly = true;
  return filter;
}

let focusAfterRender = null;

export async function searchPage(main, params) {
  const state = readSearch(params);
  const update = (changes, { keepPage = false } = {}) => {
    const next = { ...state, ...changes };
    if (!keepPage) next.cursors = [];
    if (next.sort === 'DISTANCE' && !next.place) next.sort = 'RELEVANCE';
    go(searchUrl(next));
  };

  // The form keeps what is typed until it is submitted.
  let chosenPlace = state.place;
  const query = combobox({
    label: t('searchLabel'), name: 'q', type: 'search', value: state.q, placeholder: t('searchPlaceholder'), minLength: 2,
    load: async (text) => {
      const data = await graphql(SUGGEST, { prefix: text, locale: locale() });
      return data.suggest.map((suggestion) => ({
        label: suggestion.kind === 'SKILL' && suggestion.node?.label ? suggestion.node.label : suggestion.text,
        hint: t(`suggestion_${suggestion.kind}`),
        value: suggestion,
      }));
    },
    onPick: ({ value: suggestion }) => {
      const slug = suggestion.node?.slug;
      if (suggestion.kind === 'SKILL' && slug) {
        update({ q: '', skills: [...new Set([...state.skills, slug])] });
      } else if (suggestion.kind === 'TRAINING_OFFER' && slug) {
        go(`/offres/${encodeURIComponent(slug)}`);
      } else if (suggestion.kind === 'ORGANISATION' && slug) {
        go(`/organisations/${encodeURIComponent(slug)}`);
      } else {
        update({ q: suggestion.text });
      }
    },
  });
  const address = location.href;
  const initialPlace = state.place ? await placeByCode(state.place).catch(() => null) : null;
  if (location.href !== address) return;
  const place = combobox({
    label: t('placeLabel'), name: 'place', value: initialPlace?.name ?? '', placeholder: t('placePlaceholder'), minLength: 2,
    load: loadPlaces,
    onPick: (option) => { chosenPlace = option.value; },
  });
  place.input.addEventListener('input', () => { if (!place.input.value.trim()) chosenPlace = ''; });
  const radiusId = 'radius';
  const radius = h('select', { id: radiusId, name: 'radius' },
    RADII.map((km) => h('option', { value: km, selected: km === state.radius }, t('km', { n: km }))));
  const form = h('form', {
    class: 'search-form', role: 'search',
    onSubmit: (event) => {
      event.preventDefault();
      update({ q: query.input.value.trim(), place: place.input.value.trim() ? chosenPlace : '', radius: Number(radius.value) });
    },
  }, query.element, place.element, h('div', {}, h('label', { for: radiusId }, t('radiusLabel')), radius),
  h('div', { class: 'submit' }, h('button', { class: 'primary', type: 'submit' }, t('searchButton'))));

  const filters = h('aside', { class: 'filters', 'aria-labelledby': 'filters-title' });
  const results = h('section', { class: 'results-area', 'aria-labelledby': 'results-title', 'aria-busy': 'true' }, loading());
  main.replaceChildren(heading(t('searchTitle')), form, h('div', { class: 'layout' }, filters, results));

  let data;
  try {
    const near = state.place ? await placeByCode(state.place) : null;
    data = await graphql(SEARCH, {
      q: state.q,
      filter: filterOf(state, near),
      sort: state.sort,
      first: PAGE_SIZE,
      after: state.cursors.at(-1) ?? null,
      locale: locale(),
    });
  } catch (error) {
    results.setAttribute('aria-busy', 'false');
    results.dataset.for = address;
    results.replaceChildren(h('h2', { id: 'results-title' }, t('resultsHeading')), failure(error, () => go(location.href, { replace: true })));
    filters.replaceChildren();
    return;
  }
  if (location.href !== address) return;
  const search = data.search;
  filters.replaceChildren(...renderFilters(state, search.facets, update));
  results.setAttribute('aria-busy', 'false');
  // Which address these results answer (tests and tools wait for it).
  results.dataset.for = address;
  results.replaceChildren(...renderResults(state, search, update));
  if (focusAfterRender) {
    document.getElementById(focusAfterRender)?.focus();
    focusAfterRender = null;
  }
}

function renderFilters(state, facets, update) {
  const facet = (title, key, values, labelOf) => {
    if (!values.length && !state[key].length) return null;
    // A value filtered on stays listed (and checked) even when the facet no longer counts it.
    const shown = [...values];
    for (const value of state[key]) {
      if (!shown.some((entry) => entry.value === value)) shown.push({ value, label: labelOf(value), count: 0 });
    }
    return h('fieldset', {}, h('legend', {}, title), shown.map((entry) => {
      const id = `facet-${key}-${entry.value}`;
      const checked = state[key].includes(entry.value);
      return h('label', { class: 'option', for: id },
        h('input', {
          type: 'checkbox', id, checked,
          onChange: () => {
            focusAfterRender = id;
            const values = checked ? state[key].filter((value) => value !== entry.value) : [...state[key], entry.value];
            update({ [key]: values });
          },
        }),
        h('span', {}, entry.label),
        h('span', { class: 'count', 'aria-label': `(${entry.count})` }, String(entry.count)));
    }));
  };
  const labelled = (prefix) => (value) => t(`${prefix}_${value}`);
  const maxPrice = h('input', { type: 'number', id: 'max-price', min: 0, step: 50, value: state.maxPrice });
  const from = h('input', { type: 'date', id: 'starts-after', value: state.from });
  const to = h('input', { type: 'date', id: 'starts-before', value: state.to });
  const cpf = h('input', { type: 'checkbox', id: 'cpf', checked: state.cpf });
  const qualiopi = h('input', { type: 'checkbox', id: 'qualiopi', checked: state.qualiopi });
  const more = h('form', {
    onSubmit: (event) => {
      event.preventDefault();
      update({ maxPrice: Number(maxPrice.value) > 0 ? Number(maxPrice.value) : '', from: from.value, to: to.value, cpf: cpf.checked, qualiopi: qualiopi.checked });
    },
  }, h('fieldset', {}, h('legend', {}, t('filtersTitle')),
    h('div', { class: 'field' }, h('label', { for: 'max-price' }, t('maxPrice')), maxPrice),
    h('div', { class: 'field' }, h('label', { for: 'starts-after' }, t('startsAfter')), from),
    h('div', { class: 'field' }, h('label', { for: 'starts-before' }, t('startsBefore')), to),
    h('label', { class: 'option', for: 'cpf' }, cpf, t('cpf')),
    h('label', { class: 'option', for: 'qualiopi' }, qualiopi, t('qualiopi')),
    h('button', { type: 'submit', class: 'secondary' }, t('apply'))));
  return [
    h('h2', { id: 'filters-title' }, t('filtersTitle')),
    facet(t('kinds'), 'kinds', facets.kinds, labelled('kind')),
    facet(t('skills'), 'skills', facets.skills.slice(0, 12), (value) => value),
    facet(t('modalities'), 'modalities', facets.modalities, labelled('modality')),
    facet(t('departments'), 'departments', facets.departments.slice(0, 13), (value) => value),
    more,
    h('p', {}, h('a', { href: '/' }, t('clear'))),
  ];
}

function renderResults(state, search, update) {
  const count = search.totalCount;
  const title = state.q ? t('resultsFor', { n: count, q: state.q }) : t('results', { n: count });
  const sortId = 'sort';
  const sort = h('select', {
    id: sortId,
    onChange: (event) => { focusAfterRender = sortId; update({ sort: event.target.value }); },
  }, SORTS.filter((value) => value !== 'DISTANCE' || state.place)
    .map((value) => h('option', { value, selected: value === state.sort }, t(`sort_${value}`))));
  const toolbar = h('div', { class: 'toolbar' },
    h('h2', { id: 'results-title', 'aria-live': 'polite' }, title),
    h('div', { class: 'sort' }, h('label', { for: sortId }, t('sortLabel')), sort));
  if (count === 0) {
    return [toolbar, h('div', { class: 'notice', role: 'status' },
      h('p', {}, state.q ? t('noResults', { q: state.q }) : t('noResultsNoQuery')),
      h('p', {}, t('noResultsHint')))];
  }
  const pageNumber = state.cursors.length + 1;
  const pager = h('nav', { class: 'pager', 'aria-label': t('page', { n: pageNumber }) },
    state.cursors.length ? h('button', {
      type: 'button', class: 'secondary', id: 'previous-page',
      onClick: () => { focusAfterRender = 'results-title'; update({ cursors: state.cursors.slice(0, -1) }, { keepPage: true }); },
    }, t('previous')) : null,
    h('span', {}, t('page', { n: pageNumber })),
    search.pageInfo.hasNextPage ? h('button', {
      type: 'button', class: 'secondary', id: 'next-page',
      onClick: () => { focusAfterRender = 'results-title'; update({ cursors: [...state.cursors, search.pageInfo.endCursor] }, { keepPage: true }); },
    }, t('next')) : null);
  return [toolbar, h('ol', { class: 'results' }, search.edges.map((edge) => h('li', {}, hit(edge, state)))), pager];
}

function skillList(skills, wanted) {
  const sorted = [...skills].sort((a, b) => Number(wanted.includes(b.skill.slug)) - Number(wanted.includes(a.skill.slug)) || b.level - a.level);
  return h('ul', { class: 'skills' }, sorted.slice(0, 5).map((entry) => h('li', { class: wanted.includes(entry.skill.slug) ? 'match' : null },
    entry.skill.label, ' · ', t('level', { n: entry.level }))));
}

function hit(edge, state) {
  const node = edge.node;
  const snippets = edge.highlights.filter((highlight) => !['title', 'name', 'displayName'].includes(highlight.field));
  const titled = edge.highlights.find((highlight) => ['title', 'name', 'displayName'].includes(highlight.field));
  const distance = edge.distanceKm != null ? t('distance', { n: Math.round(edge.distanceKm) }) : null;
  const fact = (text, name) => (text ? h('li', { class: name }, text) : null);
  const snippet = snippets[0] ? h('p', { class: 'snippet' }, marked(snippets[0].snippet)) : null;
  if (node.__typename === 'TrainingOffer') {
    const session = node.nextSession;
    return h('article', {},
      h('h3', {}, h('span', { class: 'kind-badge' }, t('kind_TRAINING_OFFER')),
        h('a', { href: `/offres/${encodeURIComponent(node.slug)}` }, titled ? marked(titled.snippet) : node.title)),
      h('p', {}, node.provider.name, node.provider.qualiopiCertified ? h('span', { class: 'badge qualiopi' }, 'Qualiopi') : null,
        node.cpfEligible ? h('span', { class: 'badge cpf' }, 'CPF') : null),
      snippet ?? h('p', { class: 'snippet' }, node.summary),
      h('ul', { class: 'facts' },
        fact(session ? t('nextSession', { date: formatDate(session.startDate), place: session.place ? ` · ${session.place.name}` : '' }) : t('noSession')),
        fact(node.price ? formatMoney(node.price) : t('onQuotation'), 'price'),
        fact(t(`modality_${node.modality}`)),
        fact(t('duration', { n: node.durationHours })),
        fact(distance, 'distance')),
      skillList(node.skills, state.skills));
  }
  if (node.__typename === 'SkillProfile') {
    const headline = edge.highlights.find((highlight) => highlight.field === 'headline');
    const summary = edge.highlights.find((highlight) => highlight.field === 'summary');
    return h('article', {},
      h('h3', {}, h('span', { class: 'kind-badge' }, t('kind_SKILL_PROFILE')),
        h('a', { href: `/profils/${encodeURIComponent(node.id)}` }, titled ? marked(titled.snippet) : node.displayName)),
      h('p', {}, headline ? marked(headline.snippet) : node.headline),
      summary ? h('p', { class: 'snippet' }, marked(summary.snippet)) : null,
      h('ul', { class: 'facts' },
        fact(node.place?.name),
        fact(node.availableFrom ? t('availableFrom', { date: formatDate(node.availableFrom) }) : t('availableNow')),
        fact(node.dailyRate ? t('dailyRate', { amount: formatMoney(node.dailyRate) }) : null),
        fact(node.remote ? t('remote') : null),
        fact(distance)),
      skillList(node.skills, state.skills));
  }
  return h('article', {},
    h('h3', {}, h('span', { class: 'kind-badge' }, t('kind_ORGANISATION')),
      h('a', { href: `/organisations/${encodeURIComponent(node.slug)}` }, titled ? marked(titled.snippet) : node.name),
      node.qualiopiCertified ? h('span', { class: 'badge qualiopi' }, 'Qualiopi') : null),
    snippet,
    h('ul', { class: 'facts' },
      fact(node.isTrainingProvider ? t('trainingProvider') : t('company')),
      fact(node.place?.name),
      fact(distance)),
    h('ul', { class: 'skills' }, node.skills.slice(0, 6).map((skill) => h('li', { class: state.skills.includes(skill.slug) ? 'match' : null }, skill.label))));
}
