// «Legg til mange»: administratoren laster opp en CSV- eller Excel-fil med ansatte, ser hver
// rad kontrollert med feil per felt, og bekrefter; de gyldige radene blir abonnementer
// (/imports/subscriptions/{firma}, se api/src/imports/http.rs), sendt i bolker på 100 rader med
// fremdrift mellom dem. Samme fil lastet opp igjen lager ingenting to ganger: serveren svarer
// «fantes fra før», og siden viser det. Tekstene står under `import.*` i i18n-portal-*.js.

import { el } from './common.js';
import { lastNed, kunngjør } from './portal-ui.js';
import { t } from './i18n-portal.js';

/** Every visible text of the page, by language. */

/** The text `key.sub` (`import.felt.phone`), or undefined when the dictionaries have none. */
function kjentTekst(key, sub) {
  const nøkkel = `${key}.${sub}`;
  const tekst = t(nøkkel);
  return tekst === nøkkel ? undefined : tekst;
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
async function avvisning(svar) {
  let feil = {};
  try {
    feil = (await svar.json()).error || {};
  } catch {
    // Not JSON: the status tells.
  }
  const tekst = String(feil.message || '');
  if (svar.status === 400 && feil.field === 'file') {
    let m = /unknown column\(s\): (.*)\. The columns are (.*)$/.exec(tekst);
    if (m) return t('import.fil.ukjent', m[1], m[2]);
    m = /missing column\(s\): (.*)\. The columns are (.*)$/.exec(tekst);
    if (m) return t('import.fil.mangler', m[1], m[2]);
    if (/is empty/.test(tekst)) return t('import.fil.tom');
    if (/at most \d+ are read/.test(tekst)) return t('import.fil.forMange');
    if (/neither UTF-8/.test(tekst)) return t('import.fil.ukjentFormat');
    return `${t('import.fil.annen')} (${tekst})`;
  }
  if (svar.status === 413) return t('import.fil.forStor');
  return kjentTekst('import.http', svar.status) || t('import.http.annen');
}

/** POSTs `bytes` to `sti` with the session; the JSON answer, or throws an Avvisning. */
async function send(app, sti, bytes) {
  let svar;
  try {
    svar = await fetch(sti, {
      method: 'POST',
      headers: { Authorization: `Bearer ${app.token}`, 'Content-Type': 'application/octet-stream' },
      body: bytes,
    });
  } catch {
    throw new Avvisning(t('import.http.nett'));
  }
  if (svar.status === 401) app.utløpt();
  if (!svar.ok) throw new Avvisning(await avvisning(svar));
  return svar.json();
}

/** A row error in the page's language: the field's rule, or the server's own words. */
function feiltekst(e) {
  const samme = /same phone is on row (\d+)/.exec(e.message);
  if (samme) return t('import.felt.sammeMobil', samme[1]);
  const ekstra = /^extraFields\[(.*)\]$/.exec(e.field || '');
  if (ekstra) return t('import.felt.ekstra', ekstra[1]);
  return kjentTekst('import.felt', e.field) || e.message;
}

/** The "download the template" card. */
function malkort(app, id) {
  const status = el('p', { role: 'status' });
  const knapper = [['CSV', 'csv'], ['Excel', 'xlsx']].map(([navn, ending]) => el('button', {
    type: 'button',
    class: 'sekundær',
    'data-format': ending,
    text: t('import.malKnapp', navn),
    onclick: async (e) => {
      e.target.disabled = true;
      status.className = '';
      status.textContent = t('import.henter', `template.${ending}`);
      const url = `/imports/subscriptions/${encodeURIComponent(id)}/template.${ending}`;
      const { feil, fil } = await lastNed(url, app.token, `bulk-add-mal.${ending}`);
      e.target.disabled = false;
      status.className = feil ? 'melding feil' : '';
      status.textContent = feil || t('import.lastetNed', fil);
    },
  }));
  return el('section', { class: 'kort', 'aria-labelledby': 'import-mal' },
    el('h2', { id: 'import-mal', text: t('import.malOverskrift') }),
    el('p', { text: t('import.malTekst', FASTE.map(([k]) => k).join(', ')) }),
    el('div', { class: 'knapper' }, knapper), status);
}

/** The cells of one preview row, the wrong ones marked, in the table's column order. */
function celler(rad, felt) {
  const feilFelt = new Set(rad.errors.map((e) => e.field));
  return felt.map(([navn, hent]) => {
    const verdi = hent(rad);
    const galt = feilFelt.has(navn);
    const vis = verdi || (navn === 'startDate' ? el('span', { class: 'dempet', text: t('import.tomStart') }) : '');
    return el('td', { 'data-etikett': kolonnenavn(navn) },
      galt ? el('span', { class: 'feltfeil' }, '⚠ ', verdi || '–', el('span', { class: 'skjult', text: t('import.feltetHarFeil') })) : vis);
  });
}

function kolonnenavn(navn) {
  const ekstra = /^extraFields\[(.*)\]$/.exec(navn);
  return ekstra ? ekstra[1] : kjentTekst('import.kolonner', navn) || navn;
}

/** The preview table: one row per file row, its status and its errors by column. */
function radtabell(forhånd) {
  const felt = FASTE.filter(([k]) => forhånd.columns.includes(k)).map(([, f]) => [f, (r) => r[f]])
    .concat(forhånd.columns.filter((k) => !FASTE.some(([f]) => f === k))
      .map((etikett) => [`extraFields[${etikett}]`, (r) => (r.extraFields || {})[etikett] || '']));
  const rader = forhånd.rows.map((rad) => {
    const feil = rad.errors.length > 0;
    return el('tr', { id: `importrad-${rad.row}`, class: feil ? 'har-feil' : null },
      el('td', { tabindex: '-1', 'data-etikett': t('import.kolRad'), text: String(rad.row) }),
      el('td', { 'data-etikett': t('import.kolStatus') },
        el('span', { class: feil ? 'merke REJECTED' : 'merke UPCOMING', text: feil ? t('import.harFeil') : t('import.ok') })),
      // The errors next to the status, so a phone's card and a wide table show them first.
      el('td', { 'data-etikett': t('import.kolFeil'), class: 'importfeil' }, feil
        ? rad.errors.map((e) => el('div', { class: 'feltfeil' }, e.column ? `${e.column}: ` : '', feiltekst(e)))
        : t('import.ingenFeil')),
      celler(rad, felt));
  });
  return el('div', { class: 'tabell-ramme' },
    el('table', { class: 'stables' },
      el('caption', { class: 'skjult', text: t('import.radTabell') }),
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col', text: t('import.kolRad') }), el('th', { scope: 'col', text: t('import.kolStatus') }),
        el('th', { scope: 'col', text: t('import.kolFeil') }),
        felt.map(([navn]) => el('th', { scope: 'col', text: kolonnenavn(navn) })))),
      el('tbody', {}, rader)));
}

