// The company portal's and the operator's steps of the browser scenario (flow.mjs runs them
// in this order):
//   adminOpensQueue      the administrator logs in (desktop) and leaves the queue open
//   (the employee orders on the phone page)
//   adminApprovesLive    the order appears in the open queue without a reload; approve it
//   (the employee sees it approved)
//   adminManagesTickets  tickets list (also at 360 px), zone change, cancelling another
//                        ticket now, "Nytt abonnement", settings (pay type code)
//   adminPayrollCsv      the payroll basis of the month, and its CSV download
//   operatorPages        the operator registers a company, publishes a tariff, opens the
//                        invoice basis
//   operatorInvoiceCsv   the invoice basis CSV download
//   newAdministratorJoins the invited contact person sets a password from the e-mailed link,
//                        logs out, forgets it, and sets a new one from the reset link
// Each step takes flow.mjs's `ctx` (see REQUESTS.md), screenshots every state and runs
// axe-core on every page it shows.

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';

const VENT = { timeout: 15000 };

/** The text of the main heading once it matches `mønster`. */
async function overskrift(page, mønster) {
  const h1 = page.locator('main h1');
  await h1.filter({ hasText: mønster }).waitFor(VENT);
  return h1.textContent();
}

/** Fails when what the page loaded (document, styles, scripts, data; not images) passes 200 KB. */
async function vekt(page, navn) {
  const bytes = await page.evaluate(() => {
    const [dokument] = performance.getEntriesByType('navigation');
    const ressurser = performance.getEntriesByType('resource').filter((r) => r.initiatorType !== 'img');
    return [dokument, ...ressurser].reduce((sum, r) => sum + (r.decodedBodySize || 0), 0);
  });
  console.log(`${navn}: ${bytes} bytes before images`);
  assert.ok(bytes > 0 && bytes < 200 * 1024, `${navn} weighs ${bytes} bytes`);
}

/** Fails when the page is wider than its viewport (something does not fit a phone). */
async function passerBredden(page) {
  const [bredde, vindu] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(bredde <= vindu, `the page is ${bredde}px wide in a ${vindu}px viewport`);
}

async function loggInn(ctx, page, email, password) {
  await page.goto(`${ctx.baseUrl}/logg-inn`);
  await overskrift(page, 'Logg inn');
  await ctx.axe(page, 'portal: logg inn');
  await page.getByLabel('E-post').fill(email);
  await page.getByLabel('Passord', { exact: true }).fill(password);
  await ctx.shot(page, 'portal-logg-inn');
  await page.getByRole('button', { name: 'Logg inn' }).click();
}

/** A valid organisation number (mod 11) from eight digits. */
function orgNummer(åtte) {
  const vekter = [3, 2, 7, 6, 5, 4, 3, 2];
  const sum = [...åtte].reduce((s, d, i) => s + Number(d) * vekter[i], 0);
  const rest = 11 - (sum % 11);
  if (rest === 10) return null;
  return `${åtte}${rest === 11 ? 0 : rest}`;
}

const MÅNEDER = ['januar', 'februar', 'mars', 'april', 'mai', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'desember'];

/** The month of `dag` (`2026-12-10`) in words: "desember 2026". */
function månedAv(dag) {
  const [å, m] = dag.split('-').map(Number);
  return `${MÅNEDER[m - 1]} ${å}`;
}

/** The first of the month `steg` months after `dag` (`2026-12-10`). */
function førsteOm(dag, steg) {
  const [å, m] = dag.split('-').map(Number);
  const d = new Date(Date.UTC(å, m - 1 + steg, 1));
  return d.toISOString().slice(0, 10);
}

/** The administrator logs in and leaves the approval queue open in `ctx.shared.adminPage`. */
export async function adminOpensQueue(ctx) {
  const page = await ctx.newPage({ viewport: { width: 1280, height: 800 } });
  await loggInn(ctx, page, ctx.setup.adminEmail, ctx.setup.adminPassword);
  await overskrift(page, 'Godkjenning');
  await page.locator('main').getByText('Ingen bestillinger venter på godkjenning.').waitFor(VENT);
  // Survives only as long as the page is not reloaded.
  await page.evaluate(() => { window.ikkeLastetPåNytt = true; });
  await ctx.axe(page, 'portal: godkjenningskø');
  await vekt(page, 'the portal');
  await ctx.shot(page, 'portal-ko-tom');
  ctx.shared.adminPage = page;
  await ctx.assertNoErrors(page);
}

