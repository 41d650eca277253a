// The company portal in English (issue 15): an administrator whose browser prefers English
// walks the login page, the approval queue, the tickets, one ticket, a new subscription,
// the settings and the salary deduction page, and the operator the companies and the tariff.
// Every state is checked with axe, and its visible text (also aria-labels and titles) for
// Norwegian words, so a text left out of the dictionary shows. A refusal from the API and
// refusals made in the browser are read in English; the language switch in the header goes to
// bokmål and back, keeps what was typed, and is remembered.

import assert from 'node:assert/strict';

const VENT = { timeout: 15000 };

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
  'October', 'November', 'December'];

/** The month of `dag` (`2026-12-10`) in English words: "December 2026". */
function monthOf(dag) {
  const [y, m] = dag.split('-').map(Number);
  return `${MONTHS[m - 1]} ${y}`;
}

/**
 * Words only Norwegian text has. The data of the scenario (names, zones, the company, the
 * extra field "Avdeling") has none of them.
 */
const NORWEGIAN = /(?<!\p{L})(ikke|på|av|eller|ingen|skal|må|hvis|når|denne|dette|bestilling|bestillinger|abonnement|abonnementer|billett|billetter|lagre|avbryt|innstillinger|lønnstrekk|søk|godkjenn|avvis|venter|gyldig|siden|logg)(?!\p{L})/iu;

/** The main heading, once it matches `pattern`. */
async function heading(page, pattern) {
  await page.locator('main h1').filter({ hasText: pattern }).waitFor(VENT);
}

/**
 * Fails when the page shows a Norwegian word outside an element marked with another language
 * (the switch to bokmål is `lang="nb"`): visible text, aria-labels, titles and placeholders.
 */
async function noNorwegian(page, label) {
  const texts = await page.evaluate(() => {
    const found = [];
    const foreign = (node) => {
      const marked = node.closest && node.closest('[lang]');
      return marked && marked !== document.documentElement && !marked.lang.startsWith('en');
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const parent = n.parentElement;
      if (!parent || foreign(parent) || parent.closest('[hidden], script, style')) continue;
      if (n.textContent.trim()) found.push(n.textContent.trim());
    }
    for (const node of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
      if (foreign(node)) continue;
      for (const a of ['aria-label', 'title', 'placeholder']) {
        if (node.getAttribute(a)) found.push(node.getAttribute(a));
      }
    }
    found.push(document.title);
    return found;
  });
  const norwegian = texts.filter((x) => NORWEGIAN.test(x));
  assert.deepEqual(norwegian, [], `"${label}" shows Norwegian text in English`);
}

