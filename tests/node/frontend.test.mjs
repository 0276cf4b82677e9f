// The companies' front end, end to end: Debian's Chromium driven by playwright-core against a
// real `passerelle serve --demo`. Screenshots of the main pages go to test-artifacts/screenshots.
//   PASSERELLE_BIN=target/debug/passerelle node --test --test-concurrency=1 tests/node/frontend.test.mjs
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const screenshots = join(here, '..', '..', 'test-artifacts', 'screenshots');
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let server;
let browser;

before(async () => {
  mkdirSync(screenshots, { recursive: true });
  server = await startServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close();
  server?.stop();
});

/** A fresh page (own storage) that fails the test on any script error. */
async function open(path, { viewport = { width: 1280, height: 900 }, bypassCSP = false } = {}) {
  const context = await browser.newContext({ viewport, locale: 'fr-FR', bypassCSP });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error.message));
  if (path) await page.goto(server.url + path);
  return page;
}

async function close(page) {
  assert.deepEqual(page.errors, [], 'no script errors');
  await page.context().close();
}

/** Waits for the search results of the page's current address. */
async function results(page) {
  const area = page.locator('section.results-area[aria-busy="false"]');
  await area.and(page.locator(`[data-for="${page.url()}"]`)).waitFor();
  return area;
}

const totalOf = async (page) => Number((await page.locator('#results-title').textContent()).match(/\d+/)[0]);
/** The addresses of the hits shown, in order. */
const hitsOf = (page) => page.locator('ol.results h3 a').evaluateAll((links) => links.map((link) => link.getAttribute('href')));
const shot = (page, name) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });

async function pick(page, label, typed, option) {
  const input = page.getByRole('combobox', { name: label });
  await input.fill('');
  await input.pressSequentially(typed, { delay: 30 });
  const choice = page.getByRole('option', { name: option }).first();
  await choice.waitFor();
  await choice.click();
}