/** The list of rows with errors (at most 50), each a button that moves to its row. */
function feilsammendrag(forhånd) {
  const gale = forhånd.rows.filter((r) => r.errors.length > 0);
  if (gale.length === 0) return null;
  const vist = gale.slice(0, 50);
  return el('div', { class: 'melding feil importfeil' },
    el('h3', { text: t('import.feilListe') }),
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
      }, t('import.feilIRad', r.row, e.column, feiltekst(e))))))),
    gale.length > vist.length ? el('p', { text: t('import.flereFeil', gale.length - vist.length) }) : null);
}

/** The result card of an import (the reports of every range sent, summed). */
function resultatkort(id, sum, forhånd, avbruddsgrunn) {
  const navn = new Map(forhånd.rows.map((r) => [r.row, `${r.firstName} ${r.lastName}`.trim()]));
  const ikke = sum.rows.filter((r) => r.outcome === 'REFUSED' || r.outcome === 'INVALID');
  const grunn = (r) => (r.outcome === 'INVALID'
    ? `${t('import.feilIFila')}: ${r.errors.map((e) => feiltekst(e)).join(' ')}`
    : kjentTekst('import.grunn', r.code) || r.errors.map((e) => feiltekst(e)).join(' ') || r.code);
  let hoved;
  if (avbruddsgrunn) hoved = t('import.avbrutt', sum.rows.length, forhånd.rows.length);
  else if (sum.created === 0 && sum.alreadyExisted > 0) hoved = t('import.ingenNye', sum.alreadyExisted);
  else hoved = t('import.ferdig', sum.created);
  const h2 = el('h2', { id: 'import-resultat', tabindex: '-1', text: t('import.resultat') });
  const kort = el('section', { class: 'kort', 'aria-labelledby': 'import-resultat' }, h2,
    el('p', { class: avbruddsgrunn ? 'melding feil' : 'melding ok' },
      hoved, avbruddsgrunn ? ` ${avbruddsgrunn}` : ''),
    el('dl', { class: 'fakta' },
      el('dt', { text: t('import.laget') }), el('dd', { text: String(sum.created) }),
      el('dt', { text: t('import.fantes') }), el('dd', { text: String(sum.alreadyExisted) }),
      el('dt', { text: t('import.ugyldige') }), el('dd', { text: String(sum.invalid) }),
      el('dt', { text: t('import.avvist') }), el('dd', { text: String(sum.refused) })),
    ikke.length === 0 ? null : [
      el('h3', { text: t('import.ikkeLagtTil') }),
      el('div', { class: 'tabell-ramme' }, el('table', { class: 'stables' },
        el('caption', { class: 'skjult', text: t('import.ikkeLagtTil') }),
        el('thead', {}, el('tr', {}, [t('import.kolRad'), t('import.kolNavn'), t('import.kolGrunn')].map((k) => el('th', { scope: 'col', text: k })))),
        el('tbody', {}, ikke.map((r) => el('tr', {},
          el('td', { 'data-etikett': t('import.kolRad'), text: String(r.row) }),
          el('td', { 'data-etikett': t('import.kolNavn'), text: navn.get(r.row) || '' }),
          el('td', { 'data-etikett': t('import.kolGrunn'), text: grunn(r) }))))))],
    el('p', {}, el('a', { href: `#/firma/${id}/billetter`, text: t('import.seBilletter') })));
  return { kort, h2, hoved };
}

