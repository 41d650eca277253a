// The employee's steps of the browser scenario (see flow.mjs), on a phone-sized viewport:
// an unknown link, logging in with the SMS code (reloading on the code screen, a pasted code
// with a space, a used-up and an expired code), ordering (the zone must be chosen; after a
// withdrawn first order), seeing the order approved, cancelling and resuming, and the whole
// order in English (Back, an expired session and a language switch keep what was typed).

import { DESKTOP, PHONE } from './viewports.mjs';

const PHONE_NUMBER = '912 34 567';
const PHONE_E164 = '+4791234567';
const FIRST = 'Ingrid';
const LAST = 'Berg';

/** Waits for the page's h1 to read `text` and for it to hold focus (focus management). */
async function heading(page, text) {
  const h1 = page.locator('h1');
  await h1.filter({ hasText: text }).waitFor();
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.tagName);
  if (focused !== 'H1') throw new Error(`after "${text}" the focus is on ${focused}, not the heading`);
}

/** A screenshot, after checking that the page needs no sideways scrolling. */
async function shot(ctx, page, name) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, width: window.innerWidth,
  }));
  if (scroll > width) throw new Error(`"${name}" is ${scroll} px wide on a ${width} px screen`);
  await ctx.shot(page, name);
}

/** Fails when what the page loaded (document, styles, scripts, data; not images) passes 200 KB. */
async function weight(page, label) {
  const bytes = await page.evaluate(() => {
    const [document] = performance.getEntriesByType('navigation');
    const resources = performance.getEntriesByType('resource').filter((r) => r.initiatorType !== 'img');
    return [document, ...resources].reduce((sum, r) => sum + (r.decodedBodySize || 0), 0);
  });
  console.log(`    ${label}: ${bytes} bytes before images`);
  if (bytes > 200 * 1024) throw new Error(`${label} weighs ${bytes} bytes before images (limit 200 KB)`);
}

async function expectText(locator, text) {
  await locator.filter({ hasText: text }).first().waitFor();
}

/** The employee's session token, as the page keeps it. */
async function sessionToken(page, orderToken) {
  return page.evaluate((t) => localStorage.getItem(`bedrift:ansatt:${t}`), orderToken);
}

/** R14 as the page shows it: percentages of the price, rounded half up. */
function deduction(price, contribution) {
  if (contribution.kind === 'PERCENT') return price - Math.floor((price * contribution.percent + 50) / 100);
  if (contribution.kind === 'FIXED') return price - Math.min(price, contribution.amount);
  return price;
}