/** The employee's order shows up in the open queue by itself; the administrator approves it. */
export async function adminApprovesLive(ctx) {
  const page = ctx.shared.adminPage;
  const navn = ctx.shared.employeeName;
  const kort = page.getByRole('article', { name: navn });
  await kort.waitFor(VENT);
  assert.equal(await page.evaluate(() => window.ikkeLastetPåNytt), true, 'the queue page was reloaded');
  await page.locator('main').getByText('1 bestilling venter.').waitFor(VENT);
  await ctx.axe(page, 'portal: kø med bestilling');
  await ctx.shot(page, 'portal-ko-ny-bestilling');

  await kort.getByRole('button', { name: `Godkjenn bestillingen fra ${navn}` }).click();
  await page.locator('main').getByText(`Bestillingen fra ${navn} er godkjent.`).waitFor(VENT);
  await page.locator('main').getByText('Ingen bestillinger venter på godkjenning.').waitFor(VENT);
  await ctx.shot(page, 'portal-ko-godkjent');
  await ctx.assertNoErrors(page);
}

/** Tickets: search, a zone change, cancelling another ticket today, a new subscription. */
export async function adminManagesTickets(ctx) {
  const page = ctx.shared.adminPage;
  const { companyId, otherSubscriptionId, today } = ctx.setup;
  const navn = ctx.shared.employeeName;

  await page.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link', { name: 'Billetter' }).click();
  await overskrift(page, 'Billetter');
  const lenkeTilBilletten = page.locator(`main a[href$="/billett/${ctx.shared.subscriptionId}"]`);
  await lenkeTilBilletten.waitFor(VENT);
  await ctx.axe(page, 'portal: billetter');
  await ctx.shot(page, 'portal-billetter');

  await page.setViewportSize({ width: 360, height: 740 });
  await passerBredden(page);
  await ctx.shot(page, 'portal-billetter-360px');
  await page.setViewportSize({ width: 1280, height: 800 });

  await page.getByLabel('Søk', { exact: true }).fill(navn.split(' ')[1]);
  await page.getByLabel('Status').selectOption('UPCOMING');
  await page.getByRole('button', { name: 'Søk' }).click();
  await page.locator('main').getByText('Viser 1 billett som passer søket.').waitFor(VENT);
  await ctx.shot(page, 'portal-billetter-sok');

  await lenkeTilBilletten.click();
  await overskrift(page, navn);
  await ctx.axe(page, 'portal: én billett');
  await ctx.shot(page, 'portal-billett');

  const endre = page.getByRole('region', { name: 'Endre soner' });
  await endre.getByLabel('To soner som grenser til hverandre').check();
  await endre.getByLabel('Sone', { exact: true }).selectOption('arendal');
  await endre.getByLabel('Nabosone').selectOption('grimstad');
  await endre.getByLabel('Fra den 1. neste måned').check();
  await endre.getByRole('button', { name: 'Endre soner' }).click();
  await page.locator('main').getByText('Sonene er endret.').waitFor(VENT);
  const historikk = page.getByRole('region', { name: 'Historikk' });
  await historikk.getByText('Soner endret').waitFor(VENT);
  await historikk.getByText('til Arendal + Grimstad').waitFor(VENT);
  await ctx.shot(page, 'portal-billett-soner-endret');

  // Per Hansen's phone is found however it is written; so is his name the other way round.
  for (const søk of ['987 65 432', '+47 987 65 432', 'hansen per']) {
    await page.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link', { name: 'Billetter' }).click();
    await overskrift(page, 'Billetter');
    // The list drawn anew (its search field empty), not the previous search's.
    await page.waitForFunction(() => {
      const felt = document.querySelector('main input[name="search"]');
      return felt && felt.value === '' && /^Viser \d+ billett/.test(document.querySelector('main .teller')?.textContent || '');
    }, null, VENT);
    await page.getByLabel('Søk', { exact: true }).fill(søk);
    await page.getByLabel('Status').selectOption('');
    await page.getByRole('button', { name: 'Søk' }).click();
    await page.locator('main').getByText('Viser 1 billett som passer søket.').waitFor(VENT);
    await page.locator(`main a[href$="/billett/${otherSubscriptionId}"]`).waitFor(VENT);
  }
  await ctx.shot(page, 'portal-billetter-sok-telefon');

  await page.goto(`${ctx.baseUrl}/portal#/firma/${companyId}/billett/${otherSubscriptionId}`);
  await overskrift(page, 'Per Hansen');
  const si = page.getByRole('region', { name: 'Si opp' });
  await si.getByRole('radio', { name: 'I dag' }).check();
  await ctx.shot(page, 'portal-annen-billett');
  // A cancellation from today cannot be undone: the page asks first, and "Avbryt" leaves it be.
  await si.getByRole('button', { name: 'Si opp abonnementet' }).click();
  await si.getByRole('heading', { name: 'Si opp abonnementet fra i dag?' }).waitFor(VENT);
  await ctx.axe(page, 'portal: bekreft oppsigelse i dag');
  await ctx.shot(page, 'portal-bekreft-i-dag');
  await si.getByRole('button', { name: 'Avbryt' }).click();
  await si.getByRole('button', { name: 'Si opp abonnementet' }).click();
  await si.getByRole('button', { name: 'Ja, si opp fra i dag' }).click();
  await page.locator('main').getByText('Abonnementet er sagt opp.').waitFor(VENT);
  const dag = Number(today.split('-')[2]);
  const slutt = page.getByRole('region', { name: 'Om billetten' }).locator('dt:text-is("Gyldig til og med") + dd');
  assert.equal(await slutt.textContent(), `${dag}. ${månedAv(today)}`, 'cancelled today, the ticket ends today');
  await page.getByRole('region', { name: 'Historikk' }).getByText('Sagt opp').waitFor(VENT);
  await ctx.axe(page, 'portal: oppsagt billett');
  await ctx.shot(page, 'portal-annen-billett-oppsagt');

  await page.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link', { name: 'Nytt abonnement' }).click();
  await overskrift(page, 'Nytt abonnement');
  assert.equal(await page.getByLabel('Startdato').inputValue(), førsteOm(today, 1), 'the start date suggested is the first of next month');
  await ctx.axe(page, 'portal: nytt abonnement');
  await page.getByRole('button', { name: 'Opprett abonnement' }).click();
  await page.locator('main').getByText('Skriv mobilnummeret til den ansatte.').waitFor(VENT);
  assert.equal(await page.getByLabel('Mobilnummer').getAttribute('aria-invalid'), 'true');
  await ctx.shot(page, 'portal-nytt-abonnement-feil');
  await page.getByLabel('Mobilnummer').fill('934 56 789');
  await page.getByLabel('Fornavn').fill('Åse');
  await page.getByLabel('Etternavn').fill('Kvinesdal-Ødegård');
  await page.getByLabel('Avdeling').fill('Salg');
  await page.getByLabel('Reisende', { exact: true }).selectOption('SENIOR');
  await page.getByLabel('Sone', { exact: true }).selectOption('kristiansand');
  await page.locator('main').getByText('Månedspris:').waitFor(VENT);
  // The session ends mid-form (logged out elsewhere): after logging in again, the page is back
  // with what was typed.
  const sesjon = await page.evaluate(() => localStorage.getItem('bedrift:portal'));
  await ctx.gql('mutation { logOut }', {}, sesjon);
  await page.getByRole('button', { name: 'Opprett abonnement' }).click();
  await overskrift(page, 'Logg inn');
  await page.locator('main').getByText('det du skrev').waitFor(VENT);
  await ctx.axe(page, 'portal: økten utløpt midt i et skjema');
  await ctx.shot(page, 'portal-okt-utlopt');
  await page.getByLabel('E-post').fill(ctx.setup.adminEmail);
  await page.getByLabel('Passord', { exact: true }).fill(ctx.setup.adminPassword);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await overskrift(page, 'Nytt abonnement');
  await page.locator('main').getByText('Det du skrev, er fylt inn på nytt.').waitFor(VENT);
  assert.equal(await page.getByLabel('Mobilnummer').inputValue(), '934 56 789');
  assert.equal(await page.getByLabel('Etternavn').inputValue(), 'Kvinesdal-Ødegård');
  assert.equal(await page.getByLabel('Reisende', { exact: true }).inputValue(), 'SENIOR');
  assert.equal(await page.getByLabel('Sone', { exact: true }).inputValue(), 'kristiansand');
  await ctx.axe(page, 'portal: skjemaet fylt inn igjen');
  await ctx.shot(page, 'portal-skjema-fylt-inn-igjen');
  await page.getByRole('button', { name: 'Opprett abonnement' }).click();
  await overskrift(page, 'Åse Kvinesdal-Ødegård');
  await page.locator('main').getByText('er opprettet og godkjent.').waitFor(VENT);
  await ctx.shot(page, 'portal-nytt-abonnement-opprettet');

  await page.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link', { name: 'Innstillinger' }).click();
  await overskrift(page, 'Innstillinger');
  await ctx.axe(page, 'portal: innstillinger');
  const lønnsart = page.getByRole('region', { name: 'Lønnsart' });
  // Cards changed, one button: all are saved, none is lost.
  await lønnsart.getByLabel('Lønnsart i lønnssystemet').fill('5010');
  const andel = page.getByRole('region', { name: 'Arbeidsgiverandel' });
  await andel.getByRole('textbox', { name: 'Prosent av prisen' }).fill('50');
  // The administrator's own notice: one e-mail each morning instead of one per order.
  const varsel = page.getByRole('region', { name: 'Varsel om bestillinger' });
  assert.ok(await varsel.getByLabel('En e-post for hver bestilling').isChecked(), 'an e-mail per order by default');
  await varsel.getByLabel(/Én e-post hver morgen/).check();
  await lønnsart.getByText('Ikke lagret').waitFor(VENT);
  await andel.getByText('Ikke lagret').waitFor(VENT);
  await varsel.getByText('Ikke lagret').waitFor(VENT);
  await ctx.axe(page, 'portal: innstillinger med endringer som ikke er lagret');
  await page.getByRole('button', { name: 'Lagre endringer' }).click();
  await page.locator('main').getByText('Lønnsarten er lagret.').waitFor(VENT);
  await page.locator('main').getByText('Arbeidsgiverandelen er lagret.').waitFor(VENT);
  await page.locator('main').getByText('Varselet ditt er lagret.').waitFor(VENT);
  await page.locator('#lagre-status').getByText('Endringene er lagret.').waitFor(VENT);
  const lenke = await page.getByLabel('Lenken de ansatte bestiller med').inputValue();
  assert.ok(lenke.endsWith(`/bestill/${ctx.setup.orderToken}`), `the order link shown is ${lenke}`);
  await ctx.shot(page, 'portal-innstillinger', { fullPage: true });
  await ctx.assertNoErrors(page);
}

