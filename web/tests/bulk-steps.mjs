// The administrator's bulk and finance steps of the browser scenario (flow.mjs runs them after
// the payroll step, on the administrator's open desktop page `ctx.shared.adminPage`):
//   adminCompletesPayrollLine  from the payroll page's «Mangler – legg inn» of a line without an
//                              employee number to the ticket's details card; the number saved,
//                              the line is complete and the Visma Lønn file is given
//   adminImportsFile           «Legg til mange»: both templates downloaded, a CSV with two good
//                              rows and one bad previewed (the bad row's error shown at its
//                              row and field), imported (two created), and uploaded again
//                              (nothing created twice); then a file of 230 rows, sent in
//                              three ranges with the progress shown between them; and the
//                              preview in English once the portal is switched to English
// Every state is screenshot and checked with axe-core; the import page also at 360 px.

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';

import { DESKTOP, PHONE } from './viewports.mjs';

const VENT = { timeout: 15000 };

/** Waits until the main heading matches `mønster`. */
async function overskrift(page, mønster) {
  await page.locator('main h1').filter({ hasText: mønster }).waitFor(VENT);
}

/** Fails when the page is wider than its viewport. */
async function passerBredden(page) {
  const [bredde, vindu] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(bredde <= vindu, `the page is ${bredde}px wide in a ${vindu}px viewport`);
}

/** Opens a page of the main menu. */
async function meny(page, navn) {
  await page.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link', { name: navn, exact: true }).click();
}

/** Clicks `knapp` and returns the download it starts: its file name and content. */
async function lastNed(page, knapp) {
  const [nedlasting] = await Promise.all([page.waitForEvent('download', VENT), knapp.click()]);
  return { navn: nedlasting.suggestedFilename(), innhold: await fs.readFile(await nedlasting.path()) };
}

/**
 * Opens the payroll page until `ferdig(row)` holds for Per Hansen's line: another session's
 * change shows within the projection lag (R19), which a busy machine stretches (at most 60 s).
 */
async function lønnslinje(page, ferdig) {
  const frist = Date.now() + 60_000;
  for (;;) {
    await meny(page, 'Lønnstrekk');
    await overskrift(page, 'Lønnstrekk');
    const rad = page.getByRole('row', { name: /Hansen, Per/ });
    await rad.waitFor(VENT);
    if (await ferdig(rad)) return rad;
    if (Date.now() > frist) throw new Error(`Per Hansen's payroll line did not change within 60 s: ${await rad.textContent()}`);
    await page.waitForTimeout(1000);
    await meny(page, 'Billetter');
    await overskrift(page, 'Billetter');
  }
}

/** Issue 14 item 1: the line that blocks the Visma and Tripletex files is completed from the payroll page. */
export async function adminCompletesPayrollLine(ctx) {
  const page = ctx.shared.adminPage;
  const rad = await lønnslinje(page, async (r) => (await r.getByRole('link', { name: /^Mangler – legg inn/ }).count()) === 1);
  await rad.getByRole('link', { name: 'Mangler – legg inn ansattnummer for Per Hansen' }).click();
  await overskrift(page, 'Per Hansen');
  const kort = page.getByRole('region', { name: 'Rett opplysninger' });
  const nummer = kort.getByLabel('Ansattnummer (valgfritt)');
  // The link lands on the card with the focus in the employee number.
  await page.waitForFunction(() => document.activeElement && document.activeElement.name === 'employeeNumber', null, VENT);
  await ctx.axe(page, 'portal: rett opplysninger fra lønnstrekket');
  await ctx.shot(page, 'portal-rett-opplysninger');
  await nummer.fill('4711');
  await kort.getByRole('button', { name: 'Lagre opplysningene' }).click();
  await page.locator('main').getByText('Opplysningene er lagret.').waitFor(VENT);
  await page.getByRole('region', { name: 'Om billetten' }).locator('dt:text-is("Ansattnr.") + dd', { hasText: '4711' }).waitFor(VENT);
  await page.getByRole('region', { name: 'Historikk' }).getByText('Opplysninger rettet').waitFor(VENT);
  await ctx.shot(page, 'portal-opplysninger-lagret');

  const komplett = await lønnslinje(page, async (r) => (await r.getByRole('cell', { name: '4711', exact: true }).count()) === 1);
  assert.equal(await komplett.getByRole('link', { name: /^Mangler/ }).count(), 0, 'the line still links to «Mangler – legg inn»');
  assert.equal(await page.locator('main').getByText('Følg «Mangler – legg inn»').count(), 0, 'the page still says a number is missing');
  await ctx.axe(page, 'portal: lønnstrekk komplett');
  await ctx.shot(page, 'portal-lonnstrekk-komplett');
  // The Visma Lønn file, refused while a number was missing, is given and carries it.
  const visma = await lastNed(page, page.getByRole('button', { name: 'Last ned Visma Lønn' }));
  assert.match(visma.navn, /-visma(-forelopig)?\.csv$/);
  assert.match(visma.innhold.toString('utf8'), /(^|;)4711;/m, 'the Visma file carries the employee number');
  ctx.assertNoErrors(page);
}