function kroner(ore) {
  const kr = String(Math.floor(ore / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return `${kr},${String(ore % 100).padStart(2, '0')}\u00a0kr`;
}

/** Fills the order form: two neighbouring zones, adult, the company's extra field. */
async function fillOrder(page, { zones = 'two' } = {}) {
  await page.getByLabel('Fornavn').fill(FIRST);
  await page.getByLabel('Etternavn').fill(LAST);
  if (zones === 'two') {
    await page.getByLabel('To soner').check();
    await page.getByLabel('Første sone').selectOption({ label: 'Kristiansand' });
    await page.getByLabel('Nabosone').selectOption({ label: 'Vennesla' });
  } else {
    await page.getByLabel('Én sone').check();
    await page.getByLabel('Sone', { exact: true }).selectOption({ label: 'Kristiansand' });
  }
  await page.getByLabel('Voksen', { exact: true }).check();
  await page.getByLabel('Avdeling').fill('Drift');
}

export async function unknownLink(ctx) {
  const page = await ctx.newPage({ viewport: PHONE, mobile: true });
  await page.goto(`${ctx.baseUrl}/bestill/denne-lenken-finnes-ikke`);
  await page.getByRole('heading', { name: 'Denne bestillingslenken virker ikke' }).waitFor();
  await expectText(page.locator('main'), 'Be arbeidsgiveren din om den nye lenken');
  await ctx.axe(page, 'bestill: ukjent lenke');
  await shot(ctx, page, 'ansatt-ukjent-lenke');
  ctx.assertNoErrors(page);
  await page.context().close();
}

export async function ordersViaLink(ctx) {
  const { orderToken } = ctx.setup;
  const page = await ctx.newPage({ viewport: PHONE, mobile: true });
  ctx.shared.employeePage = page;
  ctx.shared.employeeName = `${FIRST} ${LAST}`;
  await page.goto(`${ctx.baseUrl}/bestill/${orderToken}`);
  await page.getByRole('heading', { name: 'Bestill bedriftsbillett' }).waitFor();
  await ctx.axe(page, 'bestill: mobilnummer');
  await weight(page, 'the order page');
  await shot(ctx, page, 'ansatt-mobilnummer');

  // An invalid number is refused next to the field.
  await page.getByLabel('Mobilnummer').fill('12');
  await page.getByRole('button', { name: 'Send kode' }).click();
  await expectText(page.locator('.feltfeil'), 'gyldig norsk mobilnummer');
  if (await page.getByLabel('Mobilnummer').getAttribute('aria-invalid') !== 'true') {
    throw new Error('the refused phone number is not marked aria-invalid');
  }

  await page.getByLabel('Mobilnummer').fill(PHONE_NUMBER);
  await page.getByRole('button', { name: 'Send kode' }).click();
  await heading(page, 'Skriv inn koden');
  // Reloading on the code screen stays there: the code already sent still works.
  await page.reload();
  await heading(page, 'Skriv inn koden');
  const sms = await ctx.message(PHONE_E164);
  const code = (sms.match(/\b(\d{6})\b/) || [])[1];
  if (!code) throw new Error(`no 6-digit code in the SMS: ${sms}`);
  await ctx.axe(page, 'bestill: SMS-kode');

  // A wrong code is refused next to the field; the right one logs in.
  const wrong = code.slice(0, 5) + String((Number(code[5]) + 1) % 10);
  await page.getByLabel('Kode fra SMS').fill(wrong);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await expectText(page.locator('.feltfeil'), 'Koden stemmer ikke');
  await shot(ctx, page, 'ansatt-feil-kode');
  // Pasted with a space ("794 297"), the code keeps all six digits.
  await page.getByLabel('Kode fra SMS').fill(`${code.slice(0, 3)} ${code.slice(3)}`);
  if (await page.getByLabel('Kode fra SMS').inputValue() !== code) {
    throw new Error(`the pasted code reads "${await page.getByLabel('Kode fra SMS').inputValue()}", not ${code}`);
  }
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await heading(page, 'Dine abonnementer');
  await expectText(page.locator('main'), 'Du har ingen abonnementer ennå');
  await ctx.axe(page, 'bestill: dine abonnement (tom)');
  await shot(ctx, page, 'ansatt-dine-abonnement-tom');

  // The form: start date locked, the name hint, the price and the deduction.
  await page.getByRole('button', { name: 'Legg til abonnement' }).click();
  await heading(page, 'Legg til abonnement');
  const start = page.getByLabel('Startdato');
  if (await start.inputValue() !== '1. januar 2027' || await start.getAttribute('readonly') === null) {
    throw new Error(`the start date is not shown locked as 1. januar 2027: ${await start.inputValue()}`);
  }
  await expectText(page.locator('form'), 'slik det står på legitimasjonen');
  await ctx.axe(page, 'bestill: legg til');
  await page.getByRole('button', { name: 'Bestill' }).click();
  await expectText(page.locator('.feltfeil'), 'Skriv fornavnet');
  await shot(ctx, page, 'ansatt-skjema-mangler');

  // No zone is chosen for the employee: forgetting it is an error, not an order for Arendal.
  if (await page.getByLabel('Sone', { exact: true }).inputValue() !== '') {
    throw new Error('a zone is chosen before the employee chose one');
  }
  await page.getByLabel('Fornavn').fill(FIRST);
  await page.getByLabel('Etternavn').fill('Berg2');
  await page.getByLabel('Avdeling').fill('Drift');
  await page.getByRole('button', { name: 'Bestill' }).click();
  await expectText(page.locator('.feltfeil'), 'Et navn kan ikke ha tall.');
  await expectText(page.locator('.feltfeil'), 'Velg sonen du reiser i.');
  if (await page.getByLabel('Sone', { exact: true }).getAttribute('aria-invalid') !== 'true') {
    throw new Error('the missing zone is not marked aria-invalid');
  }
  await ctx.axe(page, 'bestill: sone ikke valgt');
  await shot(ctx, page, 'ansatt-sone-ikke-valgt');

  await fillOrder(page, { zones: 'one' });
  await page.getByRole('button', { name: 'Bestill' }).click();
  await heading(page, 'Dine abonnementer');
  await expectText(page.locator('#status'), 'Bestillingen er sendt');
  await expectText(page.locator('.abonnement'), 'Venter på godkjenning');
  await shot(ctx, page, 'ansatt-bestilt-en-sone');

  // Withdraw the pending order, then order two zones.
  await page.getByRole('button', { name: 'Trekk tilbake bestillingen' }).click();
  await page.getByRole('button', { name: 'Ja, trekk tilbake' }).click();
  await expectText(page.locator('#status'), 'Bestillingen er trukket tilbake');
  await expectText(page.locator('.abonnement'), 'Trukket tilbake');
  await shot(ctx, page, 'ansatt-trukket-tilbake');

  await page.getByRole('button', { name: 'Legg til abonnement' }).click();
  await heading(page, 'Legg til abonnement');
  await fillOrder(page, { zones: 'two' });
  const { tariff } = await ctx.gql(
    'query($on: Date) { tariff(on: $on) { prices { zoneClass category monthly } } }', { on: '2027-01-01' });
  const price = tariff.prices.find((p) => p.zoneClass === 'TWO_ZONES' && p.category === 'ADULT').monthly;
  const expected = kroner(deduction(price, ctx.setup.employerContribution));
  const priceBox = page.locator('.pris');
  await expectText(priceBox, kroner(price));
  await expectText(priceBox, expected);
  await ctx.axe(page, 'bestill: legg til (utfylt)');
  await shot(ctx, page, 'ansatt-skjema-utfylt');
  await page.getByRole('button', { name: 'Bestill' }).click();
  await heading(page, 'Dine abonnementer');
  await expectText(page.locator('#status'), 'Bestillingen er sendt');
  const card = page.locator('.abonnement').first();
  await expectText(card, 'Venter på godkjenning');
  await expectText(card, 'Kristiansand + Vennesla');
  await expectText(card, expected);
  await ctx.axe(page, 'bestill: dine abonnement (venter)');
  await shot(ctx, page, 'ansatt-bestilt');
  ctx.assertNoErrors(page);

  const session = await sessionToken(page, orderToken);
  const { mySubscriptions } = await ctx.gql('{ mySubscriptions { id orderStatus } }', {}, session);
  const pending = mySubscriptions.filter((s) => s.orderStatus === 'PENDING');
  if (pending.length !== 1) throw new Error(`expected one pending order, got ${JSON.stringify(mySubscriptions)}`);
  ctx.shared.subscriptionId = pending[0].id;
}

export async function seesApproved(ctx) {
  const page = ctx.shared.employeePage;
  const card = page.locator('.abonnement').first();
  // Another session's change shows within the projection lag (R19), which a loaded machine
  // stretches: reload until it shows, for at most 60 s.
  const deadline = Date.now() + 60_000;
  for (;;) {
    await page.reload();
    await card.waitFor();
    if ((await card.textContent()).includes('Godkjent, ikke startet')) break;
    if (Date.now() > deadline) throw new Error('the approval did not show within 60 s');
    await page.waitForTimeout(1000);
  }
  await expectText(card, '1. januar 2027');
  await ctx.axe(page, 'bestill: dine abonnement (godkjent)');
  await shot(ctx, page, 'ansatt-godkjent');
  // The same page on a desktop.
  await page.setViewportSize(DESKTOP);
  await ctx.axe(page, 'bestill: dine abonnement (PC)');
  await shot(ctx, page, 'ansatt-godkjent-pc');
  await page.setViewportSize(PHONE);
  ctx.assertNoErrors(page);
}

/**
 * The link in the approval SMS, as the SMS gateway received it, opens the ticket page on a
 * 360 px phone with the right holder, category, zones, validity and payer (issue 13, item 5).
 * Run right after the approval: a resent link (a later step) replaces this one.
 */
export async function approvalSmsOpensTicket(ctx) {
  const sms = await ctx.deliveredSms(PHONE_E164, (text) => /\/billett\/[0-9a-f]+/.test(text));
  const link = (sms.match(/(https?:\/\/\S+?)(\/billett\/[0-9a-f]+)/) || []);
  if (!link[2]) throw new Error(`the approval SMS has no absolute ticket link: ${sms}`);
  // The link starts with PUBLIC_URL (the default, not this test server's port): its path is
  // opened on the server under test.
  const page = await ctx.newPage({ viewport: PHONE, mobile: true });
  await page.goto(`${ctx.baseUrl}${link[2]}`);
  await page.getByRole('heading', { name: 'Månedsbillett' }).waitFor();
  const shown = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('dl .rad')]
    .map((row) => [row.querySelector('dt').textContent.trim(), row.querySelector('dd').textContent.trim()])));
  const expected = {
    Navn: `${FIRST} ${LAST}`,
    Reisende: 'Voksen',
    // Zones that apply from the first day need no date of their own: "Gyldig fra" says it.
    Soner: 'Kristiansand, Vennesla',
    'Gyldig fra': '01.01.2027',
    'Gyldig til og med': 'Løpende, til den sies opp',
    'Betalt av': ctx.setup.companyName,
  };
  if (JSON.stringify(shown) !== JSON.stringify(expected)) {
    throw new Error(`the ticket page shows ${JSON.stringify(shown)}, not ${JSON.stringify(expected)}`);
  }
  await expectText(page.locator('.status'), 'Godkjent, ikke startet');
  await ctx.axe(page, 'billett fra godkjennings-SMS (360 px)');
  await shot(ctx, page, 'ansatt-billett-fra-sms');
  ctx.assertNoErrors(page);
  await page.context().close();
}

