// "Mon besoin": a company describes the skills it needs; the page ranks the profiles, shows
// each one's gaps as a chart and the trainings that close them, and the trainings that cover
// most of the need.
import { graphql } from './api.js';
import { formatDate, formatMoney, locale, t } from './i18n.js';
import { go } from './router.js';
import { loadPlaces } from './search.js';
import { combobox, failure, h, heading, loading, newId } from './ui.js';

const RADII = [10, 20, 30, 50, 100, 200];
const MAX_SKILLS = 10;

/** The need as the URL describes it: `skill=rust:4,docker:3&place=34172&radius=50…`. */
export function readNeed(params) {
  const skills = (params.get('skill') || '').split(',').filter(Boolean).slice(0, MAX_SKILLS).map((entry) => {
    const [slug, level] = entry.split(':');
    const minLevel = Math.min(5, Math.max(1, Number(level) || 1));
    return { slug, minLevel };
  }).filter((entry) => /^[a-z0-9-]+$/.test(entry.slug));
  return {
    skills,
    place: /^\w{5}$/.test(params.get('place') || '') ? params.get('place') : '',
    radius: RADII.includes(Number(params.get('radius'))) ? Number(params.get('radius')) : 50,
    before: /^\d{4}-\d{2}-\d{2}$/.test(params.get('before') || '') ? params.get('before') : '',
    remoteOk: params.get('remote') !== '0',
  };
}

export function needUrl(need) {
  const params = new URLSearchParams();
  params.set('skill', need.skills.map((entry) => `${entry.slug}:${entry.minLevel}`).join(','));
  if (need.place) {
    params.set('place', need.place);
    params.set('radius', String(need.radius));
  }
  if (need.before) params.set('before', need.before);
  if (!need.remoteOk) params.set('remote', '0');
  return `/besoin?${params}`;
}

const SKILLS = `query Skills($query: String, $locale: Locale) {
  skills(query: $query, first: 8) { edges { node { slug label(locale: $locale) } } }
}`;

const PLACE = `query Place($code: String!) { places(prefix: $code, first: 1) { inseeCode name latitude longitude } }`;

const MATCH = `query Need($need: SkillNeedInput!, $locale: Locale) {
  matchNeed(need: $need, first: 10) {
    profiles {
      score coverage distanceKm
      profile { id displayName headline availableFrom remote place { name } dailyRate { amountCents currency }
        skills { level skill { slug label(locale: $locale) } } }
      gaps { requiredLevel currentLevel skill { slug label(locale: $locale) }
        trainingOffers(first: 3) { slug title provider { name } nextSession { startDate } } }
    }
    trainingOffers {
      score
      trainingOffer { slug title modality provider { name qualiopiCertified } price { amountCents currency } nextSession { startDate } }
      coveredSkills { slug label(locale: $locale) }
    }
  }
}`;

/** Labels of skills by slug, in one request (aliases). */
async function labelsOf(slugs) {
  if (!slugs.length) return {};
  const fields = slugs.map((_, index) => `s${index}: skill(slug: $s${index}) { slug label(locale: $locale) }`).join(' ');
  const declared = slugs.map((_, index) => `$s${index}: String!`).join(', ');
  const variables = Object.fromEntries(slugs.map((slug, index) => [`s${index}`, slug]));
  const data = await graphql(`query Labels(${declared}, $locale: Locale) { ${fields} }`, { ...variables, locale: locale() });
  return Object.fromEntries(Object.values(data).filter(Boolean).map((skill) => [skill.slug, skill.label]));
}

export async function needPage(main, params) {
  const need = readNeed(params);
  main.replaceChildren(heading(t('needTitle')), loading());
  let labels = {};
  let place = null;
  const address = location.href;
  try {
    labels = await labelsOf(need.skills.map((entry) => entry.slug));
    if (need.place) place = (await graphql(PLACE, { code: need.place })).places.find((found) => found.inseeCode === need.place) ?? null;
    if (location.href !== address) return;
  } catch (error) {
    if (location.href !== address) return;
    main.replaceChildren(heading(t('needTitle')), failure(error, () => go(location.href, { replace: true })));
    return;
  }
  const rows = need.skills.filter((entry) => labels[entry.slug]).map((entry) => ({ ...entry, label: labels[entry.slug] }));
  if (!rows.length) rows.push({ slug: '', label: '', minLevel: 3 });
  const results = h('section', { 'aria-labelledby': 'profiles-title', 'aria-busy': 'false' });
  main.replaceChildren(heading(t('needTitle')), h('p', {}, t('needIntro')), needForm(need, rows, place), results);
  if (!need.skills.length) return;
  results.setAttribute('aria-busy', 'true');
  results.replaceChildren(loading());
  const input = { skills: rows.filter((row) => row.slug).map((row) => ({ skill: row.slug, minLevel: row.minLevel })), remoteOk: need.remoteOk };
  if (place) input.near = { latitude: place.latitude, longitude: place.longitude, radiusKm: need.radius };
  if (need.before) input.availableBefore = need.before;
  try {
    const data = await graphql(MATCH, { need: input, locale: locale() });
    results.replaceChildren(...renderMatch(data.matchNeed, rows));
  } catch (error) {
    results.replaceChildren(h('h2', { id: 'profiles-title' }, t('profilesTitle')), failure(error, () => go(location.href, { replace: true })));
  }
  results.setAttribute('aria-busy', 'false');
  // Which address these results answer (tests and tools wait for it).
  results.dataset.for = address;
}

