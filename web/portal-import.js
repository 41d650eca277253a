// «Legg til mange»: administratoren laster opp en CSV- eller Excel-fil med ansatte, ser hver
// rad kontrollert med feil per felt, og bekrefter; de gyldige radene blir abonnementer
// (/imports/subscriptions/{firma}, se api/src/imports/http.rs), sendt i bolker på 100 rader med
// fremdrift mellom dem. Samme fil lastet opp igjen lager ingenting to ganger: serveren svarer
// «fantes fra før», og siden viser det. Alle tekstene står i TEKSTER under (bokmål og engelsk,
// etter <html lang>).

import { el } from './common.js';
import { lastNed, kunngjør } from './portal-ui.js';

/** Every visible text of the page, by language. */
const TEKSTER = {
  nb: {
    tittel: (firma) => `Legg til mange – ${firma}`,
    intro: 'Legg til mange ansatte på én gang fra en CSV- eller Excel-fil. Abonnementene blir godkjent med en gang, som med «Nytt abonnement».',
    malOverskrift: '1. Last ned malen',
    malTekst: (kolonner) => `Én ansatt per rad. Kolonnene er ${kolonner}. Startdato (tom: den 1. neste måned) og ansattnummer kan stå tomme; bedriftens egne felt står til slutt. Soner: én sone, to nabosoner med komma mellom, eller «Hele regionen».`,
    malKnapp: (format) => `Last ned mal (${format})`,
    henter: (fil) => `Henter ${fil} …`,
    lastetNed: (fil) => `${fil} er lastet ned.`,
    filOverskrift: '2. Velg fila',
    filEtikett: 'Fil med ansatte (CSV eller Excel)',
    filHjelp: 'CSV lagret som «CSV UTF-8», eller en .xlsx-fil. Ingenting legges til før du bekrefter.',
    kontroller: 'Kontroller fila',
    velgFil: 'Velg en fil først.',
    kontrollerer: 'Kontrollerer fila …',
    forhåndsvisning: '3. Kontroller radene',
    sammendrag: (alle, gyldige, feil) => `${alle} ${alle === 1 ? 'rad' : 'rader'}: ${gyldige} kan legges til, ${feil} har feil.`,
    feilListe: 'Rader med feil',
    feilIRad: (rad, kolonne, melding) => `Rad ${rad}${kolonne ? `, ${kolonne}` : ''}: ${melding}`,
    flereFeil: (n) => `… og ${n} til. Se tabellen.`,
    bareFeil: 'Vis bare rader med feil',
    radTabell: 'Radene i fila',
    kolRad: 'Rad',
    kolStatus: 'Status',
    kolFeil: 'Feil',
    ok: 'OK',
    harFeil: 'Feil',
    feltetHarFeil: ' (feil)',
    tomStart: 'den 1. neste måned',
    ingenFeil: '–',
    bekreftTekst: (feil) => (feil > 0
      ? `${feil} ${feil === 1 ? 'rad' : 'rader'} med feil hoppes over. Rett ${feil === 1 ? 'den' : 'dem'} i fila og last fila opp igjen senere: rader som alt er lagt til, blir ikke lagt til to ganger.`
      : 'Rader som alt er lagt til fra en tidligere opplasting, blir ikke lagt til to ganger.'),
    bekreft: (n) => `Legg til ${n} ${n === 1 ? 'ansatt' : 'ansatte'}`,
    ingenGyldige: 'Ingen rader kan legges til. Rett feilene i fila og kontroller den på nytt.',
    fremdriftEtikett: 'Fremdrift',
    fremdrift: (n, alle) => `Behandlet ${n} av ${alle} rader …`,
    resultat: 'Resultat',
    ferdig: (n) => `Ferdig: ${n} ${n === 1 ? 'ny ansatt' : 'nye ansatte'} lagt til.`,
    ingenNye: (n) => `Ingen nye: ${n} ${n === 1 ? 'rad' : 'rader'} var lagt til fra før og ble ikke lagt til på nytt.`,
    avbrutt: (n, alle) => `Stoppet etter ${n} av ${alle} rader. Det som er lagt til, er lagret; prøv igjen for resten.`,
    prøvIgjen: 'Prøv igjen',
    laget: 'Lagt til nå',
    fantes: 'Fantes fra før (ikke lagt til på nytt)',
    ugyldige: 'Hoppet over (feil i fila)',
    avvist: 'Avvist',
    ikkeLagtTil: 'Ikke lagt til',
    kolNavn: 'Navn',
    kolGrunn: 'Grunn',
    seBilletter: 'Se billettene',
    grunn: {
      ALREADY_SUBSCRIBED: 'har allerede en billett hos bedriften (én billett per person)',
      INVALID_STATE: 'bedriften tar ikke nye abonnementer',
      FORBIDDEN: 'du har ikke tilgang til å legge til her',
    },
    feilIFila: 'feil i fila',
    felt: {
      firstName: 'Fornavnet er ikke gyldig: bokstaver, mellomrom, bindestrek, apostrof og punktum, uten tall.',
      lastName: 'Etternavnet er ikke gyldig: bokstaver, mellomrom, bindestrek, apostrof og punktum, uten tall.',
      phone: 'Skriv et gyldig norsk mobilnummer, for eksempel 912 34 567.',
      category: 'Skriv Voksen, Ung voksen, Ungdom, Barn eller Honnør.',
      zones: 'Skriv én sone, to nabosoner med komma mellom, eller «Hele regionen».',
      startDate: 'Skriv en startdato fra i dag og inntil 12 måneder fram, som 2027-01-01 eller 01.01.2027, eller la feltet stå tomt.',
      employeeNumber: 'Skriv ansattnummeret: bokstaver, tall, bindestrek og punktum, høyst 20 tegn.',
      ekstra: (etikett) => `Fyll inn «${etikett}» (høyst 200 tegn).`,
      sammeMobil: (rad) => `Samme mobilnummer står på rad ${rad}: én billett per person.`,
    },
    kolonner: {
      firstName: 'Fornavn', lastName: 'Etternavn', phone: 'Mobil', category: 'Kategori',
      zones: 'Soner', startDate: 'Startdato', employeeNumber: 'Ansattnr.',
    },
    fil: {
      ukjent: (k, alle) => `Fila har kolonner malen ikke kjenner: ${k}. Kolonnene er ${alle}.`,
      mangler: (k, alle) => `Fila mangler kolonnene ${k}. Kolonnene er ${alle}.`,
      tom: 'Fila er tom: første rad må ha kolonnenavnene.',
      forStor: 'Fila er for stor. Del den i flere filer.',
      forMange: 'Fila har for mange rader (høyst 5 000). Del den i flere filer.',
      ukjentFormat: 'Fila er verken en CSV-fil i UTF-8 eller en Excel-fil. Lagre den som «CSV UTF-8» eller .xlsx.',
      annen: 'Fila kunne ikke leses.',
    },
    http: {
      401: 'Økten er utløpt. Logg inn på nytt.',
      403: 'Du har ikke tilgang til å legge til ansatte i denne bedriften.',
      409: 'Bedriftens avtale er avsluttet, og den tar ikke nye abonnementer.',
      429: 'For mange forespørsler. Vent litt, og prøv igjen.',
      nett: 'Fikk ikke kontakt med tjenesten. Sjekk nettforbindelsen og prøv igjen.',
      annen: 'Noe gikk galt. Prøv igjen om litt.',
    },
  },
  en: {
    tittel: (firma) => `Add many – ${firma}`,
    intro: 'Add many employees at once from a CSV or Excel file. The subscriptions are approved at once, as with "New subscription".',
    malOverskrift: '1. Download the template',
    malTekst: (kolonner) => `One employee per row. The columns are ${kolonner}. Start date (empty: the 1st of next month) and employee number may be empty; the company's own fields come last. Zones: one zone, two neighbouring zones separated by a comma, or "Hele regionen" (the whole region).`,
    malKnapp: (format) => `Download the template (${format})`,
    henter: (fil) => `Fetching ${fil} …`,
    lastetNed: (fil) => `${fil} has been downloaded.`,
    filOverskrift: '2. Choose the file',
    filEtikett: 'File of employees (CSV or Excel)',
    filHjelp: 'A CSV saved as "CSV UTF-8", or an .xlsx file. Nothing is added before you confirm.',
    kontroller: 'Check the file',
    velgFil: 'Choose a file first.',
    kontrollerer: 'Checking the file …',
    forhåndsvisning: '3. Check the rows',
    sammendrag: (alle, gyldige, feil) => `${alle} ${alle === 1 ? 'row' : 'rows'}: ${gyldige} can be added, ${feil} ${feil === 1 ? 'has' : 'have'} errors.`,
    feilListe: 'Rows with errors',
    feilIRad: (rad, kolonne, melding) => `Row ${rad}${kolonne ? `, ${kolonne}` : ''}: ${melding}`,
    flereFeil: (n) => `… and ${n} more. See the table.`,
    bareFeil: 'Show only rows with errors',
    radTabell: 'The rows of the file',
    kolRad: 'Row',
    kolStatus: 'Status',
    kolFeil: 'Errors',
    ok: 'OK',
    harFeil: 'Error',
    feltetHarFeil: ' (error)',
    tomStart: 'the 1st of next month',
    ingenFeil: '–',
    bekreftTekst: (feil) => (feil > 0
      ? `${feil} ${feil === 1 ? 'row' : 'rows'} with errors will be skipped. Correct ${feil === 1 ? 'it' : 'them'} in the file and upload it again later: rows already added are not added twice.`
      : 'Rows already added by an earlier upload are not added twice.'),
    bekreft: (n) => `Add ${n} ${n === 1 ? 'employee' : 'employees'}`,
    ingenGyldige: 'No row can be added. Correct the errors in the file and check it again.',
    fremdriftEtikett: 'Progress',
    fremdrift: (n, alle) => `Processed ${n} of ${alle} rows …`,
    resultat: 'Result',
    ferdig: (n) => `Done: ${n} new ${n === 1 ? 'employee' : 'employees'} added.`,
    ingenNye: (n) => `Nothing new: ${n} ${n === 1 ? 'row was' : 'rows were'} added before and ${n === 1 ? 'was' : 'were'} not added again.`,
    avbrutt: (n, alle) => `Stopped after ${n} of ${alle} rows. What was added is saved; try again for the rest.`,
    prøvIgjen: 'Try again',
    laget: 'Added now',
    fantes: 'Already there (not added again)',
    ugyldige: 'Skipped (errors in the file)',
    avvist: 'Refused',
    ikkeLagtTil: 'Not added',
    kolNavn: 'Name',
    kolGrunn: 'Reason',
    seBilletter: 'See the tickets',
    grunn: {
      ALREADY_SUBSCRIBED: 'already has a ticket at the company (one ticket per person)',
      INVALID_STATE: 'the company takes no new subscriptions',
      FORBIDDEN: 'you may not add employees here',
    },
    feilIFila: 'errors in the file',
    felt: {
      firstName: 'The first name is not valid: letters, spaces, hyphens, apostrophes and periods, no digits.',
      lastName: 'The last name is not valid: letters, spaces, hyphens, apostrophes and periods, no digits.',
      phone: 'Write a valid Norwegian mobile number, for example 912 34 567.',
      category: 'Write Voksen, Ung voksen, Ungdom, Barn or Honnør.',
      zones: 'Write one zone, two neighbouring zones separated by a comma, or "Hele regionen".',
      startDate: 'Write a start date from today up to 12 months ahead, as 2027-01-01 or 01.01.2027, or leave it empty.',
      employeeNumber: 'Write the employee number: letters, digits, hyphens and periods, at most 20 characters.',
      ekstra: (etikett) => `Fill in "${etikett}" (at most 200 characters).`,
      sammeMobil: (rad) => `The same mobile number is on row ${rad}: one ticket per person.`,
    },
    kolonner: {
      firstName: 'First name', lastName: 'Last name', phone: 'Mobile', category: 'Category',
      zones: 'Zones', startDate: 'Start date', employeeNumber: 'Employee no.',
    },
    fil: {
      ukjent: (k, alle) => `The file has columns the template does not know: ${k}. The columns are ${alle}.`,
      mangler: (k, alle) => `The file lacks the columns ${k}. The columns are ${alle}.`,
      tom: 'The file is empty: its first row must hold the column names.',
      forStor: 'The file is too large. Split it into several files.',
      forMange: 'The file has too many rows (at most 5,000). Split it into several files.',
      ukjentFormat: 'The file is neither a UTF-8 CSV file nor an Excel file. Save it as "CSV UTF-8" or .xlsx.',
      annen: 'The file could not be read.',
    },
    http: {
      401: 'The session has expired. Log in again.',
      403: 'You may not add employees to this company.',
      409: "The company's agreement has ended, and it takes no new subscriptions.",
      429: 'Too many requests. Wait a little, and try again.',
      nett: 'Could not reach the service. Check the connection and try again.',
      annen: 'Something went wrong. Try again in a little while.',
    },
  },
};