export async function cancelsAndResumes(ctx) {
  const page = ctx.shared.employeePage;
  await page.reload();
  const card = page.locator('.abonnement').first();
  await card.getByRole('button', { name: 'Si opp' }).click();
  await expectText(card, '31. desember 2026');
  const focused = await page.evaluate(() => document.activeElement.textContent);
  if (focused !== 'Si opp abonnementet?') throw new Error(`focus after "Si opp" is on "${focused}"`);
  await ctx.axe(page, 'bestill: si opp');
  await shot(ctx, page, 'ansatt-si-opp');
  await card.getByRole('button', { name: 'Ja, si opp' }).click();
  await expectText(page.locator('#status'), 'Siste dag er 31. desember 2026');
  await expectText(page.locator('.abonnement').first(), 'Sagt opp før start');
  await expectText(page.locator('.abonnement').first(), 'Startet aldri');
  await shot(ctx, page, 'ansatt-sagt-opp');
  await page.locator('.abonnement').first().getByRole('button', { name: 'Angre oppsigelse' }).click();
  await expectText(page.locator('#status'), 'Oppsigelsen er angret');
  await expectText(page.locator('.abonnement').first(), 'Godkjent, ikke startet');
  await ctx.axe(page, 'bestill: angret');
  await shot(ctx, page, 'ansatt-angret');
  ctx.assertNoErrors(page);
}