function needForm(need, rows, place) {
  const list = h('div', { class: 'need-skills' });
  const problem = h('p', { class: 'notice error', role: 'alert', hidden: true });
  const renderRows = () => {
    list.replaceChildren(...rows.map((row, index) => {
      const skill = combobox({
        label: t('needSkill', { n: index + 1 }), name: `skill-${index}`, value: row.label, minLength: 1,
        load: async (text) => (await graphql(SKILLS, { query: text, locale: locale() })).skills.edges
          .map(({ node }) => ({ label: node.label, value: node.slug })),
        onPick: (option) => { row.slug = option.value; row.label = option.label; },
      });
      skill.input.addEventListener('input', () => { if (skill.input.value !== row.label) row.slug = ''; });
      const levelId = newId('level');
      const level = h('select', { id: levelId, onChange: (event) => { row.minLevel = Number(event.target.value); } },
        [1, 2, 3, 4, 5].map((value) => h('option', { value, selected: value === row.minLevel }, `${value} — ${t(`levelName_${value}`)}`)));
      const remove = rows.length > 1 ? h('button', {
        type: 'button', class: 'secondary', 'aria-label': t('removeSkill', { name: row.label || t('needSkill', { n: index + 1 }) }),
        onClick: () => { rows.splice(index, 1); renderRows(); list.querySelector('input')?.focus(); },
      }, '×') : h('span');
      return h('div', { class: 'need-skill' }, skill.element, h('div', {}, h('label', { for: levelId }, t('needLevel')), level), remove);
    }));
  };
  renderRows();
  const add = h('button', {
    type: 'button', class: 'secondary',
    onClick: () => {
      if (rows.length >= MAX_SKILLS) return;
      rows.push({ slug: '', label: '', minLevel: 3 });
      renderRows();
      list.querySelectorAll('input[role="combobox"]')[rows.length - 1]?.focus();
    },
  }, t('addSkill'));
  let chosenPlace = place?.inseeCode ?? '';
  const placeField = combobox({
    label: t('placeLabel'), name: 'need-place', value: place?.name ?? '', placeholder: t('placePlaceholder'), minLength: 2,
    load: loadPlaces, onPick: (option) => { chosenPlace = option.value; },
  });
  const radius = h('select', { id: 'need-radius' }, RADII.map((km) => h('option', { value: km, selected: km === need.radius }, t('km', { n: km }))));
  const before = h('input', { type: 'date', id: 'need-before', value: need.before });
  const remote = h('input', { type: 'checkbox', id: 'need-remote', checked: need.remoteOk });
  return h('form', {
    class: 'need-form',
    onSubmit: (event) => {
      event.preventDefault();
      const chosen = rows.filter((row) => row.slug);
      if (!chosen.length || chosen.length < rows.filter((row) => row.label || row.slug).length) {
        problem.textContent = chosen.length ? t('unknownSkill') : t('needEmpty');
        problem.hidden = false;
        return;
      }
      go(needUrl({
        skills: chosen.map((row) => ({ slug: row.slug, minLevel: row.minLevel })),
        place: placeField.input.value.trim() ? chosenPlace : '',
        radius: Number(radius.value),
        before: before.value,
        remoteOk: remote.checked,
      }));
    },
  }, list, h('p', {}, add),
  h('div', { class: 'row' }, placeField.element,
    h('div', {}, h('label', { for: 'need-radius' }, t('radiusLabel')), radius),
    h('div', {}, h('label', { for: 'need-before' }, t('needDate')), before)),
  h('p', {}, h('label', { class: 'check', for: 'need-remote' }, remote, t('remoteOk'))),
  problem,
  h('p', {}, h('button', { type: 'submit', class: 'primary' }, t('runNeed'))));
}

const percent = (value) => Math.round(value * 100);