/** The file uploaded: the template's headings, two good rows and one with a wrong phone. */
function ansattfil(overskrifter) {
  return `\ufeff${[
    overskrifter,
    'Lise;Lund;412 00 001;Voksen;Kristiansand;;L-1;Salg',
    'Tor;Tangen;41200002;Ung voksen;Arendal, Grimstad;;T-2;Lager',
    'Siv;Sand;12345;Voksen;Kristiansand;;S-3;Salg',
  ].join('\n')}\n`;
}

/** `n` written with letters only (names have no digits, R3): 0 -> a, 26 -> ab. */
function bokstaver(n) {
  let tekst = '';
  let rest = n;
  do {
    tekst += String.fromCharCode(97 + (rest % 26));
    rest = Math.floor(rest / 26);
  } while (rest > 0);
  return tekst;
}

/** A file of `antall` valid employees (phones 414 00 000 upwards). */
function stor(overskrifter, antall) {
  const rader = Array.from({ length: antall }, (_, n) => `Masse;Ansatt-${bokstaver(n)};414${String(n).padStart(5, '0')};Voksen;Kristiansand;;;Salg`);
  return `${[overskrifter, ...rader].join('\n')}\n`;
}

/** Chooses `fil` and checks it; waits for the preview that says `sammendrag`. */
async function forhåndsvis(page, fil, sammendrag = '3 rader: 2 kan legges til, 1 har feil.') {
  await page.getByLabel('Fil med ansatte (CSV eller Excel)').setInputFiles({
    name: 'ansatte.csv', mimeType: 'text/csv', buffer: Buffer.from(fil, 'utf8'),
  });
  await page.getByRole('button', { name: 'Kontroller fila' }).click();
  const forhånd = page.getByRole('region', { name: '3. Kontroller radene' });
  await forhånd.getByText(sammendrag).waitFor(VENT);
  return forhånd;
}

/** Confirms the preview shown; returns the result card once the import is done, and the progress texts seen. */
async function importer(page, forhånd, knapp = 'Legg til 2 ansatte') {
  await page.evaluate(() => {
    window.fremdriftSett = [];
    new MutationObserver(() => {
      const tekst = document.querySelector('main progress + p')?.textContent;
      if (tekst && !window.fremdriftSett.includes(tekst)) window.fremdriftSett.push(tekst);
    }).observe(document.querySelector('main'), { subtree: true, childList: true, characterData: true });
  });
  await forhånd.getByRole('button', { name: knapp }).click();
  const resultat = page.getByRole('region', { name: 'Resultat' });
  // A large file is sent in several requests: a minute, on a busy machine.
  await resultat.waitFor({ timeout: 60_000 });
  const tall = await resultat.locator('dl').evaluate((dl) => Object.fromEntries([...dl.querySelectorAll('dt')]
    .map((dt) => [dt.textContent, Number(dt.nextElementSibling.textContent)])));
  return { resultat, tall, fremdrift: await page.evaluate(() => window.fremdriftSett) };
}

/** How many tickets of the company match `søk`, over the API with the portal's session. */
async function billetter(ctx, page, søk) {
  const sesjon = await page.evaluate(() => localStorage.getItem('bedrift:portal'));
  const d = await ctx.gql('query($c: ID!, $s: String!) { company(id: $c) { tickets(search: $s) { edges { node { id } } } } }',
    { c: ctx.setup.companyId, s: søk }, sesjon);
  return d.company.tickets.edges.length;
}