/** The payroll basis of this month, with totals and the preliminary marker, and its CSV. */
export async function adminPayrollCsv(ctx) {
  const page = ctx.shared.adminPage;
  await page.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link', { name: 'Lønnstrekk' }).click();
  await overskrift(page, `Lønnstrekk ${månedAv(ctx.setup.today)}`);
  await page.locator('main').getByText('Foreløpig.').waitFor(VENT);
  await page.getByRole('row', { name: /Hansen, Per/ }).waitFor(VENT);
  await page.getByRole('rowheader', { name: 'Sum' }).waitFor(VENT);
  await ctx.axe(page, 'portal: lønnstrekk');
  await ctx.shot(page, 'portal-lonnstrekk');

  const [nedlasting] = await Promise.all([
    page.waitForEvent('download', VENT),
    page.getByRole('button', { name: 'Last ned CSV' }).click(),
  ]).catch(async (error) => {
    const status = await page.locator('.melding.feil').textContent().catch(() => '');
    throw new Error(`no CSV download (the page says: "${status}"); the /reports/payroll route comes from the finance branch: ${error.message}`);
  });
  const innhold = await fs.readFile(await nedlasting.path(), 'utf8');
  assert.match(nedlasting.suggestedFilename(), /^lonnstrekk-\d{9}-\d{4}-\d{2}(-forelopig)?\.csv$/);
  assert.match(innhold, /Hansen/, 'the CSV lists Per Hansen');
  await page.locator('main').getByText(`${nedlasting.suggestedFilename()} er lastet ned.`).waitFor(VENT);
  await ctx.shot(page, 'portal-lonnstrekk-lastet-ned');
  await ctx.assertNoErrors(page);
}