/** The texts in the page's language (`<html lang>`), bokmål by default. */
function tekster() {
  const kode = (document.documentElement.lang || 'nb').toLowerCase().split('-')[0];
  return TEKSTER[kode] || TEKSTER.nb;
}

/** The fixed columns in template order: the file's heading and the preview's field. */
const FASTE = [
  ['Fornavn', 'firstName'], ['Etternavn', 'lastName'], ['Mobil', 'phone'], ['Kategori', 'category'],
  ['Soner', 'zones'], ['Startdato', 'startDate'], ['Ansattnummer', 'employeeNumber'],
];

/** How many rows one import request sends (the route takes up to 1,000). */
const BOLK = 100;

/** A refused or failed request to the import routes; its message is the page's text for it. */
class Avvisning extends Error {}

/** The page's text for a refused request (`svar` a fetch Response). */
async function avvisning(svar, T) {
  let feil = {};
  try {
    feil = (await svar.json()).error || {};
  } catch {
    // Not JSON: the status tells.
  }
  const tekst = String(feil.message || '');
  if (svar.status === 400 && feil.field === 'file') {
    let m = /unknown column\(s\): (.*)\. The columns are (.*)$/.exec(tekst);
    if (m) return T.fil.ukjent(m[1], m[2]);
    m = /missing column\(s\): (.*)\. The columns are (.*)$/.exec(tekst);
    if (m) return T.fil.mangler(m[1], m[2]);
    if (/is empty/.test(tekst)) return T.fil.tom;
    if (/at most \d+ are read/.test(tekst)) return T.fil.forMange;
    if (/neither UTF-8/.test(tekst)) return T.fil.ukjentFormat;
    return `${T.fil.annen} (${tekst})`;
  }
  if (svar.status === 413) return T.fil.forStor;
  return T.http[svar.status] || T.http.annen;
}