async function axe(page) {
  await page.addScriptTag({ path: axePath });
  const outcome = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return outcome.violations.map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(' ')).slice(0, 3).join(', ')}`);
}

describe('search', () => {
  test('a search shows mixed results with highlights and key facts', async () => {
    const page = await open('/');
    await page.getByRole('combobox', { name: 'Compétence, formation, organisme' }).fill('rust');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.waitForURL(/\?q=rust/);
    const area = await results(page);
    assert.match(await page.locator('#results-title').textContent(), /résultat\(s\) pour « rust »/);
    assert.ok(await area.locator('ol.results > li').count() > 1);
    assert.ok(await area.locator('mark').count() > 0, 'matches are highlighted');
    const badges = new Set(await area.locator('.kind-badge').allTextContents());
    assert.ok(badges.has('Formation') && badges.has('Profil'), `kinds mixed: ${[...badges]}`);
    const offer = area.locator('ol.results > li', { has: page.locator('.kind-badge', { hasText: 'Formation' }) }).first();
    assert.match(await offer.locator('.facts').textContent(), /(€|Sur devis)/);
    assert.match(await offer.locator('.facts').textContent(), /(Présentiel|Distanciel|Hybride)/);
    await shot(page, 'search');
    await close(page);
  });

  test('a suggestion picked with the keyboard becomes a skill filter', async () => {
    const page = await open('/');
    const input = page.getByRole('combobox', { name: 'Compétence, formation, organisme' });
    await input.pressSequentially('kube', { delay: 40 });
    await page.getByRole('option', { name: /Kubernetes/ }).first().waitFor();
    assert.equal(await input.getAttribute('aria-expanded'), 'true');
    await input.press('ArrowDown');
    assert.match(await input.getAttribute('aria-activedescendant'), /-list-0$/);
    await input.press('Enter');
    await page.waitForURL(/skill=kubernetes/);
    await results(page);
    assert.ok(await page.locator('#facet-skills-kubernetes').isChecked());
    assert.ok(await totalOf(page) > 0);
    for (const skills of await page.locator('ol.results .skills').allTextContents()) {
      assert.match(skills, /Kubernetes/);
    }
    await close(page);
  });

  test('clicking a facet narrows the results and the counts', async () => {
    const page = await open('/?q=rust');
    await results(page);
    const before = await totalOf(page);
    const facet = page.locator('#facet-kinds-TRAINING_OFFER');
    const offers = Number(await page.locator('label[for="facet-kinds-TRAINING_OFFER"] .count').textContent());
    const skillCountsBefore = await page.locator('label[for^="facet-skills-"] .count').allTextContents();
    assert.ok(offers > 0 && offers < before, `${offers} offers among ${before}`);
    await facet.check();
    await page.waitForURL(/kind=TRAINING_OFFER/);
    await results(page);
    assert.equal(await totalOf(page), offers);
    assert.deepEqual(new Set(await page.locator('ol.results .kind-badge').allTextContents()), new Set(['Formation']));
    const skillCountsAfter = await page.locator('label[for^="facet-skills-"] .count').allTextContents();
    const sum = (counts) => counts.reduce((total, count) => total + Number(count), 0);
    assert.ok(sum(skillCountsAfter) < sum(skillCountsBefore), 'the skill counts follow the narrowing');
    // The facet keeps its own counts (disjunctive) and unchecking restores everything.
    assert.ok(await page.locator('#facet-kinds-TRAINING_OFFER').isChecked());
    await page.locator('#facet-kinds-TRAINING_OFFER').uncheck();
    await page.waitForURL((url) => !url.search.includes('kind='));
    await results(page);
    assert.equal(await totalOf(page), before);
    await close(page);
  });

  test('a place from the commune list and a radius keep results within the circle', async () => {
    const page = await open('/?q=rust');
    await results(page);
    const everywhere = await totalOf(page);
    await pick(page, 'Commune', 'Montpel', /^Montpellier/);
    await page.getByLabel('Rayon').selectOption('20');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.waitForURL(/place=34172/);
    assert.match(page.url(), /radius=20/);
    await results(page);
    const near = await totalOf(page);
    assert.ok(near > 0 && near < everywhere, `${near} near Montpellier, ${everywhere} in all`);
    const distances = (await page.locator('ol.results .facts').allTextContents())
      .map((facts) => Number(facts.match(/à (\d+) km/)?.[1]));
    assert.ok(distances.every((km) => km <= 20), `distances ${distances}`);
    // Sorting by distance becomes possible, and sorts.
    await page.getByLabel('Trier par').selectOption('DISTANCE');
    await page.waitForURL(/sort=DISTANCE/);
    await results(page);
    const sorted = (await page.locator('ol.results .facts').allTextContents()).map((facts) => Number(facts.match(/à (\d+) km/)?.[1]));
    assert.deepEqual(sorted, [...sorted].sort((a, b) => a - b));
    await close(page);
  });

  test('filters for price, CPF and Qualiopi, and paging forward and back', async () => {
    const page = await open('/?kind=TRAINING_OFFER');
    await results(page);
    const all = await totalOf(page);
    await page.getByLabel('Prix maximum (€)').fill('2000');
    await page.getByLabel('Éligible CPF').check();
    await page.getByLabel('Certifié Qualiopi').check();
    await page.getByRole('button', { name: 'Appliquer les filtres' }).click();
    await page.waitForURL(/maxPrice=2000/);
    await results(page);
    const filtered = await totalOf(page);
    assert.ok(filtered > 0 && filtered < all, `${filtered} of ${all}`);
    for (const card of await page.locator('ol.results > li').all()) {
      assert.equal(await card.locator('.badge.cpf').count(), 1);
      assert.equal(await card.locator('.badge.qualiopi').count(), 1);
      const price = await card.locator('.facts .price').textContent();
      assert.ok(Number(price.replace(/[^\d,]/g, '').replace(',', '.')) <= 2000, price);
    }
    // Paging through all offers: page 2 differs from page 1, and Back returns to page 1.
    await page.goto(`${server.url}/?kind=TRAINING_OFFER`);
    await results(page);
    const first = await hitsOf(page);
    await page.getByRole('button', { name: 'Page suivante' }).click();
    await page.waitForURL(/after=/);
    await results(page);
    const second = await hitsOf(page);
    assert.equal(second.filter((title) => first.includes(title)).length, 0);
    await page.goBack();
    await results(page);
    assert.deepEqual(await hitsOf(page), first);
    await close(page);
  });
});

describe('detail pages', () => {
  test('an offer, its provider and a profile, from the results', async () => {
    const page = await open('/?q=rust&kind=TRAINING_OFFER');
    await results(page);
    const title = (await page.locator('ol.results h3 a').first().textContent()).trim();
    await page.locator('ol.results h3 a').first().click();
    await page.waitForURL(/\/offres\//);
    await page.locator('h1').waitFor();
    assert.equal((await page.locator('h1').textContent()).trim(), title);
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1', 'the new page is announced');
    assert.ok(await page.locator('table').first().locator('tbody tr').count() > 0, 'skills taught with levels');
    assert.match(await page.locator('main').textContent(), /niveau \d\/5/);
    assert.ok(await page.getByRole('heading', { name: 'Sessions' }).isVisible());
    await shot(page, 'offer');
    const provider = (await page.locator('main p a').first().textContent()).trim();
    await page.locator('main p a').first().click();
    await page.waitForURL(/\/organisations\//);
    await page.getByRole('heading', { level: 1, name: provider }).waitFor();
    assert.ok(await page.locator(`main a[href^="/offres/"]`).count() > 0, 'its offers are listed');
    await shot(page, 'organisation');

    await page.goto(`${server.url}/?q=rust&kind=SKILL_PROFILE`);
    await results(page);
    const name = (await page.locator('ol.results h3 a').first().textContent()).trim();
    await page.locator('ol.results h3 a').first().click();
    await page.waitForURL(/\/profils\//);
    await page.getByRole('heading', { level: 1, name }).waitFor();
    assert.match(await page.locator('main').textContent(), /niveau \d\/5/);
    assert.match(await page.locator('main').textContent(), /Connectez-vous pour voir les coordonnées/);
    assert.equal(await page.locator('main a[href^="mailto:"]').count(), 0);
    await shot(page, 'profile');
    await close(page);
  });

  test('signed in, a company user sees contact details', async () => {
    const page = await open('/?q=rust&kind=SKILL_PROFILE');
    await results(page);
    await page.locator('ol.results h3 a').first().click();
    await page.waitForURL(/\/profils\//);
    const profile = new URL(page.url()).pathname;
    await page.getByRole('link', { name: 'Se connecter' }).last().click();
    await page.waitForURL(/\/connexion/);
    await page.getByLabel('Adresse e-mail').fill('entreprise@demo.passerelle.example');
    await page.getByLabel('Mot de passe').fill('mauvais mot de passe');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByText('Adresse ou mot de passe incorrect.').waitFor();
    await page.getByLabel('Mot de passe').fill('entreprise-demo-2026');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL((url) => url.pathname === profile);
    await page.locator('main a[href^="mailto:"]').waitFor();
    assert.match(await page.locator('#account').textContent(), /Connecté/);
    await page.reload();
    await page.locator('main a[href^="mailto:"]').waitFor();
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByText('Connectez-vous pour voir les coordonnées.').waitFor();
    await close(page);
  });

  test('an unknown address says so in words', async () => {
    const page = await open('/offres/nexiste-pas');
    await page.getByRole('heading', { name: 'Cette page n’existe pas ou n’est plus publiée.' }).waitFor();
    await close(page);
  });
});

describe('my need', () => {
  test('a need ranks profiles with coverage, a gap chart, and trainings that close the gaps', async () => {
    const page = await open('/besoin');
    await pick(page, 'Compétence 1', 'rus', /^Rust$/);
    await page.getByLabel('Niveau minimum').first().selectOption('4');
    await page.getByRole('button', { name: 'Ajouter une compétence' }).click();
    await pick(page, 'Compétence 2', 'dock', /^Docker/);
    await page.getByLabel('Niveau minimum').nth(1).selectOption('3');
    await pick(page, 'Commune', 'Montpel', /^Montpellier/);
    await page.getByRole('button', { name: 'Trouver les profils' }).click();
    await page.waitForURL(/skill=rust%3A4%2Cdocker%3A3|skill=rust:4,docker:3/);
    await page.locator(`section[data-for="${page.url()}"]`).waitFor();
    const cards = page.locator('.match-card');
    assert.ok(await cards.count() > 0);
    const first = cards.first();
    assert.match(await first.locator('.scores').textContent(), /Couverture \d+ %/);
    const chart = first.locator('svg[role="img"]');
    assert.match(await chart.getAttribute('aria-label'), /Rust requis 4, détenu \d ; Docker requis 3, détenu \d/);
    assert.equal(await chart.locator('rect').count(), 2, 'one bar per required skill');
    const gaps = page.locator('.gaps li');
    assert.ok(await gaps.count() > 0, 'some profile lacks something');
    assert.match(await gaps.first().textContent(), /niveau \d\/5 pour \d\/5 requis/);
    assert.ok(await page.locator('.gaps a[href^="/offres/"]').count() > 0, 'trainings close gaps');
    assert.ok(await page.locator('ol.trainings li').count() > 0, 'trainings covering the need');
    await shot(page, 'need');
    // The need is in the address: a reload shows the same ranking.
    const ranking = await page.locator('.match-card h3').allTextContents();
    await page.reload();
    await page.locator(`section[data-for="${page.url()}"]`).waitFor();
    assert.deepEqual(await page.locator('.match-card h3').allTextContents(), ranking);
    await close(page);
  });
});

describe('the address is the state', () => {
  test('a shared link shows the same page, reload too, and Back returns', async () => {
    const link = '/?q=donn%C3%A9es&kind=TRAINING_OFFER&sort=PRICE_ASC';
    const page = await open(link);
    await results(page);
    const titles = await hitsOf(page);
    assert.ok(titles.length > 0);
    assert.equal(await page.getByLabel('Trier par').inputValue(), 'PRICE_ASC');
    const other = await open(link);
    await results(other);
    assert.deepEqual(await hitsOf(other), titles);
    assert.equal(await other.getByRole('combobox', { name: 'Compétence, formation, organisme' }).inputValue(), 'données');
    assert.ok(await other.locator('#facet-kinds-TRAINING_OFFER').isChecked());
    await close(other);
    await page.reload();
    await results(page);
    assert.deepEqual(await hitsOf(page), titles);
    await page.locator('ol.results h3 a').first().click();
    await page.waitForURL(/\/offres\//);
    await page.goBack();
    await results(page);
    assert.deepEqual(await hitsOf(page), titles);
    await close(page);
  });
});

describe('quality', () => {
  test('keyboard only: skip link, search, facet, result, all with a visible focus', async () => {
    const page = await open('/');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Aller au contenu');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('name')), 'q');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none', 'focus is visible');
    await page.keyboard.type('rust');
    // Enter with no suggestion chosen submits what was typed.
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=rust/);
    await results(page);
    // Tab to the first facet and tick it with the space bar.
    for (let step = 0; step < 30; step += 1) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement.id === 'facet-kinds-SKILL_PROFILE')) break;
    }
    assert.equal(await page.evaluate(() => document.activeElement.id), 'facet-kinds-SKILL_PROFILE');
    await page.keyboard.press('Space');
    await page.waitForURL(/kind=SKILL_PROFILE/);
    await results(page);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'facet-kinds-SKILL_PROFILE', 'focus stays on the facet');
    for (let step = 0; step < 60; step += 1) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement.closest('ol.results h3') !== null)) break;
    }
    const name = await page.evaluate(() => document.activeElement.textContent);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/profils\//);
    await page.getByRole('heading', { level: 1, name }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');
    await close(page);
  });

  test('no accessibility violations on the main pages (axe-core)', async () => {
    // The page's policy forbids inline scripts; axe is injected as one, so only here it is lifted.
    const page = await open('/?q=rust', { bypassCSP: true });
    await results(page);
    const found = { search: await axe(page) };
    await page.locator('ol.results h3 a').first().click();
    await page.locator('h1').waitFor();
    found.detail = await axe(page);
    await page.goto(`${server.url}/besoin?skill=rust:4,docker:3&place=34172&radius=50`);
    await page.locator('section[data-for]').waitFor();
    found.need = await axe(page);
    await page.goto(`${server.url}/connexion`);
    await page.locator('h1').waitFor();
    found.signIn = await axe(page);
    await page.goto(`${server.url}/?q=zzzzqqqq`);
    await results(page);
    found.empty = await axe(page);
    for (const [where, violations] of Object.entries(found)) {
      assert.deepEqual(violations, [], `${where}: ${violations.join('\n')}`);
    }
    await close(page);
  });

  test('an API failure shows a worded error and a retry that works', async () => {
    const page = await open();
    await page.route('**/graphql', (route) => route.fulfill({ status: 500, contentType: 'text/plain', body: 'boom' }));
    await page.goto(`${server.url}/?q=rust`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /Le service ne répond pas pour le moment/);
    assert.ok(await page.locator('header').isVisible(), 'the page keeps its frame');
    await shot(page, 'error');
    await page.unroute('**/graphql');
    await page.getByRole('button', { name: 'Réessayer' }).click();
    await results(page);
    assert.ok(await totalOf(page) > 0);
    await close(page);
  });

  test('empty results explain what to try', async () => {
    const page = await open('/?q=zzzzqqqq');
    await results(page);
    assert.match(await page.locator('main').textContent(), /Aucun résultat pour « zzzzqqqq »/);
    assert.match(await page.locator('main').textContent(), /Essayez un terme plus général/);
    await close(page);
  });

  test('English switch for the interface and the skill labels, kept on reload', async () => {
    const page = await open('/?q=rust');
    await results(page);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Find skills and training' }).waitFor();
    await results(page);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.match(await page.locator('aside.filters').textContent(), /REST APIs/);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Find skills and training' }).waitFor();
    await page.getByRole('button', { name: 'Français' }).click();
    await page.getByRole('heading', { level: 1, name: 'Trouver des compétences et des formations' }).waitFor();
    await close(page);
  });

  test('a phone-sized screen gets the same page in one column', async () => {
    const page = await open('/?q=cybers%C3%A9curit%C3%A9', { viewport: { width: 390, height: 844 } });
    await results(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no sideways scrolling (${overflow} px)`);
    await shot(page, 'search-phone');
    await close(page);
  });
});