/**
 * Sends the valid rows of `bytes` in ranges of BOLK rows, showing "n of N" between them;
 * resolves to the summed report and, when a range was refused, why (the rest not sent).
 */
async function importer(app, id, bytes, forhånd, vis) {
  const sum = { created: 0, alreadyExisted: 0, invalid: 0, refused: 0, rows: [] };
  const alle = forhånd.rows.length;
  for (let i = 0; i < alle; i += BOLK) {
    const bolk = forhånd.rows.slice(i, i + BOLK);
    const sti = `/imports/subscriptions/${encodeURIComponent(id)}?from=${bolk[0].row}&to=${bolk[bolk.length - 1].row}`;
    try {
      const svar = await send(app, sti, bytes);
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
function forhåndskort(app, id, bytes, forhånd) {
  const h2 = el('h2', { id: 'import-forhand', tabindex: '-1', text: t('import.forhandsvisning') });
  const alle = forhånd.rows.length;
  const tabellen = radtabell(forhånd);
  const bare = el('input', { type: 'checkbox', id: 'import-bare-feil', checked: forhånd.invalid > 0 && alle > 100 });
  const filtrer = () => {
    for (const tr of tabellen.querySelectorAll('tbody tr')) tr.hidden = bare.checked && !tr.classList.contains('har-feil');
  };
  bare.addEventListener('change', filtrer);
  filtrer();
  const fremdrift = el('progress', { id: 'import-fremdrift', max: String(Math.max(alle, 1)), value: '0' });
  const fremdriftTekst = el('p', { role: 'status', 'aria-live': 'polite' });
  const fremdriftBoks = el('div', { hidden: true },
    el('label', { for: 'import-fremdrift', text: t('import.fremdriftEtikett') }), ' ', fremdrift, fremdriftTekst);
  const utfall = el('div');
  const knapp = el('button', { type: 'button', text: t('import.bekreft', forhånd.valid), disabled: forhånd.valid === 0 });
  knapp.addEventListener('click', async () => {
    knapp.disabled = true;
    fremdriftBoks.hidden = false;
    fremdrift.value = 0;
    fremdriftTekst.textContent = t('import.fremdrift', 0, alle);
    utfall.replaceChildren();
    let resultat;
    try {
      resultat = await importer(app, id, bytes, forhånd, (n, av) => {
        fremdrift.value = n;
        fremdriftTekst.textContent = t('import.fremdrift', n, av);
      });
    } finally {
      knapp.disabled = false;
    }
    fremdriftBoks.hidden = true;
    const { kort, h2: overskrift, hoved } = resultatkort(id, resultat.sum, forhånd, resultat.grunn);
    utfall.replaceChildren(kort);
    // Done: a new upload starts over at step 2; stopped: the same file again finishes it.
    knapp.textContent = t('import.provIgjen');
    knapp.hidden = !resultat.grunn;
    overskrift.focus();
    kunngjør(hoved);
  });
  return {
    h2,
    kort: el('section', { class: 'kort', 'aria-labelledby': 'import-forhand' }, h2,
      el('p', { class: 'teller', text: t('import.sammendrag', alle, forhånd.valid, forhånd.invalid) }),
      feilsammendrag(forhånd),
      el('div', { class: 'valg' }, bare, el('label', { for: 'import-bare-feil', text: t('import.bareFeil') })),
      tabellen,
      el('p', { text: forhånd.valid === 0 ? t('import.ingenGyldige') : t('import.bekreftTekst', forhånd.invalid) }),
      el('div', { class: 'knapper' }, knapp),
      fremdriftBoks),
    utfall,
  };
}

/** The "Legg til mange" page of company `id`. */
export async function leggTilMange(app, id) {
  const erAktuell = app.vakt();
  const firma = await app.firma(id);
  if (!erAktuell()) return;
  const boks = el('div', { class: 'melding feil', role: 'alert' });
  const status = el('p', { role: 'status', class: 'laster' });
  const svar = el('div');
  const form = el('form', { novalidate: true, 'aria-labelledby': 'import-fil' },
    el('div', { class: 'felt' },
      el('label', { for: 'import-filvalg', text: t('import.filEtikett') }),
      el('span', { class: 'hjelp', id: 'import-filhjelp', text: t('import.filHjelp') }),
      el('input', {
        id: 'import-filvalg', name: 'file', type: 'file', 'aria-describedby': 'import-filhjelp',
        accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        onchange: () => svar.replaceChildren(),
      })),
    boks, status,
    el('div', { class: 'knapper' }, el('button', { type: 'submit', text: t('import.kontroller') })));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    boks.textContent = '';
    svar.replaceChildren();
    const fil = form.elements.file.files[0];
    if (!fil) {
      boks.textContent = t('import.velgFil');
      form.elements.file.focus();
      return;
    }
    const knapp = form.querySelector('button[type="submit"]');
    knapp.disabled = true;
    status.textContent = t('import.kontrollerer');
    try {
      // The bytes read now are the ones imported, whatever happens to the file meanwhile.
      const bytes = await fil.arrayBuffer();
      const forhånd = await send(app, `/imports/subscriptions/${encodeURIComponent(id)}/preview`, bytes);
      if (!erAktuell()) return;
      const { h2, kort, utfall } = forhåndskort(app, id, bytes, forhånd);
      svar.replaceChildren(kort, utfall);
      h2.focus();
      kunngjør(t('import.sammendrag', forhånd.rows.length, forhånd.valid, forhånd.invalid));
    } catch (error) {
      if (!(error instanceof Avvisning)) throw error;
      boks.textContent = error.message;
    } finally {
      knapp.disabled = false;
      status.textContent = '';
    }
  });
  app.vis(t('import.tittel', firma.name),
    el('p', { text: t('import.intro') }),
    malkort(app, id),
    el('section', { class: 'kort', 'aria-labelledby': 'import-fil' },
      el('h2', { id: 'import-fil', text: t('import.filOverskrift') }), form),
    svar);
}