/** POSTs `bytes` to `sti` with the session; the JSON answer, or throws an Avvisning. */
async function send(app, sti, bytes, T) {
  let svar;
  try {
    svar = await fetch(sti, {
      method: 'POST',
      headers: { Authorization: `Bearer ${app.token}`, 'Content-Type': 'application/octet-stream' },
      body: bytes,
    });
  } catch {
    throw new Avvisning(T.http.nett);
  }
  if (svar.status === 401) app.utløpt();
  if (!svar.ok) throw new Avvisning(await avvisning(svar, T));
  return svar.json();
}

/** A row error in the page's language: the field's rule, or the server's own words. */
function feiltekst(e, T) {
  const samme = /same phone is on row (\d+)/.exec(e.message);
  if (samme) return T.felt.sammeMobil(samme[1]);
  const ekstra = /^extraFields\[(.*)\]$/.exec(e.field || '');
  if (ekstra) return T.felt.ekstra(ekstra[1]);
  return T.felt[e.field] || e.message;
}

/** The "download the template" card. */
function malkort(app, id, T) {
  const status = el('p', { role: 'status' });
  const knapper = [['CSV', 'csv'], ['Excel', 'xlsx']].map(([navn, ending]) => el('button', {
    type: 'button',
    class: 'sekundær',
    'data-format': ending,
    text: T.malKnapp(navn),
    onclick: async (e) => {
      e.target.disabled = true;
      status.className = '';
      status.textContent = T.henter(`template.${ending}`);
      const url = `/imports/subscriptions/${encodeURIComponent(id)}/template.${ending}`;
      const { feil, fil } = await lastNed(url, app.token, `bulk-add-mal.${ending}`);
      e.target.disabled = false;
      status.className = feil ? 'melding feil' : '';
      status.textContent = feil || T.lastetNed(fil);
    },
  }));
  return el('section', { class: 'kort', 'aria-labelledby': 'import-mal' },
    el('h2', { id: 'import-mal', text: T.malOverskrift }),
    el('p', { text: T.malTekst(FASTE.map(([k]) => k).join(', ')) }),
    el('div', { class: 'knapper' }, knapper), status);
}

