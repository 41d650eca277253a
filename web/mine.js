// Mine billetter: /mine. Personlig innlogging med mobilnummer og SMS-kode, uten
// bestillingslenke: se, si opp og angre oppsigelse av egne abonnement hos alle arbeidsgivere.
// Nye bestillinger går fortsatt gjennom arbeidsgiverens bestillingslenke.

import {
  gql, GqlError, el, dato, feilmelding, visFeil, visFeltfeil, fjernFeil,
  lagreSesjon, hentSesjon, glemSesjon, STATUS, KATEGORI,
} from './common.js';

const FIELDS = 'id status orderStatus firstName lastName category zones wholeRegion startDate validFrom endDate';
const MINE = `{ viewer { kind phone } mySubscriptions { ${FIELDS} } }`;
const REQUEST_CODE = 'mutation($p: String!) { requestPersonalCode(phone: $p) }';
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

function vis(tittel, innhold) {
  document.title = `${tittel} – Mine billetter`;
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
  const form = skjema('phone', 'Mobilnummer', input, 'Norsk nummer, for eksempel 912 34 567.', 'Send kode',
    async (f, feil) => {
      if (!input.value.trim()) { visFeltfeil(input, 'Skriv mobilnummeret ditt.'); return; }
      try {
        await gql(REQUEST_CODE, { p: input.value.trim() });
        tilstand.telefon = input.value.trim();
        visKode();
      } catch (error) { visFeil(f, error, feil); }
    });
  vis('Logg inn', el('section', { class: 'kort' },
    el('h1', {}, 'Mine billetter'),
    el('p', {}, 'Logg inn med mobilnummeret ditt for å se og si opp månedsbillettene du har gjennom arbeidsgiveren. '
      + 'Har du et abonnement, sender vi deg en kode på SMS.'),
    form));
}

function visKode() {
  const input = el('input', {
    id: 'code', type: 'text', class: 'kode', autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: '6', required: true,
  });
  const form = skjema('code', 'Kode fra SMS', input, 'Seks siffer. Koden gjelder i 10 minutter.', 'Logg inn',
    async (f, feil) => {
      const kode = input.value.replace(/\s/g, '');
      if (!/^\d{6}$/.test(kode)) { visFeltfeil(input, 'Koden har seks siffer.'); return; }
      try {
        const data = await gql(VERIFY, { p: tilstand.telefon, c: kode });
        tilstand.sesjon = data.verifyPersonalCode.token;
        lagreSesjon(NOKKEL, tilstand.sesjon);
        melding('Du er logget inn.', 'ok');
        await visAbonnement();
      } catch (error) {
        if (error instanceof GqlError && error.code === 'UNAUTHENTICATED') {
          visFeltfeil(input, 'Koden stemmer ikke, eller den er brukt opp.');
        } else { visFeil(f, error, feil); }
      }
    });
  vis('Skriv inn koden', el('section', { class: 'kort' },
    el('h1', {}, 'Skriv inn koden'),
    el('p', {}, `Har ${tilstand.telefon} et abonnement, har vi sendt en kode på SMS.`),
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
  vis('Mine billetter', el('div', {},
    el('div', { class: 'kort' }, el('h1', { id: 'tittel-mine' }, 'Mine billetter'),
      el('p', { class: 'dempet' }, 'Nye abonnement bestiller du gjennom arbeidsgiverens bestillingslenke.')),
    liste.length === 0
      ? el('p', { class: 'kort' }, 'Du har ingen billetter.')
      : el('ul', { class: 'ren-liste', 'aria-labelledby': 'tittel-mine' }, liste.map(kort))));
}

function kort(a) {
  const handlinger = el('div', { class: 'knapper' });
  const soner = a.wholeRegion ? 'Hele regionen' : a.zones.join(', ');
  if (!a.endDate && (a.status === 'ACTIVE' || a.status === 'UPCOMING')) {
    handlinger.append(knapp('Si opp', CANCEL, a, (ny) => `Abonnementet er sagt opp. Siste dag er ${dato(ny.endDate)}.`));
  } else if (a.endDate && a.status !== 'ENDED') {
    handlinger.append(knapp('Angre oppsigelse', RESUME, a, () => 'Oppsigelsen er angret.'));
  }
  return el('li', { class: 'kort abonnement' },
    el('header', {}, el('h2', { class: 'h3' }, `${a.firstName} ${a.lastName}`),
      el('span', { class: `merke ${a.status}` }, STATUS[a.status] || a.status)),
    el('dl', { class: 'fakta' },
      el('dt', {}, 'Soner'), el('dd', {}, soner),
      el('dt', {}, 'Reisende'), el('dd', {}, KATEGORI[a.category] || a.category || ''),
      el('dt', {}, 'Start'), el('dd', {}, dato(a.validFrom || a.startDate)),
      el('dt', {}, 'Slutt'), el('dd', {}, a.endDate ? dato(a.endDate) : 'Løper til du sier opp')),
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
  melding('Du er logget ut.', 'ok');
  visTelefon();
});

if (tilstand.sesjon) { visAbonnement(); } else { visTelefon(); }