/** The administrator replaces the order link (over the API); the open page then says so. */
export async function rotatedLink(ctx) {
  const page = ctx.shared.employeePage;
  const { adminEmail, adminPassword, companyId, orderToken } = ctx.setup;
  const login = await ctx.gql('mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }',
    { e: adminEmail, p: adminPassword });
  await ctx.gql('mutation($c: ID!) { rotateOrderLink(companyId: $c) { id } }', { c: companyId }, login.logIn.token);
  // The order page finds its link in the company directory, which shows the rotation within
  // the projection lag: reload until it does (bounded), as a person would.
  const dead = page.getByRole('heading', { name: 'Denne bestillingslenken virker ikke' });
  for (let attempt = 1; ; attempt += 1) {
    await page.reload();
    try {
      await dead.waitFor({ timeout: 2_000 });
      break;
    } catch (error) {
      if (attempt >= 30) throw error;
    }
  }
  if (await sessionToken(page, orderToken) !== null) throw new Error('the old link\'s session is still kept');
  await ctx.axe(page, 'bestill: byttet lenke');
  await shot(ctx, page, 'ansatt-byttet-lenke');
  ctx.assertNoErrors(page);
}

/** Logs in on `page` (already on the phone screen) with `phone` through the SMS code. */
async function logIn(ctx, page, phone, e164, { phoneLabel, send, codeLabel, logIn: logInLabel }) {
  await page.getByLabel(phoneLabel).fill(phone);
  await page.getByRole('button', { name: send }).click();
  await page.getByLabel(codeLabel).waitFor();
  const sms = await ctx.message(e164);
  const code = (sms.match(/\b(\d{6})\b/) || [])[1];
  await page.getByLabel(codeLabel).fill(code);
  await page.getByRole('button', { name: logInLabel, exact: true }).click();
}