/** The cells of one preview row, the wrong ones marked, in the table's column order. */
function celler(rad, felt, T) {
  const feilFelt = new Set(rad.errors.map((e) => e.field));
  return felt.map(([navn, hent]) => {
    const verdi = hent(rad);
    const galt = feilFelt.has(navn);
    const vis = verdi || (navn === 'startDate' ? el('span', { class: 'dempet', text: T.tomStart }) : '');
    return el('td', { 'data-etikett': kolonnenavn(navn, T) },
      galt ? el('span', { class: 'feltfeil' }, '⚠ ', verdi || '–', el('span', { class: 'skjult', text: T.feltetHarFeil })) : vis);
  });
}

function kolonnenavn(navn, T) {
  const ekstra = /^extraFields\[(.*)\]$/.exec(navn);
  return ekstra ? ekstra[1] : T.kolonner[navn] || navn;
}

/** The preview table: one row per file row, its status and its errors by column. */
function radtabell(forhånd, T) {
  const felt = FASTE.filter(([k]) => forhånd.columns.includes(k)).map(([, f]) => [f, (r) => r[f]])
    .concat(forhånd.columns.filter((k) => !FASTE.some(([f]) => f === k))
      .map((etikett) => [`extraFields[${etikett}]`, (r) => (r.extraFields || {})[etikett] || '']));
  const rader = forhånd.rows.map((rad) => {
    const feil = rad.errors.length > 0;
    return el('tr', { id: `importrad-${rad.row}`, class: feil ? 'har-feil' : null },
      el('td', { tabindex: '-1', 'data-etikett': T.kolRad, text: String(rad.row) }),
      el('td', { 'data-etikett': T.kolStatus },
        el('span', { class: feil ? 'merke REJECTED' : 'merke UPCOMING', text: feil ? T.harFeil : T.ok })),
      // The errors next to the status, so a phone's card and a wide table show them first.
      el('td', { 'data-etikett': T.kolFeil, class: 'importfeil' }, feil
        ? rad.errors.map((e) => el('div', { class: 'feltfeil' }, e.column ? `${e.column}: ` : '', feiltekst(e, T)))
        : T.ingenFeil),
      celler(rad, felt, T));
  });
  return el('div', { class: 'tabell-ramme' },
    el('table', { class: 'stables' },
      el('caption', { class: 'skjult', text: T.radTabell }),
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col', text: T.kolRad }), el('th', { scope: 'col', text: T.kolStatus }),
        el('th', { scope: 'col', text: T.kolFeil }),
        felt.map(([navn]) => el('th', { scope: 'col', text: kolonnenavn(navn, T) })))),
      el('tbody', {}, rader)));
}