/** The operator registers a company, opens it, publishes a tariff and sees the invoice basis. */
export async function operatorPages(ctx) {
  const page = await ctx.newPage({ viewport: { width: 1280, height: 800 } });
  ctx.shared.operatorPage = page;
  await loggInn(ctx, page, ctx.setup.operatorEmail, ctx.setup.operatorPassword);
  await overskrift(page, 'Bedrifter');
  await ctx.axe(page, 'operatør: bedrifter');
  await ctx.shot(page, 'operator-bedrifter');

  const registrer = page.getByRole('region', { name: 'Registrer en bedrift' });
  await registrer.getByLabel('Bedriftens navn').fill('Sørlandet Verksted AS');
  await registrer.getByLabel('Organisasjonsnummer').fill('123456789');
  await registrer.getByLabel('E-post for faktura').fill('faktura@verksted.example');
  await registrer.getByLabel('Navn', { exact: true }).fill('Kari Verksted');
  await registrer.getByLabel('E-post', { exact: true }).fill('kari@verksted.example');
  await registrer.getByRole('button', { name: 'Registrer bedriften' }).click();
  await registrer.getByText('Organisasjonsnummeret må ha 9 siffer med gyldig kontrollsiffer.').waitFor(VENT);
  assert.equal(await registrer.getByLabel('Organisasjonsnummer').getAttribute('aria-invalid'), 'true');
  await ctx.shot(page, 'operator-registrer-feil');
  const nummer = ['91234567', '81234567', '71234567'].map(orgNummer).find(Boolean);
  await registrer.getByLabel('Organisasjonsnummer').fill(nummer);
  await registrer.getByRole('button', { name: 'Registrer bedriften' }).click();
  await registrer.getByText('Sørlandet Verksted AS er registrert').waitFor(VENT);
  const invitasjon = await ctx.message('kari@verksted.example');
  // Kept: later notices (a new tariff's prices) arrive after it.
  ctx.shared.invitasjon = invitasjon;
  assert.match(invitasjon, /\/invitasjon\?token=/, 'the contact person is sent an invitation link');
  await page.getByRole('link', { name: 'Sørlandet Verksted AS' }).first().waitFor(VENT);
  await ctx.shot(page, 'operator-registrert');
  await registrer.getByRole('link', { name: 'Åpne Sørlandet Verksted AS' }).click();
  await overskrift(page, 'Innstillinger – Sørlandet Verksted AS');
  await page.locator('main').getByText('Kari Verksted (kari@verksted.example)').waitFor(VENT);
  await ctx.shot(page, 'operator-bedrift');

  await page.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link', { name: 'Tariff' }).click();
  await overskrift(page, 'Tariff');
  // The example tariff says its prices are examples, and the zones are listed.
  await page.getByRole('cell', { name: 'Gjeldende (eksempelpriser)' }).waitFor(VENT);
  await page.locator('main').getByText('prisene er eksempler').waitFor(VENT);
  await page.getByRole('heading', { name: 'Soner (25)' }).waitFor(VENT);
  await ctx.axe(page, 'operatør: tariff');
  await ctx.shot(page, 'operator-tariff');
  const fra = førsteOm(ctx.setup.today, 2);
  await page.getByLabel('Gyldig fra').fill(fra);
  await page.getByLabel('Hele regionen, Voksen (kr)').fill('1 234,50');
  await page.getByRole('button', { name: 'Publiser tariffen' }).click();
  await page.locator('main').getByText('er publisert.').waitFor(VENT);
  await page.getByRole('cell', { name: 'Kommende' }).waitFor(VENT);
  // Right after publishing, the page shows the new version's prices.
  await page.getByRole('cell', { name: '1 234,50 kr' }).waitFor(VENT);
  await page.getByRole('button', { name: /^Vis priser fra 1\./ }).first().click();
  await page.getByRole('cell', { name: '1 234,50 kr' }).waitFor(VENT);
  await ctx.shot(page, 'operator-tariff-publisert');

  await page.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link', { name: 'Fakturagrunnlag' }).click();
  await overskrift(page, `Fakturagrunnlag ${månedAv(ctx.setup.today)}`);
  await page.getByRole('rowheader', { name: 'Sum' }).waitFor(VENT);
  await ctx.axe(page, 'operatør: fakturagrunnlag');
  await ctx.shot(page, 'operator-faktura');
  await ctx.assertNoErrors(page);
}

