// Detail pages: a training offer, an organisation, a skill profile.
import { ApiError, graphql, signedIn } from './api.js';
import { formatDate, formatMoney, locale, t } from './i18n.js';
import { go } from './router.js';
import { failure, h, heading, loading } from './ui.js';

const levelText = (level) => `${t('level', { n: level })} (${t(`levelName_${level}`)})`;

/** Loads a page's data and renders it, or the not-found or error state. */
async function show(main, load, render) {
  main.replaceChildren(loading());
  const address = location.href;
  let data;
  try {
    data = await load();
    // Another page was asked for meanwhile: it owns the screen now.
    if (location.href !== address) return;
  } catch (error) {
    if (location.href !== address) return;
    main.replaceChildren(heading(t('errorTitle')), failure(error, () => go(location.href, { replace: true })));
    return;
  }
  if (!data) {
    main.replaceChildren(heading(t('notFound')), h('p', {}, h('a', { href: '/' }, t('backToSearch'))));
    return;
  }
  main.replaceChildren(...render(data));
}

const facts = (...pairs) => h('dl', { class: 'facts-list' },
  pairs.filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([name, value]) => [h('dt', {}, name), h('dd', {}, value)]));

const skillTable = (caption, skills) => h('table', {},
  h('caption', { class: 'visually-hidden' }, caption),
  h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('skills')), h('th', { scope: 'col' }, t('levelColumn')))),
  h('tbody', {}, skills.map((entry) => h('tr', {},
    h('th', { scope: 'row' }, entry.skill.label),
    h('td', { class: 'level' }, levelText(entry.level))))));

const OFFER = `query Offer($slug: String!, $locale: Locale) {
  trainingOffer(slug: $slug) {
    id title summary description prerequisites modality durationHours cpfEligible language status registrationUrl
    price { amountCents currency }
    certification { code title }
    provider { slug name qualiopiCertified place { name } }
    skills { level skill { slug label(locale: $locale) } }
    sessions { startDate endDate seatsLeft place { name departmentCode } }
  }
}`;

export function offerPage(main, slug) {
  return show(main, async () => (await graphql(OFFER, { slug, locale: locale() })).trainingOffer, (offer) => [
    heading(offer.title),
    h('p', {}, h('a', { href: `/organisations/${encodeURIComponent(offer.provider.slug)}` }, offer.provider.name),
      offer.provider.qualiopiCertified ? h('span', { class: 'badge qualiopi' }, 'Qualiopi') : null,
      offer.cpfEligible ? h('span', { class: 'badge cpf' }, 'CPF') : null),
    h('p', {}, offer.summary),
    facts(
      [t('price'), offer.price ? formatMoney(offer.price) : t('onQuotation')],
      [t('modality'), t(`modality_${offer.modality}`)],
      [t('durationLabel'), t('duration', { n: offer.durationHours })],
      [t('cpf'), offer.cpfEligible ? '✓' : '—'],
      [t('certification'), offer.certification ? `${offer.certification.code} · ${offer.certification.title}` : null],
      [t('language'), offer.language.toUpperCase()],
    ),
    h('h2', {}, t('offerSkills')),
    skillTable(t('offerSkills'), offer.skills),
    h('h2', {}, t('sessions')),
    offer.sessions.length
      ? h('table', {},
        h('caption', { class: 'visually-hidden' }, t('sessions')),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('dates')), h('th', { scope: 'col' }, t('place')), h('th', { scope: 'col' }, t('seatsLeft')))),
        h('tbody', {}, offer.sessions.map((session) => h('tr', {},
          h('td', {}, `${formatDate(session.startDate)} – ${formatDate(session.endDate)}`),
          h('td', {}, session.place ? `${session.place.name} (${session.place.departmentCode})` : t('remoteSession')),
          h('td', {}, session.seatsLeft ?? '—')))))
      : h('p', {}, t('noSession')),
    h('h2', {}, t('description')),
    h('p', { class: 'description' }, offer.description),
    offer.prerequisites ? [h('h2', {}, t('prerequisites')), h('p', {}, offer.prerequisites)] : null,
    offer.registrationUrl ? h('p', {}, h('a', { class: 'button', href: offer.registrationUrl, rel: 'noopener', 'data-external': '' }, t('register'))) : null,
  ].flat().filter(Boolean));
}