/** The list of rows with errors (at most 50), each a button that moves to its row. */
function feilsammendrag(forhånd, T) {
  const gale = forhånd.rows.filter((r) => r.errors.length > 0);
  if (gale.length === 0) return null;
  const vist = gale.slice(0, 50);
  return el('div', { class: 'melding feil importfeil' },
    el('h3', { text: T.feilListe }),
    el('ul', {}, vist.flatMap((r) => r.errors.map((e) => el('li', {},
      el('button', {
        type: 'button',
        class: 'lenke',
        onclick: () => {
          const rad = document.getElementById(`importrad-${r.row}`);
          if (!rad) return;
          rad.hidden = false;
          rad.scrollIntoView({ block: 'center' });
          rad.querySelector('td').focus();
        },
      }, T.feilIRad(r.row, e.column, feiltekst(e, T))))))),
    gale.length > vist.length ? el('p', { text: T.flereFeil(gale.length - vist.length) }) : null);
}

/** The result card of an import (the reports of every range sent, summed). */
function resultatkort(id, sum, forhånd, T, avbruddsgrunn) {
  const navn = new Map(forhånd.rows.map((r) => [r.row, `${r.firstName} ${r.lastName}`.trim()]));
  const ikke = sum.rows.filter((r) => r.outcome === 'REFUSED' || r.outcome === 'INVALID');
  const grunn = (r) => (r.outcome === 'INVALID'
    ? `${T.feilIFila}: ${r.errors.map((e) => feiltekst(e, T)).join(' ')}`
    : T.grunn[r.code] || r.errors.map((e) => feiltekst(e, T)).join(' ') || r.code);
  let hoved;
  if (avbruddsgrunn) hoved = T.avbrutt(sum.rows.length, forhånd.rows.length);
  else if (sum.created === 0 && sum.alreadyExisted > 0) hoved = T.ingenNye(sum.alreadyExisted);
  else hoved = T.ferdig(sum.created);
  const h2 = el('h2', { id: 'import-resultat', tabindex: '-1', text: T.resultat });
  const kort = el('section', { class: 'kort', 'aria-labelledby': 'import-resultat' }, h2,
    el('p', { class: avbruddsgrunn ? 'melding feil' : 'melding ok' },
      hoved, avbruddsgrunn ? ` ${avbruddsgrunn}` : ''),
    el('dl', { class: 'fakta' },
      el('dt', { text: T.laget }), el('dd', { text: String(sum.created) }),
      el('dt', { text: T.fantes }), el('dd', { text: String(sum.alreadyExisted) }),
      el('dt', { text: T.ugyldige }), el('dd', { text: String(sum.invalid) }),
      el('dt', { text: T.avvist }), el('dd', { text: String(sum.refused) })),
    ikke.length === 0 ? null : [
      el('h3', { text: T.ikkeLagtTil }),
      el('div', { class: 'tabell-ramme' }, el('table', { class: 'stables' },
        el('caption', { class: 'skjult', text: T.ikkeLagtTil }),
        el('thead', {}, el('tr', {}, [T.kolRad, T.kolNavn, T.kolGrunn].map((k) => el('th', { scope: 'col', text: k })))),
        el('tbody', {}, ikke.map((r) => el('tr', {},
          el('td', { 'data-etikett': T.kolRad, text: String(r.row) }),
          el('td', { 'data-etikett': T.kolNavn, text: navn.get(r.row) || '' }),
          el('td', { 'data-etikett': T.kolGrunn, text: grunn(r) }))))))],
    el('p', {}, el('a', { href: `#/firma/${id}/billetter`, text: T.seBilletter })));
  return { kort, h2, hoved };
}