/** Required against held level per skill, as bars; the text alternative says the same. */
export function gapChart(match, rows) {
  const SVG = 'http://www.w3.org/2000/svg';
  const svg = (tag, attrs, text) => {
    const element = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
    if (text !== undefined) element.textContent = text;
    return element;
  };
  const gaps = new Map(match.gaps.map((gap) => [gap.skill.slug, gap]));
  const held = new Map(match.profile.skills.map((entry) => [entry.skill.slug, entry.level]));
  const lines = rows.map((row) => {
    const gap = gaps.get(row.slug);
    // A requirement without a gap is met (possibly through a narrower skill).
    const level = gap ? gap.currentLevel : Math.max(held.get(row.slug) ?? 0, row.minLevel);
    return { label: row.label, required: row.minLevel, held: level, short: Boolean(gap) };
  });
  const labelWidth = 170;
  const unit = 56;
  const rowHeight = 30;
  const width = labelWidth + unit * 5 + 60;
  const height = rowHeight * lines.length + 24;
  const details = lines.map((line) => `${line.label} ${t('chartRequired')} ${line.required}, ${t('chartHeld')} ${line.held}`).join(' ; ');
  const chart = svg('svg', { class: 'gap-chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': t('chartLabel', { name: match.profile.displayName, details }) });
  for (let level = 0; level <= 5; level += 1) {
    const x = labelWidth + level * unit;
    chart.append(svg('line', { x1: x, x2: x, y1: 0, y2: height - 18, stroke: '#c9ced6' }));
    chart.append(svg('text', { x, y: height - 4, 'text-anchor': 'middle' }, String(level)));
  }
  lines.forEach((line, index) => {
    const y = index * rowHeight + 4;
    chart.append(svg('text', { x: 0, y: y + 16 }, line.label.length > 24 ? `${line.label.slice(0, 23)}…` : line.label));
    chart.append(svg('rect', { x: labelWidth, y, width: Math.max(2, line.held * unit), height: 20, class: line.short ? 'short' : 'held' }));
    const requiredX = labelWidth + line.required * unit;
    chart.append(svg('line', { x1: requiredX, x2: requiredX, y1: y - 3, y2: y + 23, class: 'required' }));
    chart.append(svg('text', { x: labelWidth + 5 * unit + 8, y: y + 16 }, `${line.held}/${line.required}`));
  });
  const legend = h('p', { class: 'legend', 'aria-hidden': 'true' },
    h('span', {}, h('span', { class: 'swatch', style: 'background:#0a4f9e' }), t('chartHeld')),
    h('span', {}, h('span', { class: 'swatch', style: 'background:#a33a00' }), t('chartShort')),
    h('span', {}, h('span', { class: 'swatch', style: 'background:#1b1f24;width:3px' }), t('chartRequired')));
  return h('figure', { class: 'chart' }, chart, legend);
}

function renderMatch(result, rows) {
  const profiles = result.profiles.length
    ? h('ol', { class: 'matches' }, result.profiles.map((match) => h('li', { class: 'match-card' },
      h('h3', {}, h('a', { href: `/profils/${encodeURIComponent(match.profile.id)}` }, match.profile.displayName)),
      h('p', {}, match.profile.headline),
      h('p', { class: 'scores' }, t('score', { n: percent(match.score) }), ' · ', t('coverage', { n: percent(match.coverage) }),
        match.distanceKm != null ? ` · ${t('distance', { n: Math.round(match.distanceKm) })}` : '',
        ' · ', match.profile.availableFrom ? t('availableFrom', { date: formatDate(match.profile.availableFrom) }) : t('availableNow'),
        match.profile.dailyRate ? ` · ${t('dailyRate', { amount: formatMoney(match.profile.dailyRate) })}` : ''),
      gapChart(match, rows),
      h('h4', {}, t('gaps')),
      match.gaps.length
        ? h('ul', { class: 'gaps' }, match.gaps.map((gap) => h('li', {},
          t('gapLine', { skill: gap.skill.label, current: gap.currentLevel, required: gap.requiredLevel }), '. ',
          t('closesGap'), ' ',
          gap.trainingOffers.length
            ? gap.trainingOffers.map((offer, index) => [index ? ', ' : '',
              h('a', { href: `/offres/${encodeURIComponent(offer.slug)}` }, offer.title), ` (${offer.provider.name})`])
            : t('noTraining'))))
        : h('p', {}, t('noGap')))))
    : h('p', { class: 'notice', role: 'status' }, t('noProfiles'));
  const trainings = h('ol', { class: 'trainings' }, result.trainingOffers.slice(0, 8).map((match) => h('li', {},
    h('a', { href: `/offres/${encodeURIComponent(match.trainingOffer.slug)}` }, match.trainingOffer.title),
    ` — ${match.trainingOffer.provider.name}`,
    match.trainingOffer.provider.qualiopiCertified ? h('span', { class: 'badge qualiopi' }, 'Qualiopi') : null,
    ' · ', t('coverage', { n: percent(match.score) }), ' · ',
    t('covers', { skills: match.coveredSkills.map((skill) => skill.label).join(', ') }))));
  return [
    h('h2', { id: 'profiles-title' }, t('profilesTitle')),
    profiles,
    h('h2', {}, t('trainingsTitle')),
    trainings,
  ];
}