/** Issue 14 item 5 in the portal: template, preview with a bad row, import, and the same file again. */
export async function adminImportsFile(ctx) {
  const page = ctx.shared.adminPage;
  await meny(page, 'Legg til mange');
  await overskrift(page, 'Legg til mange');
  await ctx.axe(page, 'portal: legg til mange');
  await ctx.shot(page, 'portal-legg-til-mange');

  const csv = await lastNed(page, page.getByRole('button', { name: 'Last ned mal (CSV)' }));
  assert.equal(csv.navn, 'bulk-add-mal.csv');
  const [overskrifter] = csv.innhold.toString('utf8').replace(/^\ufeff/, '').split('\n');
  assert.equal(overskrifter, 'Fornavn;Etternavn;Mobil;Kategori;Soner;Startdato;Ansattnummer;Avdeling');
  await page.locator('main').getByText('bulk-add-mal.csv er lastet ned.').waitFor(VENT);
  const xlsx = await lastNed(page, page.getByRole('button', { name: 'Last ned mal (Excel)' }));
  assert.equal(xlsx.navn, 'bulk-add-mal.xlsx');
  assert.equal(xlsx.innhold.subarray(0, 2).toString('latin1'), 'PK', 'the Excel template is a workbook');

  const fil = ansattfil(overskrifter);
  let forhånd = await forhåndsvis(page, fil);
  // The bad row is marked in its row, at its field, and listed in the summary.
  const rad4 = forhånd.locator('#importrad-4');
  await rad4.getByText('Feil', { exact: true }).waitFor(VENT);
  await rad4.locator('td[data-etikett="Mobil"] .feltfeil').waitFor(VENT);
  await rad4.getByText('Mobil: Skriv et gyldig norsk mobilnummer').waitFor(VENT);
  assert.equal(await forhånd.locator('#importrad-2 .feltfeil').count(), 0, 'a good row is marked wrong');
  const sammendrag = forhånd.getByRole('button', { name: /^Rad 4, Mobil:/ });
  await sammendrag.click();
  assert.equal(await page.evaluate(() => document.activeElement.closest('tr')?.id), 'importrad-4', 'the summary moves to its row');
  await ctx.axe(page, 'portal: legg til mange, forhåndsvisning');
  await ctx.shot(page, 'portal-legg-til-mange-forhandsvisning');
  await page.setViewportSize(PHONE);
  await passerBredden(page);
  await ctx.axe(page, 'portal: legg til mange, forhåndsvisning (360 px)');
  await ctx.shot(page, 'portal-legg-til-mange-360px');
  await page.setViewportSize(DESKTOP);

  const første = await importer(page, forhånd);
  await første.resultat.getByText('Ferdig: 2 nye ansatte lagt til.').waitFor(VENT);
  assert.deepEqual(første.tall, {
    'Lagt til nå': 2, 'Fantes fra før (ikke lagt til på nytt)': 0, 'Hoppet over (feil i fila)': 1, Avvist: 0,
  });
  assert.ok(første.fremdrift.includes('Behandlet 3 av 3 rader …'), `the progress shown: ${JSON.stringify(første.fremdrift)}`);
  await første.resultat.getByRole('row', { name: /Siv Sand/ }).getByText('feil i fila').waitFor(VENT);
  await ctx.axe(page, 'portal: legg til mange, resultat');
  await ctx.shot(page, 'portal-legg-til-mange-resultat');

  // The same file again: the preview is the same, and nothing is created twice.
  forhånd = await forhåndsvis(page, fil);
  const andre = await importer(page, forhånd);
  await andre.resultat.getByText('Ingen nye: 2 rader var lagt til fra før og ble ikke lagt til på nytt.').waitFor(VENT);
  assert.deepEqual(andre.tall, {
    'Lagt til nå': 0, 'Fantes fra før (ikke lagt til på nytt)': 2, 'Hoppet over (feil i fila)': 1, Avvist: 0,
  });
  await ctx.axe(page, 'portal: legg til mange, samme fil igjen');
  await ctx.shot(page, 'portal-legg-til-mange-igjen');
  for (const navn of ['Lise Lund', 'Tor Tangen']) assert.equal(await billetter(ctx, page, navn), 1, `${navn} has one ticket`);
  assert.equal(await billetter(ctx, page, 'Siv Sand'), 0, 'the bad row was not created');

  // 230 rows go in ranges of 100, and the page says how far it has come between them.
  forhånd = await forhåndsvis(page, stor(overskrifter, 230), '230 rader: 230 kan legges til, 0 har feil.');
  const tredje = await importer(page, forhånd, 'Legg til 230 ansatte');
  await tredje.resultat.getByText('Ferdig: 230 nye ansatte lagt til.').waitFor(VENT);
  for (const n of [0, 100, 200, 230]) {
    assert.ok(tredje.fremdrift.includes(`Behandlet ${n} av 230 rader …`), `the progress shown: ${JSON.stringify(tredje.fremdrift)}`);
  }
  assert.equal(tredje.tall['Lagt til nå'], 230);

  // Switched to English (the portal's language switch reloads the page), the same file
  // previews in English.
  await page.locator('#sprakvalg').click();
  await overskrift(page, 'Add many');
  await page.getByLabel('File of employees (CSV or Excel)').setInputFiles({
    name: 'ansatte.csv', mimeType: 'text/csv', buffer: Buffer.from(fil, 'utf8'),
  });
  await page.getByRole('button', { name: 'Check the file' }).click();
  const engelsk = page.getByRole('region', { name: '3. Check the rows' });
  await engelsk.getByText('3 rows: 2 can be added, 1 has errors.').waitFor(VENT);
  await engelsk.locator('#importrad-4').getByText('Mobil: Write a valid Norwegian mobile number').waitFor(VENT);
  await engelsk.getByRole('button', { name: 'Add 2 employees' }).waitFor(VENT);
  await ctx.axe(page, 'portal: add many (en), preview');
  await ctx.shot(page, 'portal-add-many-en');
  await page.locator('#sprakvalg').click();
  await overskrift(page, 'Legg til mange');
  ctx.assertNoErrors(page);
}