/**
 * Sends the valid rows of `bytes` in ranges of BOLK rows, showing "n of N" between them;
 * resolves to the summed report and, when a range was refused, why (the rest not sent).
 */
async function importer(app, id, bytes, forhånd, vis, T) {
  const sum = { created: 0, alreadyExisted: 0, invalid: 0, refused: 0, rows: [] };
  const alle = forhånd.rows.length;
  for (let i = 0; i < alle; i += BOLK) {
    const bolk = forhånd.rows.slice(i, i + BOLK);
    const sti = `/imports/subscriptions/${encodeURIComponent(id)}?from=${bolk[0].row}&to=${bolk[bolk.length - 1].row}`;
    try {
      const svar = await send(app, sti, bytes, T);
      for (const k of ['created', 'alreadyExisted', 'invalid', 'refused']) sum[k] += svar[k];
      sum.rows.push(...svar.rows);
    } catch (error) {
      if (error instanceof Avvisning) return { sum, grunn: error.message };
      throw error;
    }
    vis(Math.min(i + BOLK, alle), alle);
  }
  return { sum, grunn: null };
}

/** The preview section with its confirmation and, after it, the import's progress and result. */
function forhåndskort(app, id, bytes, forhånd, T) {
  const h2 = el('h2', { id: 'import-forhand', tabindex: '-1', text: T.forhåndsvisning });
  const alle = forhånd.rows.length;
  const tabellen = radtabell(forhånd, T);
  const bare = el('input', { type: 'checkbox', id: 'import-bare-feil', checked: forhånd.invalid > 0 && alle > 100 });
  const filtrer = () => {
    for (const tr of tabellen.querySelectorAll('tbody tr')) tr.hidden = bare.checked && !tr.classList.contains('har-feil');
  };
  bare.addEventListener('change', filtrer);
  filtrer();
  const fremdrift = el('progress', { id: 'import-fremdrift', max: String(Math.max(alle, 1)), value: '0' });
  const fremdriftTekst = el('p', { role: 'status', 'aria-live': 'polite' });
  const fremdriftBoks = el('div', { hidden: true },
    el('label', { for: 'import-fremdrift', text: T.fremdriftEtikett }), ' ', fremdrift, fremdriftTekst);
  const utfall = el('div');
  const knapp = el('button', { type: 'button', text: T.bekreft(forhånd.valid), disabled: forhånd.valid === 0 });
  knapp.addEventListener('click', async () => {
    knapp.disabled = true;
    fremdriftBoks.hidden = false;
    fremdrift.value = 0;
    fremdriftTekst.textContent = T.fremdrift(0, alle);
    utfall.replaceChildren();
    let resultat;
    try {
      resultat = await importer(app, id, bytes, forhånd, (n, av) => {
        fremdrift.value = n;
        fremdriftTekst.textContent = T.fremdrift(n, av);
      }, T);
    } finally {
      knapp.disabled = false;
    }
    fremdriftBoks.hidden = true;
    const { kort, h2: overskrift, hoved } = resultatkort(id, resultat.sum, forhånd, T, resultat.grunn);
    utfall.replaceChildren(kort);
    // Done: a new upload starts over at step 2; stopped: the same file again finishes it.
    knapp.textContent = T.prøvIgjen;
    knapp.hidden = !resultat.grunn;
    overskrift.focus();
    kunngjør(hoved);
  });
  return {
    h2,
    kort: el('section', { class: 'kort', 'aria-labelledby': 'import-forhand' }, h2,
      el('p', { class: 'teller', text: T.sammendrag(alle, forhånd.valid, forhånd.invalid) }),
      feilsammendrag(forhånd, T),
      el('div', { class: 'valg' }, bare, el('label', { for: 'import-bare-feil', text: T.bareFeil })),
      tabellen,
      el('p', { text: forhånd.valid === 0 ? T.ingenGyldige : T.bekreftTekst(forhånd.invalid) }),
      el('div', { class: 'knapper' }, knapp),
      fremdriftBoks),
    utfall,
  };
}