/** A code used up by five wrong tries, and a code that expired, each say what to do. */
export async function codeProblems(ctx) {
  const { orderToken } = ctx.setup;
  const page = await ctx.newPage({ viewport: PHONE, mobile: true });
  await page.goto(`${ctx.baseUrl}/bestill/${orderToken}`);
  await page.getByLabel('Mobilnummer').fill('413 00 001');
  await page.getByRole('button', { name: 'Send kode' }).click();
  await heading(page, 'Skriv inn koden');
  const sms = await ctx.message('+4741300001');
  const code = (sms.match(/\b(\d{6})\b/) || [])[1];
  const wrong = code.slice(0, 5) + String((Number(code[5]) + 1) % 10);
  for (let i = 0; i < 5; i += 1) {
    await page.getByLabel('Kode fra SMS').fill(wrong);
    await page.getByRole('button', { name: 'Logg inn' }).click();
    await page.locator('#code[aria-invalid="true"]').waitFor();
  }
  await expectText(page.locator('.feltfeil'), 'Koden er brukt opp');
  await page.getByLabel('Kode fra SMS').fill(code);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await expectText(page.locator('.feltfeil'), 'Trykk «Send ny kode»');
  await ctx.axe(page, 'bestill: koden brukt opp');
  await shot(ctx, page, 'ansatt-kode-brukt-opp');

  await page.getByRole('button', { name: 'Send ny kode' }).click();
  await expectText(page.locator('#status'), 'Ny kode er sendt');
  const fresh = (await ctx.message('+4741300001')).match(/\b(\d{6})\b/)[1];
  await ctx.advanceClock(11);
  await page.getByLabel('Kode fra SMS').fill(fresh);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await expectText(page.locator('.feltfeil'), 'Koden er utløpt');
  await ctx.axe(page, 'bestill: koden utløpt');
  await shot(ctx, page, 'ansatt-kode-utlopt');
  ctx.assertNoErrors(page);
  await page.context().close();
}

const ENGLISH = { phoneLabel: 'Mobile number', send: 'Send code', codeLabel: 'Code from the text message', logIn: 'Log in' };

/**
 * An English-speaking employee (browser in English) orders: every page state in English and
 * checked with axe; Back from the form stays on the site; an expired session mid-form and a
 * switch to Norwegian keep what was typed; the choice of language is remembered.
 */
export async function ordersInEnglish(ctx) {
  const { orderToken } = ctx.setup;
  const page = await ctx.newPage({ viewport: PHONE, mobile: true, locale: 'en-GB' });
  await page.goto(`${ctx.baseUrl}/bestill/${orderToken}`);
  await page.getByRole('heading', { name: 'Order a company ticket' }).waitFor();
  if (await page.evaluate(() => document.documentElement.lang) !== 'en') throw new Error('the page is not marked lang="en"');
  await ctx.axe(page, 'order (en): phone');
  await shot(ctx, page, 'employee-en-phone');
  await logIn(ctx, page, '456 78 901', '+4745678901', ENGLISH);
  await heading(page, 'Your subscriptions');
  await ctx.axe(page, 'order (en): your subscriptions');

  // Back from the order form returns to the list, on the site.
  await page.getByRole('button', { name: 'Add a subscription' }).click();
  await heading(page, 'Add a subscription');
  await page.goBack();
  await heading(page, 'Your subscriptions');

  await page.getByRole('button', { name: 'Add a subscription' }).click();
  await heading(page, 'Add a subscription');
  await page.getByRole('button', { name: 'Order' }).click();
  await expectText(page.locator('.feltfeil'), 'Choose the zone you travel in.');
  await ctx.axe(page, 'order (en): form with errors');
  await page.getByLabel('First name').fill('Amir');
  await page.getByLabel('Last name').fill('Haddad');
  await page.getByLabel('Zone', { exact: true }).selectOption({ label: 'Kristiansand' });
  await page.getByLabel('Adult', { exact: true }).check();
  await page.getByLabel('Avdeling').fill('IT');
  await expectText(page.locator('.pris'), 'Salary deduction per month');
  await ctx.axe(page, 'order (en): form filled');
  await shot(ctx, page, 'employee-en-form');

  // The session ends while the form is open: nothing typed is lost.
  const session = await sessionToken(page, orderToken);
  await ctx.gql('mutation { logOut }', {}, session);
  await page.getByRole('button', { name: 'Order' }).click();
  await expectText(page.locator('#status'), 'What you typed is kept');
  await logIn(ctx, page, '456 78 901', '+4745678901', ENGLISH);
  await heading(page, 'Add a subscription');
  if (await page.getByLabel('First name').inputValue() !== 'Amir') throw new Error('the typed first name was lost');

  // Switching to Norwegian keeps it too, and the choice is remembered.
  await page.getByRole('button', { name: 'Norsk' }).click();
  await heading(page, 'Legg til abonnement');
  if (await page.getByLabel('Etternavn').inputValue() !== 'Haddad') throw new Error('the typed last name was lost');
  await ctx.axe(page, 'bestill: legg til etter språkbytte');
  await page.getByRole('button', { name: 'English' }).click();
  await heading(page, 'Add a subscription');
  await page.getByRole('button', { name: 'Order' }).click();
  await heading(page, 'Your subscriptions');
  await expectText(page.locator('#status'), 'Your order has been sent to your employer');
  const card = page.locator('.abonnement').first();
  await expectText(card, 'Waiting for approval');
  await expectText(card, 'Salary deduction');
  await ctx.axe(page, 'order (en): ordered');
  await shot(ctx, page, 'employee-en-ordered');
  // A fresh load keeps the chosen language (the focus stays at the top of a loaded page).
  await page.reload();
  await page.getByRole('heading', { name: 'Your subscriptions' }).waitFor();
  ctx.assertNoErrors(page);
  await page.context().close();
}

