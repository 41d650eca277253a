// Mine billetter: /mine. Personlig innlogging med mobilnummer og SMS-kode, uten
// bestillingslenke: se, si opp og angre oppsigelse av egne abonnementer hos alle arbeidsgivere.
// Nye bestillinger går fortsatt gjennom arbeidsgiverens bestillingslenke. På bokmål eller
// engelsk (tekstene i i18n-*.js); SMS-koden sendes på sidens språk.

import {
  gql, GqlError, el, dato, telefon, feilmelding, visFeil, visFeltfeil, fjernFeil,
  lagreSesjon, hentSesjon, glemSesjon, STATUS, KATEGORI,
} from './common.js';
import { t, sprak, sprakknapp } from './i18n.js';

const FIELDS = 'id status orderStatus firstName lastName category zones wholeRegion startDate validFrom endDate';
const MINE = `{ viewer { kind phone } mySubscriptions { ${FIELDS} } }`;
const REQUEST_CODE = 'mutation($p: String!, $l: Language) { requestPersonalCode(phone: $p, language: $l) }';
const VERIFY = `mutation($p: String!, $c: String!) {
  verifyPersonalCode(phone: $p, code: $c) { token viewer { phone } }
}`;
const CANCEL = `mutation($id: ID!) { cancelSubscription(id: $id, at: END_OF_MONTH) { ${FIELDS} } }`;
const RESUME = `mutation($id: ID!) { resumeSubscription(id: $id) { ${FIELDS} } }`;
const LOG_OUT = 'mutation { logOut }';
const NOKKEL = 'mine';

const visning = document.getElementById('visning');
const status = document.getElementById('status');
const loggUt = document.getElementById('logg-ut');
const tilstand = { sesjon: hentSesjon(NOKKEL), telefon: null };
loggUt.textContent = t('loggUt');
document.querySelector('.hopp-til-innhold').textContent = t('hoppTilInnhold');
document.querySelector('.topplinje .innhold').append(sprakknapp(el));
visning.querySelector('.laster').textContent = t('laster');

function vis(tittel, innhold) {
  document.title = `${tittel} – ${t('mine.tittel')}`;
  visning.replaceChildren(innhold);
  visning.setAttribute('aria-busy', 'false');
  loggUt.hidden = !tilstand.sesjon;
  const h1 = visning.querySelector('h1');
  if (h1) { h1.setAttribute('tabindex', '-1'); h1.focus(); }
}

function melding(tekst, art = '') {
  status.textContent = tekst;
  status.className = `melding ${art}`.trim();
}

async function opptatt(knapp, arbeid) {
  knapp.disabled = true;
  try { await arbeid(); } finally { knapp.disabled = false; }
}

function skjema(id, etikett, input, hjelp, knappetekst, send) {
  const feil = el('p', { class: 'feltfeil', role: 'alert' });
  const knapp = el('button', { type: 'submit', class: 'bred-knapp' }, knappetekst);
  const form = el('form', { novalidate: true },
    el('div', { class: 'felt' }, el('label', { for: id }, etikett), el('p', { class: 'hjelp' }, hjelp), input),
    feil, knapp);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    fjernFeil(form);
    feil.textContent = '';
    opptatt(knapp, () => send(form, feil));
  });
  return form;
}

function visTelefon() {
  const input = el('input', { id: 'phone', type: 'tel', autocomplete: 'tel', inputmode: 'tel', required: true });
  const form = skjema('phone', t('mobilnummer'), input, t('mobilnummerHjelp'), t('sendKode'),
    async (f, feil) => {
      if (!input.value.trim()) { visFeltfeil(input, t('skrivMobilnummer')); return; }
      try {
        await gql(REQUEST_CODE, { p: input.value.trim(), l: sprak.toUpperCase() });
        tilstand.telefon = input.value.trim();
        visKode();
      } catch (error) { visFeil(f, error, feil); }
    });
  vis(t('loggInn'), el('section', { class: 'kort' },
    el('h1', {}, t('mine.tittel')),
    el('p', {}, t('mine.innledning')),
    form));
}

function visKode() {
  const input = el('input', {
    id: 'code', type: 'text', class: 'kode', autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: '6', required: true,
  });
  const form = skjema('code', t('kodeFraSms'), input, t('kodeHjelp'), t('loggInn'),
    async (f, feil) => {
      const kode = input.value.replace(/\s/g, '');
      if (!/^\d{6}$/.test(kode)) { visFeltfeil(input, t('kodenHarSeksSiffer')); return; }
      try {
        const data = await gql(VERIFY, { p: tilstand.telefon, c: kode });
        tilstand.sesjon = data.verifyPersonalCode.token;
        lagreSesjon(NOKKEL, tilstand.sesjon);
        melding(t('duErLoggetInn'), 'ok');
        await visAbonnement();
      } catch (error) {
        if (error instanceof GqlError && error.code === 'UNAUTHENTICATED') {
          visFeltfeil(input, t('mine.kodeFeil'));
        } else if (error instanceof GqlError && error.code === 'BAD_USER_INPUT' && error.field === 'code') {
          visFeltfeil(input, feilmelding(error));
        } else { visFeil(f, error, feil); }
      }
    });
  vis(t('skrivInnKoden'), el('section', { class: 'kort' },
    el('h1', {}, t('skrivInnKoden')),
    el('p', {}, t('mine.kodeSendt', telefon(tilstand.telefon))),
    form));
}