/** The operator downloads the invoice basis CSV. */
export async function operatorInvoiceCsv(ctx) {
  const page = ctx.shared.operatorPage;
  const [nedlasting] = await Promise.all([
    page.waitForEvent('download', VENT),
    page.getByRole('button', { name: 'Last ned CSV' }).click(),
  ]).catch(async (error) => {
    const status = await page.locator('.melding.feil').textContent().catch(() => '');
    throw new Error(`no CSV download (the page says: "${status}"); the /reports/invoice route comes from the finance branch: ${error.message}`);
  });
  assert.match(nedlasting.suggestedFilename(), /^fakturagrunnlag-\d{4}-\d{2}(-forelopig)?\.csv$/);
  const innhold = await fs.readFile(await nedlasting.path(), 'utf8');
  assert.ok(innhold.length > 0, 'the CSV is not empty');
  await ctx.shot(page, 'operator-faktura-lastet-ned');
  await ctx.assertNoErrors(page);
}

/** The path and query of the link in an e-mail, on the server under test. */
function lenkeI(ctx, tekst, sti) {
  const m = new RegExp(`https?://[^\\s]*(${sti}\\?token=[A-Za-z0-9_-]+)`).exec(tekst);
  assert.ok(m, `no ${sti} link in: ${tekst}`);
  return `${ctx.baseUrl}${m[1]}`;
}