/** The "Legg til mange" page of company `id`. */
export async function leggTilMange(app, id) {
  const T = tekster();
  const erAktuell = app.vakt();
  const firma = await app.firma(id);
  if (!erAktuell()) return;
  const boks = el('div', { class: 'melding feil', role: 'alert' });
  const status = el('p', { role: 'status', class: 'laster' });
  const svar = el('div');
  const form = el('form', { novalidate: true, 'aria-labelledby': 'import-fil' },
    el('div', { class: 'felt' },
      el('label', { for: 'import-filvalg', text: T.filEtikett }),
      el('span', { class: 'hjelp', id: 'import-filhjelp', text: T.filHjelp }),
      el('input', {
        id: 'import-filvalg', name: 'file', type: 'file', 'aria-describedby': 'import-filhjelp',
        accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        onchange: () => svar.replaceChildren(),
      })),
    boks, status,
    el('div', { class: 'knapper' }, el('button', { type: 'submit', text: T.kontroller })));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    boks.textContent = '';
    svar.replaceChildren();
    const fil = form.elements.file.files[0];
    if (!fil) {
      boks.textContent = T.velgFil;
      form.elements.file.focus();
      return;
    }
    const knapp = form.querySelector('button[type="submit"]');
    knapp.disabled = true;
    status.textContent = T.kontrollerer;
    try {
      // The bytes read now are the ones imported, whatever happens to the file meanwhile.
      const bytes = await fil.arrayBuffer();
      const forhånd = await send(app, `/imports/subscriptions/${encodeURIComponent(id)}/preview`, bytes, T);
      if (!erAktuell()) return;
      const { h2, kort, utfall } = forhåndskort(app, id, bytes, forhånd, T);
      svar.replaceChildren(kort, utfall);
      h2.focus();
      kunngjør(T.sammendrag(forhånd.rows.length, forhånd.valid, forhånd.invalid));
    } catch (error) {
      if (!(error instanceof Avvisning)) throw error;
      boks.textContent = error.message;
    } finally {
      knapp.disabled = false;
      status.textContent = '';
    }
  });
  app.vis(T.tittel(firma.name),
    el('p', { text: T.intro }),
    malkort(app, id, T),
    el('section', { class: 'kort', 'aria-labelledby': 'import-fil' },
      el('h2', { id: 'import-fil', text: T.filOverskrift }), form),
    svar);
}