/**
 * The ticket page and /mine in English for a browser in English, each switchable to Norwegian
 * and remembered; axe on every state in both languages.
 */
export async function ticketAndMineInEnglish(ctx) {
  // The newest SMS may be a notice of the administrator's change: the administrator sends the
  // ticket link again (over the API), and that SMS carries it.
  const { adminEmail, adminPassword, companyId } = ctx.setup;
  const login = await ctx.gql('mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }',
    { e: adminEmail, p: adminPassword });
  const found = await ctx.gql(
    'query($c: ID!, $s: String!) { company(id: $c) { tickets(search: $s) { edges { node { id } } } } }',
    { c: companyId, s: PHONE_E164 }, login.logIn.token);
  // The phone may also hold tickets that ended: the live one is the one with a link to send.
  let sent = false;
  for (const { node } of found.company.tickets.edges) {
    try {
      await ctx.gql('mutation($id: ID!) { resendTicketLink(id: $id) { id } }', { id: node.id }, login.logIn.token);
      sent = true;
      break;
    } catch (error) {
      if (!String(error).includes('INVALID_STATE')) throw error;
    }
  }
  if (!sent) throw new Error(`no live ticket for ${PHONE_E164} to send the link of`);
  const sms = await ctx.message(PHONE_E164);
  const link = (sms.match(/\/billett\/([0-9a-f]+)/) || [])[0];
  if (!link) throw new Error(`no ticket link in the newest SMS: ${sms}`);
  const page = await ctx.newPage({ viewport: PHONE, mobile: true, locale: 'en-GB' });
  await page.goto(`${ctx.baseUrl}${link}`);
  await page.getByRole('heading', { name: 'Monthly ticket' }).waitFor();
  if (await page.evaluate(() => document.documentElement.lang) !== 'en') throw new Error('the ticket page is not in English');
  await expectText(page.locator('main'), 'Approved, not started');
  await ctx.axe(page, 'ticket (en)');
  await shot(ctx, page, 'ticket-en');
  await page.getByRole('link', { name: 'Norsk' }).click();
  await page.getByRole('heading', { name: 'Månedsbillett' }).waitFor();
  await ctx.axe(page, 'billett (nb)');
  // The choice is remembered, though the browser prefers English.
  await page.goto(`${ctx.baseUrl}${link}`);
  await page.getByRole('heading', { name: 'Månedsbillett' }).waitFor();

  await page.goto(`${ctx.baseUrl}/mine`);
  await heading(page, 'My tickets');
  await ctx.axe(page, 'my tickets (en): phone');
  await logIn(ctx, page, PHONE_NUMBER, PHONE_E164, ENGLISH);
  await heading(page, 'My tickets');
  const card = page.locator('.abonnement').first();
  await expectText(card, 'Approved, not started');
  await expectText(card, 'Traveller');
  await ctx.axe(page, 'my tickets (en): list');
  await shot(ctx, page, 'mine-en');
  await page.getByRole('button', { name: 'Norsk' }).click();
  await heading(page, 'Mine billetter');
  await expectText(page.locator('.abonnement').first(), 'Godkjent, ikke startet');
  await ctx.axe(page, 'mine billetter (nb): liste');
  ctx.assertNoErrors(page);
  await page.context().close();
}