/** The contact person registered by `operatorPages` accepts the invitation, and resets the password. */
export async function newAdministratorJoins(ctx) {
  const epost = 'kari@verksted.example';
  const page = await ctx.newPage({ viewport: { width: 360, height: 740 } });
  await page.goto(lenkeI(ctx, ctx.shared.invitasjon ?? await ctx.message(epost), '/invitasjon'));
  await overskrift(page, 'Velkommen til Bedriftsportalen');
  await ctx.axe(page, 'portal: invitasjon');
  await page.getByLabel('Nytt passord').fill('et langt og godt passord');
  await page.getByLabel('Gjenta passordet').fill('et annet passord');
  await page.getByRole('button', { name: 'Lagre passord og logg inn' }).click();
  await page.locator('main').getByText('Passordene er ikke like.').waitFor(VENT);
  await ctx.shot(page, 'portal-invitasjon-feil');
  await page.getByLabel('Gjenta passordet').fill('et langt og godt passord');
  await page.getByRole('button', { name: 'Lagre passord og logg inn' }).click();
  await overskrift(page, 'Godkjenning – Sørlandet Verksted AS');
  await passerBredden(page);
  await ctx.shot(page, 'portal-invitasjon-innlogget');

  await page.getByRole('button', { name: 'Logg ut' }).click();
  await overskrift(page, 'Logg inn');
  await page.locator('main').getByText('Du er logget ut.').waitFor(VENT);
  await page.getByRole('link', { name: 'Glemt passordet?' }).click();
  await overskrift(page, 'Glemt passord');
  await ctx.axe(page, 'portal: glemt passord');
  await page.getByLabel('E-post').fill(epost);
  await page.getByRole('button', { name: 'Send lenke' }).click();
  await page.locator('main').getByText(`Hvis ${epost} har en konto`).waitFor(VENT);
  await ctx.shot(page, 'portal-glemt-passord');

  await page.goto(lenkeI(ctx, await ctx.message(epost), '/nytt-passord'));
  await overskrift(page, 'Velg nytt passord');
  await ctx.axe(page, 'portal: nytt passord');
  await page.getByLabel('Nytt passord').fill('kort');
  await page.getByLabel('Gjenta passordet').fill('kort');
  await page.getByRole('button', { name: 'Lagre nytt passord' }).click();
  await page.locator('main').getByText('Passordet må ha minst 10 tegn.').waitFor(VENT);
  await page.getByLabel('Nytt passord').fill('et helt nytt passord');
  await page.getByLabel('Gjenta passordet').fill('et helt nytt passord');
  await page.getByRole('button', { name: 'Lagre nytt passord' }).click();
  await overskrift(page, 'Logg inn');
  await page.locator('main').getByText('Passordet er endret.').waitFor(VENT);
  await page.getByLabel('E-post').fill(epost);
  await page.getByLabel('Passord', { exact: true }).fill('et langt og godt passord');
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await page.locator('main').getByText('Feil e-post eller passord.').waitFor(VENT);
  await page.getByLabel('Passord', { exact: true }).fill('et helt nytt passord');
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await overskrift(page, 'Godkjenning – Sørlandet Verksted AS');
  await ctx.shot(page, 'portal-nytt-passord-innlogget');
  await ctx.assertNoErrors(page);
}