/** axe, the check for Norwegian words, and a screenshot of the state `label`. */
async function check(ctx, page, label) {
  await ctx.axe(page, label);
  await noNorwegian(page, label);
  await ctx.shot(page, label.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
}

async function logIn(ctx, page, email, password) {
  await page.goto(`${ctx.baseUrl}/logg-inn`);
  await heading(page, 'Log in');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en', 'the portal is not marked lang="en"');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/**
 * An administrator with a browser in English: every main page of the portal in English, a
 * refusal from the API and from the browser in English, amounts and dates the English way.
 */
export async function adminUsesThePortalInEnglish(ctx) {
  const { adminEmail, adminPassword, companyId, otherSubscriptionId, today } = ctx.setup;
  const page = await ctx.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });

  // The login page, and a refusal of the wrong password.
  await page.goto(`${ctx.baseUrl}/logg-inn`);
  await heading(page, 'Log in');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en', 'the portal is not marked lang="en"');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('main').getByText('Enter your e-mail address.').waitFor(VENT);
  await page.getByLabel('E-mail').fill(adminEmail);
  await page.getByLabel('Password', { exact: true }).fill('not the password at all');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('main').getByText('Wrong e-mail or password.').waitFor(VENT);
  await check(ctx, page, 'portal (en): log in refused');

  await logIn(ctx, page, adminEmail, adminPassword);
  await heading(page, /^Approval – /);
  await page.locator('main').getByText('The queue updates by itself when new orders arrive.').waitFor(VENT);
  await page.locator('main .teller, main .kort').first().waitFor(VENT);
  await check(ctx, page, 'portal (en): approval queue');

  const menu = page.getByRole('navigation', { name: 'Main menu' });
  await menu.getByRole('link', { name: 'Tickets' }).click();
  await heading(page, /^Tickets – /);
  await page.locator('main').getByText(/^Showing \d+ tickets?/).waitFor(VENT);
  await page.getByRole('columnheader', { name: 'Traveller' }).waitFor(VENT);
  await check(ctx, page, 'portal (en): tickets');
  await page.getByLabel('Search', { exact: true }).fill('hansen per');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.locator('main').getByText('Showing 1 ticket matching the search.').waitFor(VENT);

  // Per Hansen's ticket, cancelled today by the Norwegian walk: its dates and history in English.
  await page.goto(`${ctx.baseUrl}/portal#/firma/${companyId}/billett/${otherSubscriptionId}`);
  await heading(page, 'Per Hansen');
  const about = page.getByRole('region', { name: 'About the ticket' });
  const [, m, d] = today.split('-').map(Number);
  const last = about.locator('dt:text-is("Valid until and including") + dd');
  assert.equal(await last.textContent(), `${d} ${MONTHS[m - 1]} ${today.slice(0, 4)}`, 'the last day, the English way');
  await about.getByText('Cancelled').first().waitFor(VENT);
  await page.getByRole('region', { name: 'History' }).getByText('Ordered').waitFor(VENT);
  await check(ctx, page, 'portal (en): one ticket');

  // A refusal from the API (extensions.code and field) in English, next to its field.
  await menu.getByRole('link', { name: 'New subscription' }).click();
  await heading(page, /^New subscription – /);
  await page.getByLabel('Mobile number').fill('123');
  await page.getByLabel('First name').fill('Ola');
  await page.getByLabel('Last name').fill('Nordmann');
  await page.getByLabel('Avdeling').fill('Lager');
  await page.getByLabel('Zone', { exact: true }).selectOption('kristiansand');
  await page.locator('main').getByText(/^Monthly price: [\d,]+\.\d{2}\s*kr$/).waitFor(VENT);
  await page.getByRole('button', { name: 'Create subscription' }).click();
  await page.locator('main').getByText('Enter a valid Norwegian mobile number, for example 912 34 567.').waitFor(VENT);
  assert.equal(await page.getByLabel('Mobile number').getAttribute('aria-invalid'), 'true');
  await check(ctx, page, 'portal (en): new subscription refused');

  await menu.getByRole('link', { name: 'Settings' }).click();
  await heading(page, /^Settings – /);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.locator('#lagre-status').getByText('No changes to save.').waitFor(VENT);
  const payType = page.getByRole('region', { name: 'Pay type' });
  await payType.getByLabel('Pay type in the payroll system').fill('6020');
  await payType.getByText('Not saved').waitFor(VENT);
  await check(ctx, page, 'portal (en): settings');

  // The switch to bokmål keeps what was typed (not saved), and back again.
  await page.getByRole('button', { name: 'Norsk' }).click();
  await heading(page, /^Innstillinger – /);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'nb');
  await page.locator('main').getByText('Det du skrev, er tatt vare på.').waitFor(VENT);
  assert.equal(await page.getByLabel('Lønnsart i lønnssystemet').inputValue(), '6020', 'the typed pay type was lost');
  await ctx.axe(page, 'portal: innstillinger etter språkbytte');
  await page.getByRole('button', { name: 'English' }).click();
  await heading(page, /^Settings – /);
  assert.equal(await page.getByLabel('Pay type in the payroll system').inputValue(), '6020', 'the typed pay type was lost');

  await menu.getByRole('link', { name: 'Salary deduction' }).click();
  await heading(page, `Salary deduction ${monthOf(today)}`);
  await page.locator('main').getByText('Preliminary.').waitFor(VENT);
  await page.getByRole('rowheader', { name: 'Total' }).waitFor(VENT);
  const price = await page.getByRole('row', { name: /Hansen, Per/ }).locator('td[data-etikett="Price"]').textContent();
  assert.match(price, /^[\d,]+\.\d{2}\s*kr$/, `the price is written the English way: ${price}`);
  await check(ctx, page, 'portal (en): salary deduction');

  // A fresh load stays in English: the choice is remembered.
  await page.reload();
  await heading(page, `Salary deduction ${monthOf(today)}`);
  ctx.assertNoErrors(page);
  await page.context().close();
}

/** The operator with a browser in English: the companies and the tariff. */
export async function operatorUsesThePortalInEnglish(ctx) {
  const page = await ctx.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
  await logIn(ctx, page, ctx.setup.operatorEmail, ctx.setup.operatorPassword);
  await heading(page, 'Companies');
  await page.getByRole('columnheader', { name: 'Org. no.' }).waitFor(VENT);
  await check(ctx, page, 'operator (en): companies');
  const register = page.getByRole('region', { name: 'Register a company' });
  await register.getByRole('button', { name: 'Register the company' }).click();
  await register.getByText('Enter the company\'s name.').waitFor(VENT);

  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Tariff' }).click();
  await heading(page, 'Tariff');
  await page.getByRole('cell', { name: 'Current (example prices)' }).waitFor(VENT);
  await page.getByRole('heading', { name: /^Zones \(\d+\)$/ }).waitFor(VENT);
  await check(ctx, page, 'operator (en): tariff');

  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Invoice basis' }).click();
  await heading(page, /^Invoice basis /);
  await check(ctx, page, 'operator (en): invoice basis');
  ctx.assertNoErrors(page);
  await page.context().close();
}