const ORGANISATION = `query Organisation($slug: String!, $locale: Locale) {
  organisation(slug: $slug) {
    id name description website isTrainingProvider qualiopiCertified
    place { name departmentCode }
    skills { slug label(locale: $locale) }
    trainingOffers(first: 50) { totalCount edges { node { slug title modality price { amountCents currency } nextSession { startDate } } } }
  }
}`;

export function organisationPage(main, slug) {
  return show(main, async () => (await graphql(ORGANISATION, { slug, locale: locale() })).organisation, (organisation) => [
    heading(organisation.name),
    h('p', {}, organisation.isTrainingProvider ? t('trainingProvider') : t('company'),
      organisation.qualiopiCertified ? h('span', { class: 'badge qualiopi' }, 'Qualiopi') : null),
    organisation.description ? h('p', {}, organisation.description) : null,
    facts(
      [t('place'), organisation.place ? `${organisation.place.name} (${organisation.place.departmentCode})` : null],
      [t('website'), organisation.website ? h('a', { href: organisation.website, rel: 'noopener', 'data-external': '' }, organisation.website) : null],
    ),
    h('h2', {}, t('orgSkills')),
    h('ul', { class: 'skills' }, organisation.skills.map((skill) => h('li', {}, skill.label))),
    h('h2', {}, t('offersOf', { name: organisation.name })),
    organisation.trainingOffers.totalCount
      ? h('ul', {}, organisation.trainingOffers.edges.map(({ node }) => h('li', {},
        h('a', { href: `/offres/${encodeURIComponent(node.slug)}` }, node.title), ' — ',
        t(`modality_${node.modality}`), ' · ', node.price ? formatMoney(node.price) : t('onQuotation'),
        node.nextSession ? ` · ${formatDate(node.nextSession.startDate)}` : '')))
      : h('p', {}, t('noOffers')),
  ].filter(Boolean));
}

const PROFILE = `query Profile($id: ID!, $locale: Locale) {
  node(id: $id) {
    ... on SkillProfile {
      id displayName headline summary remote availableFrom contactEmail
      dailyRate { amountCents currency }
      place { name departmentCode }
      skills { level years skill { slug label(locale: $locale) } }
    }
  }
}`;

export function profilePage(main, id) {
  return show(main, async () => {
    try {
      const node = (await graphql(PROFILE, { id, locale: locale() })).node;
      return node?.displayName ? node : null;
    } catch (error) {
      // A mistyped ID in an address is a page that does not exist.
      if (error instanceof ApiError && error.kind === 'input') return null;
      throw error;
    }
  }, (profile) => [
    heading(profile.displayName),
    h('p', {}, profile.headline),
    profile.summary ? h('p', {}, profile.summary) : null,
    facts(
      [t('place'), profile.place ? `${profile.place.name} (${profile.place.departmentCode})` : null],
      [t('availability'), profile.availableFrom ? t('availableFrom', { date: formatDate(profile.availableFrom) }) : t('availableNow')],
      [t('dailyRateLabel'), profile.dailyRate ? formatMoney(profile.dailyRate) : null],
      [t('remoteLabel'), profile.remote ? t('remote') : '—'],
    ),
    h('h2', {}, t('profileSkills')),
    skillTable(t('profileSkills'), profile.skills),
    h('h2', {}, t('contact')),
    profile.contactEmail
      ? h('p', {}, h('a', { href: `mailto:${profile.contactEmail}`, 'data-external': '' }, profile.contactEmail))
      : h('p', {}, signedIn() ? '—' : [t('contactSignIn'), ' ', h('a', { href: `/connexion?next=${encodeURIComponent(location.pathname)}` }, t('signIn'))]),
  ].filter(Boolean));
}