async function visAbonnement() {
  let data;
  try {
    data = await gql(MINE, {}, tilstand.sesjon);
  } catch (error) {
    if (error instanceof GqlError && error.code === 'UNAUTHENTICATED') {
      tilstand.sesjon = null;
      glemSesjon(NOKKEL);
      visTelefon();
    } else { melding(feilmelding(error), 'feil'); }
    return;
  }
  const liste = data.mySubscriptions.filter((a) => a.orderStatus === 'APPROVED').reverse();
  vis(t('mine.tittel'), el('div', {},
    el('div', { class: 'kort' }, el('h1', { id: 'tittel-mine' }, t('mine.tittel')),
      el('p', { class: 'dempet' }, t('mine.nyeViaLenke'))),
    liste.length === 0
      ? el('p', { class: 'kort' }, t('mine.ingen'))
      : el('ul', { class: 'ren-liste', 'aria-labelledby': 'tittel-mine' }, liste.map(kort)),
    dineData()));
}

/** Everything the service holds about this phone, as a JSON file (GET /mine/data.json). */
function dineData() {
  const knapp = el('button', { type: 'button', class: 'sekundær', text: t('mine.lastNedData') });
  knapp.addEventListener('click', () => opptatt(knapp, async () => {
    let svar;
    try {
      svar = await fetch('/mine/data.json', { headers: { Authorization: `Bearer ${tilstand.sesjon}` } });
    } catch {
      melding(t('mine.dataFeilet'), 'feil');
      return;
    }
    if (!svar.ok) { melding(t('mine.dataFeilet'), 'feil'); return; }
    const url = URL.createObjectURL(await svar.blob());
    const lenke = el('a', { href: url, download: 'mine-data.json' });
    document.body.append(lenke);
    lenke.click();
    lenke.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    melding(t('mine.dataLastetNed'), 'ok');
  }));
  return el('section', { class: 'kort', 'aria-labelledby': 'tittel-data' },
    el('h2', { id: 'tittel-data' }, t('mine.dataTittel')),
    el('p', {}, t('mine.dataTekst')),
    knapp);
}

function kort(a) {
  const handlinger = el('div', { class: 'knapper' });
  const soner = a.wholeRegion ? t('heleRegionen') : a.zones.join(', ');
  if (!a.endDate && (a.status === 'ACTIVE' || a.status === 'UPCOMING')) {
    handlinger.append(knapp(t('siOpp'), CANCEL, a, (ny) => t('sagtOpp', dato(ny.endDate))));
  } else if (a.endDate && a.status !== 'ENDED') {
    handlinger.append(knapp(t('angre'), RESUME, a, () => t('mine.angret')));
  }
  return el('li', { class: 'kort abonnement' },
    el('header', {}, el('h2', { class: 'h3' }, `${a.firstName} ${a.lastName}`),
      el('span', { class: `merke ${a.status}` }, STATUS[a.status] || a.status)),
    el('dl', { class: 'fakta' },
      el('dt', {}, t('soner')), el('dd', {}, soner),
      el('dt', {}, t('reisende')), el('dd', {}, KATEGORI[a.category] || a.category || ''),
      el('dt', {}, t('start')), el('dd', {}, dato(a.validFrom || a.startDate)),
      el('dt', {}, t('slutt')), el('dd', {}, a.endDate ? dato(a.endDate) : t('lopertil'))),
    handlinger);
}

function knapp(tekst, mutasjon, a, ferdig) {
  const b = el('button', { type: 'button', class: 'sekundær' }, tekst);
  b.addEventListener('click', () => opptatt(b, async () => {
    try {
      const data = await gql(mutasjon, { id: a.id }, tilstand.sesjon);
      await visAbonnement();
      melding(ferdig(Object.values(data)[0]), 'ok');
    } catch (error) { melding(feilmelding(error), 'feil'); }
  }));
  return b;
}

loggUt.addEventListener('click', async () => {
  const sesjon = tilstand.sesjon;
  tilstand.sesjon = null;
  glemSesjon(NOKKEL);
  if (sesjon) { try { await gql(LOG_OUT, {}, sesjon); } catch { /* forgotten here either way */ } }
  melding(t('duErLoggetUt'), 'ok');
  visTelefon();
});

if (tilstand.sesjon) { visAbonnement(); } else { visTelefon(); }
