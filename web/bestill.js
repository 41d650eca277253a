// Bestillingssiden for ansatte: /bestill/{token}. Innlogging med mobilnummer og SMS-kode,
// "Dine abonnementer" (status, start og slutt, pris og trekk, trekk tilbake, si opp og angre)
// og "Legg til" (bestilling med soner, reisende, bedriftens egne felt, pris og trekk i lønn).
// På bokmål eller engelsk (tekstene i i18n-*.js). Det som er skrevet i skjemaet, tas vare på i
// sessionStorage til bestillingen er sendt, så en utløpt økt, Tilbake eller et språkbytte ikke
// mister det; kodesteget overlever at siden lastes på nytt.

import {
  gql, GqlError, el, dato, kroner, feilmelding, visFeil, visFeltfeil, fjernFeil,
  lagreSesjon, hentSesjon, glemSesjon, telefon as visTelefonnummer,
  STATUS, KATEGORI, KATEGORIHJELP, SONEKLASSE,
} from './common.js';
import { t, sprak, sprakknapp } from './i18n.js';

/** The page's language as the API names it: SMS about the order go out in it. */
const SPRAK = sprak.toUpperCase();

const ORDER_FORM = `query($t: String!) {
  orderForm(token: $t) {
    companyName orderingPolicy startDate employeeNumber
    extraFields { label required }
    employerContribution { kind percent amount }
  }
}`;

const TARIFF = `query($on: Date) {
  tariff(on: $on) { validFrom zones { id name } neighbours prices { zoneClass category monthly } }
}`;

const FIELDS = `id status orderStatus firstName lastName category zones wholeRegion zoneClass
  startDate validFrom endDate rejectionReason`;

const MINE = `{ viewer { kind phone } mySubscriptions { ${FIELDS} } }`;

const REQUEST_CODE = `mutation($t: String!, $p: String!, $s: Language) {
  requestVerificationCode(orderToken: $t, phone: $p, language: $s)
}`;

const VERIFY = `mutation($t: String!, $p: String!, $c: String!) {
  verifyPhone(orderToken: $t, phone: $p, code: $c) { token viewer { phone } }
}`;

const ORDER = `mutation($input: OrderInput!) { orderSubscription(input: $input) { ${FIELDS} } }`;
const WITHDRAW = `mutation($id: ID!) { withdrawOrder(id: $id) { ${FIELDS} } }`;
const CANCEL = `mutation($id: ID!) { cancelSubscription(id: $id, at: END_OF_MONTH) { ${FIELDS} } }`;
const RESUME = `mutation($id: ID!) { resumeSubscription(id: $id) { ${FIELDS} } }`;
const LOG_OUT = 'mutation { logOut }';

/** The order of traveller categories on the form. */
const KATEGORIREKKEFOLGE = ['ADULT', 'YOUNG_ADULT', 'YOUTH', 'CHILD', 'SENIOR'];

const token = decodeURIComponent(location.pathname.split('/')[2] || '');
const sesjonsnokkel = `ansatt:${token}`;
/** sessionStorage: the phone a code was sent to (the code step survives a reload). */
const kodenokkel = `bedrift:kode:${token}`;
/** sessionStorage: what was typed in the order form, until the order is sent. */
const utkastnokkel = `bedrift:utkast:${token}`;
const visning = document.getElementById('visning');
const status = document.getElementById('status');
const firmanavn = document.getElementById('firmanavn');
const loggUt = document.getElementById('logg-ut');
loggUt.textContent = t('loggUt');
document.querySelector('.hopp-til-innhold').textContent = t('hoppTilInnhold');
document.querySelector('.topplinje .innhold').append(sprakknapp(el));
visning.querySelector('.laster').textContent = t('laster');

/** Reads `key` from sessionStorage as JSON, or null. */
function husket(key) {
  try {
    return JSON.parse(sessionStorage.getItem(key) || 'null');
  } catch {
    return null;
  }
}

/** Keeps `value` under `key` in sessionStorage (null forgets it). */
function husk(key, value) {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // No storage: it lasts as long as the page.
  }
}

const tilstand = {
  skjema: null,
  tariff: null,
  sesjon: hentSesjon(sesjonsnokkel),
  telefon: null,
  abonnement: [],
};

/** Puts `innhold` on the page with `tittel` as the document title and moves focus to its h1. */
function vis(tittel, innhold, { fokus = true } = {}) {
  document.title = `${tittel} – Bedriftsbillett`;
  visning.replaceChildren(innhold);
  visning.setAttribute('aria-busy', 'false');
  loggUt.hidden = !tilstand.sesjon;
  if (fokus) {
    const overskrift = visning.querySelector('h1');
    if (overskrift) {
      overskrift.setAttribute('tabindex', '-1');
      overskrift.focus();
    }
  }
}

/** Announces `tekst` in the status area; `art` is '', 'ok', 'feil' or 'advarsel'. */
function melding(tekst, art = '') {
  status.className = ['melding', art].filter(Boolean).join(' ');
  status.textContent = tekst;
}

/** Runs `arbeid` with `knapp` disabled and the form marked busy. */
async function opptatt(knapp, arbeid) {
  const form = knapp.closest('form');
  knapp.disabled = true;
  if (form) form.setAttribute('aria-busy', 'true');
  try {
    return await arbeid();
  } finally {
    knapp.disabled = false;
    if (form) form.removeAttribute('aria-busy');
  }
}

function felt(id, etikett, input, hjelp = null) {
  if (hjelp) input.setAttribute('aria-describedby', `${id}-hjelp`);
  return el('div', { class: 'felt' },
    el('label', { for: id }, etikett),
    hjelp ? el('span', { class: 'hjelp', id: `${id}-hjelp` }, hjelp) : null,
    input);
}

/** The last day of the current month (the day before the start date of an order today). */
function sisteIDenneMaaned() {
  const [y, m, d] = tilstand.skjema.startDate.split('-').map(Number);
  const dag = new Date(Date.UTC(y, m - 1, d - 1));
  return dag.toISOString().slice(0, 10);
}

function sonenavn(id) {
  const sone = tilstand.tariff && tilstand.tariff.zones.find((z) => z.id === id);
  return sone ? sone.name : id;
}

function soner(a) {
  if (a.wholeRegion) return t('heleRegionen');
  return a.zones.map(sonenavn).join(' + ');
}

// ---------------------------------------------------------------- start

async function start() {
  if (!token) {
    visUgyldigLenke();
    return;
  }
  try {
    const data = await gql(ORDER_FORM, { t: token });
    tilstand.skjema = data.orderForm;
  } catch (error) {
    if (error instanceof GqlError && (error.code === 'NOT_FOUND' || error.code === 'BAD_USER_INPUT')) {
      glemSesjon(sesjonsnokkel);
      visUgyldigLenke();
    } else {
      visLastefeil(error);
    }
    return;
  }
  firmanavn.textContent = tilstand.skjema.companyName;
  try {
    const data = await gql(TARIFF, { on: tilstand.skjema.startDate });
    tilstand.tariff = data.tariff;
  } catch (error) {
    visLastefeil(error);
    return;
  }
  const ventendeKode = husket(kodenokkel);
  if (tilstand.sesjon) {
    await visAbonnement({ fokus: false });
    if (husket(utkastnokkel) && !stengt()) aapneBestilling();
  } else if (ventendeKode) {
    tilstand.telefon = ventendeKode;
    visKode();
  } else {
    visTelefon();
  }
}

/** Whether the company takes no orders through the link (R6). */
function stengt() {
  return tilstand.skjema.orderingPolicy === 'CLOSED';
}

/** The page for a link that does not work: no session to log out of, nothing else to do. */
function visUgyldigLenke() {
  firmanavn.textContent = 'Bedriftsbillett';
  tilstand.sesjon = null;
  husk(kodenokkel, null);
  vis(t('lenkenVirkerIkke'), el('section', { class: 'kort', 'aria-labelledby': 'ugyldig' },
    el('h1', { id: 'ugyldig' }, t('lenkeVirkerIkkeOverskrift')),
    el('p', {}, t('lenkeVirkerIkkeHvorfor')),
    el('p', {}, t('lenkeVirkerIkkeHva'))));
}

function visLastefeil(error) {
  const prøv = el('button', { type: 'button', onclick: () => { melding(''); start(); } }, t('provIgjen'));
  vis(t('feil'), el('section', { class: 'kort' },
    el('h1', {}, t('sidenKunneIkkeLastes')),
    el('p', {}, feilmelding(error)),
    prøv));
}

// ---------------------------------------------------------------- innlogging

function visTelefon(forhandsutfylt = '') {
  const input = el('input', {
    id: 'phone', name: 'phone', type: 'tel', autocomplete: 'tel', inputmode: 'tel',
    required: true, value: forhandsutfylt,
  });
  const skjemafeil = el('p', { class: 'feltfeil', role: 'alert' });
  const knapp = el('button', { type: 'submit', class: 'bred-knapp' }, t('sendKode'));
  const form = el('form', { novalidate: true },
    felt('phone', t('mobilnummer'), input, t('mobilnummerHjelp')),
    skjemafeil,
    knapp);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fjernFeil(form);
    skjemafeil.textContent = '';
    const telefon = input.value.trim();
    if (!telefon) {
      visFeltfeil(input, t('skrivMobilnummer'));
      return;
    }
    await opptatt(knapp, async () => {
      try {
        await gql(REQUEST_CODE, { t: token, p: telefon, s: SPRAK });
        tilstand.telefon = telefon;
        husk(kodenokkel, telefon);
        melding('');
        visKode();
      } catch (error) {
        if (error instanceof GqlError && error.code === 'NOT_FOUND') {
          visUgyldigLenke();
          return;
        }
        visFeil(form, error, skjemafeil);
      }
    });
  });
  vis(t('loggInn'), el('section', { class: 'kort', 'aria-labelledby': 'tittel-logg-inn' },
    el('h1', { id: 'tittel-logg-inn' }, t('tittelBestill')),
    el('p', {}, t('innledning', tilstand.skjema.companyName)),
    stengt() ? el('p', { class: 'melding advarsel' }, t('stengtInnlogging')) : null,
    el('p', {}, t('loggInnMedMobil')),
    form));
}

function visKode() {
  const input = el('input', {
    id: 'code', name: 'code', type: 'text', class: 'kode', autocomplete: 'one-time-code',
    inputmode: 'numeric', required: true,
  });
  // A pasted "794 297" (or "794-297") keeps all six digits.
  input.addEventListener('input', () => {
    const siffer = input.value.replace(/\D/g, '').slice(0, 6);
    if (siffer !== input.value) input.value = siffer;
  });
  const skjemafeil = el('p', { class: 'feltfeil', role: 'alert' });
  const knapp = el('button', { type: 'submit', class: 'bred-knapp' }, t('loggInn'));
  const nyKode = el('button', { type: 'button', class: 'sekundær' }, t('sendNyKode'));
  const annetNummer = el('button', { type: 'button', class: 'sekundær' }, t('annetNummer'));
  const form = el('form', { novalidate: true },
    felt('code', t('kodeFraSms'), input, t('kodeHjelp')),
    skjemafeil,
    knapp,
    el('div', { class: 'knapper' }, nyKode, annetNummer));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fjernFeil(form);
    skjemafeil.textContent = '';
    const kode = input.value.replace(/\s/g, '');
    if (!/^\d{6}$/.test(kode)) {
      visFeltfeil(input, t('kodenHarSeksSiffer'));
      return;
    }
    await opptatt(knapp, async () => {
      try {
        const data = await gql(VERIFY, { t: token, p: tilstand.telefon, c: kode });
        tilstand.sesjon = data.verifyPhone.token;
        lagreSesjon(sesjonsnokkel, tilstand.sesjon);
        husk(kodenokkel, null);
        melding(t('duErLoggetInn'), 'ok');
        await visAbonnement();
        if (husket(utkastnokkel) && !stengt()) aapneBestilling();
      } catch (error) {
        if (error instanceof GqlError && error.code === 'UNAUTHENTICATED') {
          visFeltfeil(input, t('kodeFeil'));
        } else if (error instanceof GqlError && error.reason === 'CODE_USED_UP') {
          visFeltfeil(input, t('kodeBruktOpp'));
        } else if (error instanceof GqlError && error.code === 'BAD_USER_INPUT' && error.field === 'code') {
          visFeltfeil(input, feilmelding(error));
        } else {
          visFeil(form, error, skjemafeil);
        }
      }
    });
  });
  nyKode.addEventListener('click', () => opptatt(nyKode, async () => {
    try {
      await gql(REQUEST_CODE, { t: token, p: tilstand.telefon, s: SPRAK });
      melding(t('nyKodeSendt', tilstand.telefon), 'ok');
      fjernFeil(form);
      input.focus();
    } catch (error) {
      melding(feilmelding(error), 'feil');
    }
  }));
  annetNummer.addEventListener('click', () => { melding(''); husk(kodenokkel, null); visTelefon(); });
  vis(t('skrivInnKoden'), el('section', { class: 'kort', 'aria-labelledby': 'tittel-kode' },
    el('h1', { id: 'tittel-kode' }, t('skrivInnKoden')),
    el('p', {}, t('sendtTil'), el('span', { class: 'nowrap' }, tilstand.telefon), '.'),
    form));
}

async function loggUtNaa() {
  const sesjon = tilstand.sesjon;
  tilstand.sesjon = null;
  glemSesjon(sesjonsnokkel);
  if (sesjon) {
    try {
      await gql(LOG_OUT, {}, sesjon);
    } catch {
      // The session is forgotten here either way.
    }
  }
  husk(utkastnokkel, null);
  melding(t('duErLoggetUt'), 'ok');
  visTelefon();
}
loggUt.addEventListener('click', loggUtNaa);

// ---------------------------------------------------------------- dine abonnement

async function hentAbonnement() {
  const data = await gql(MINE, {}, tilstand.sesjon);
  if (!data.viewer || data.viewer.kind !== 'EMPLOYEE') {
    throw new GqlError('not an employee session', 'UNAUTHENTICATED');
  }
  tilstand.telefon = data.viewer.phone;
  tilstand.abonnement = data.mySubscriptions;
}

/** Whether `a` blocks a new order (R5): pending, or approved and still valid at the start. */
function levende(a) {
  if (a.orderStatus === 'PENDING') return true;
  if (a.orderStatus !== 'APPROVED') return false;
  return !a.endDate || a.endDate >= tilstand.skjema.startDate;
}

async function visAbonnement({ fokus = true } = {}) {
  try {
    await hentAbonnement();
  } catch (error) {
    if (error instanceof GqlError && error.code === 'UNAUTHENTICATED') {
      tilstand.sesjon = null;
      glemSesjon(sesjonsnokkel);
      melding(husket(utkastnokkel) ? t('oktUtloptSkjema') : t('oktUtlopt'), 'advarsel');
      visTelefon();
    } else {
      visLastefeil(error);
    }
    return;
  }
  const liste = tilstand.abonnement.slice().reverse();
  const harLevende = tilstand.abonnement.some(levende);
  const oppdater = el('button', { type: 'button', class: 'sekundær' }, t('oppdater'));
  oppdater.addEventListener('click', () => opptatt(oppdater, async () => {
    await visAbonnement({ fokus: false });
    melding(t('oppdatert'));
  }));
  let leggTil = null;
  if (stengt()) {
    leggTil = el('p', { class: 'melding advarsel' }, t('stengt'));
  } else if (tilstand.abonnement.some((a) => a.orderStatus === 'PENDING')) {
    leggTil = el('p', { class: 'dempet' }, t('venterPaaGodkjenning'));
  } else if (harLevende) {
    leggTil = el('p', { class: 'dempet' }, t('ettOmGangen'));
  } else {
    leggTil = el('button', {
      type: 'button', class: 'bred-knapp', id: 'legg-til',
      onclick: () => { melding(''); aapneBestilling(); },
    }, t('leggTil'));
  }
  vis(t('dineAbonnement'), el('div', {},
    el('div', { class: 'kort' },
      el('h1', { id: 'tittel-mine' }, t('dineAbonnement')),
      el('p', { class: 'dempet' }, t('loggetInnSom'), el('span', { class: 'nowrap' }, visTelefonnummer(tilstand.telefon)), '.'),
      leggTil,
      el('div', { class: 'knapper' }, oppdater)),
    liste.length === 0
      ? el('p', { class: 'kort' }, t('ingenAbonnement'))
      : el('ul', { class: 'ren-liste', 'aria-labelledby': 'tittel-mine' }, liste.map(abonnementskort))),
  { fokus });
}

/** Whether `a` was cancelled to end before its first day (so it never started). */
function aldriStartet(a) {
  return Boolean(a.endDate && a.endDate < (a.validFrom || a.startDate));
}

/** The monthly price and the deduction of `a` at the start date's prices, or null. */
function prisOgTrekk(a) {
  const tariff = tilstand.tariff;
  if (!tariff || !a.zoneClass || !a.category) return null;
  const pris = tariff.prices.find((p) => p.zoneClass === a.zoneClass && p.category === a.category);
  if (!pris) return null;
  return { pris: pris.monthly, trekk: pris.monthly - arbeidsgiverbidrag(pris.monthly, tilstand.skjema.employerContribution) };
}

function abonnementskort(a) {
  const tittelId = `abonnement-${a.id}`;
  const aldri = aldriStartet(a);
  const belop = ['PENDING', 'UPCOMING', 'ACTIVE', 'ENDING'].includes(a.status) && !aldri ? prisOgTrekk(a) : null;
  const fakta = el('dl', { class: 'fakta' },
    el('dt', {}, t('soner')), el('dd', {}, soner(a)),
    el('dt', {}, t('reisende')), el('dd', {}, KATEGORI[a.category] || a.category || ''),
    el('dt', {}, t('start')), el('dd', {}, aldri ? t('aldriStartet') : dato(a.validFrom || a.startDate)),
    a.orderStatus === 'APPROVED' && !aldri
      ? [el('dt', {}, t('slutt')), el('dd', {}, a.endDate ? dato(a.endDate) : t('lopertil'))]
      : null,
    belop ? [el('dt', {}, t('maanedspris')), el('dd', {}, kroner(belop.pris)),
      el('dt', {}, t('dittTrekk')), el('dd', {}, kroner(belop.trekk))] : null,
    a.rejectionReason ? [el('dt', {}, t('begrunnelse')), el('dd', {}, a.rejectionReason)] : null);
  const handlinger = el('div', { class: 'knapper' });
  const kort = el('li', { class: 'kort abonnement', 'aria-labelledby': tittelId },
    el('header', {},
      el('h2', { id: tittelId, class: 'h3' }, `${a.firstName} ${a.lastName}`),
      merke(a)),
    fakta,
    handlinger);
  const sisteDag = sisteIDenneMaaned();

  if (a.orderStatus === 'PENDING') {
    handlinger.append(el('button', {
      type: 'button', class: 'sekundær',
      onclick: () => bekreft(kort, handlinger, t('trekkTilbakeSporsmal'), t('trekkTilbakeTekst'),
        t('trekkTilbakeJa'), WITHDRAW, a, t('trukketTilbake')),
    }, t('trekkTilbake')));
  } else if (a.orderStatus === 'APPROVED' && !a.endDate && (a.status === 'ACTIVE' || a.status === 'UPCOMING')) {
    const forStart = (a.validFrom || a.startDate) > sisteDag;
    const tekst = forStart ? t('siOppForStart', dato(sisteDag)) : t('siOppTekst', dato(sisteDag));
    handlinger.append(el('button', {
      type: 'button', class: 'sekundær',
      onclick: () => bekreft(kort, handlinger, t('siOppSporsmal'), tekst, t('siOppJa'),
        CANCEL, a, (ny) => t('sagtOpp', dato(ny.endDate))),
    }, t('siOpp')));
  } else if (a.orderStatus === 'APPROVED' && a.endDate && a.endDate >= sisteDag) {
    handlinger.append(el('button', {
      type: 'button', class: 'sekundær',
      onclick: (event) => utfør(event.currentTarget, RESUME, a, t('angret')),
    }, t('angre')));
  }
  return kort;
}

/** The status badge; a subscription cancelled before it started reads "Sagt opp før start". */
function merke(a) {
  if (a.status === 'ENDED' && aldriStartet(a)) {
    return el('span', { class: 'merke ENDING' }, STATUS.CANCELLED_BEFORE_START);
  }
  return el('span', { class: `merke ${a.status}` }, STATUS[a.status] || a.status);
}

/** Asks before `mutasjon`: a panel in the card with `tekst` and a confirm and a cancel button. */
function bekreft(kort, handlinger, sporsmal, tekst, ja, mutasjon, a, ferdig) {
  const id = `bekreft-${a.id}`;
  const jaKnapp = el('button', { type: 'button', class: 'fare' }, ja);
  const avbryt = el('button', { type: 'button', class: 'sekundær' }, t('avbryt'));
  const panel = el('div', { class: 'bekreft', role: 'group', 'aria-labelledby': id },
    el('h3', { id, tabindex: '-1' }, sporsmal),
    el('p', {}, tekst),
    el('div', { class: 'knapper' }, jaKnapp, avbryt));
  handlinger.hidden = true;
  kort.append(panel);
  panel.querySelector('h3').focus();
  avbryt.addEventListener('click', () => {
    panel.remove();
    handlinger.hidden = false;
    handlinger.querySelector('button').focus();
  });
  jaKnapp.addEventListener('click', () => utfør(jaKnapp, mutasjon, a, ferdig));
}

async function utfør(knapp, mutasjon, a, ferdig) {
  await opptatt(knapp, async () => {
    try {
      const data = await gql(mutasjon, { id: a.id }, tilstand.sesjon);
      const ny = Object.values(data)[0];
      await visAbonnement();
      melding(typeof ferdig === 'function' ? ferdig(ny) : ferdig, 'ok');
    } catch (error) {
      melding(feilmelding(error), 'feil');
      if (error instanceof GqlError && error.code === 'UNAUTHENTICATED') await visAbonnement();
    }
  });
}

// ---------------------------------------------------------------- legg til

/** Why `navn` breaks R3, in words, or null when it is fine; `hva` names it ("fornavnet"). */
function navnefeil(navn, hva) {
  const n = navn.trim().replace(/\s+/g, ' ');
  if (!n) return t('navnTomt', hva);
  if ([...n].length > 100) return t('navnForLangt');
  if (/\p{N}/u.test(n)) return t('navnSiffer');
  if (!/^[\p{L}\p{M} .'\u2019-]+$/u.test(n) || !/\p{L}/u.test(n)) return t('navnTegn');
  return null;
}

/** Opens the order form as a step of its own in the browser's history (Back returns). */
function aapneBestilling() {
  history.pushState({ visning: 'bestill' }, '');
  visBestilling();
}

function visBestilling() {
  const skjema = tilstand.skjema;
  const tariff = tilstand.tariff;
  if (!tariff) {
    vis(t('leggTil'), el('section', { class: 'kort' },
      el('h1', {}, t('leggTil')),
      el('p', { class: 'melding feil' }, t('ingenPriser'))));
    return;
  }
  const utkast = husket(utkastnokkel) || {};
  const sonerEtterNavn = tariff.zones.slice().sort((x, y) => x.name.localeCompare(y.name, 'nb'));
  const naboer = (id) => new Set(tariff.neighbours
    .filter((par) => par.includes(id))
    .map((par) => (par[0] === id ? par[1] : par[0])));

  const omfang = (verdi, tekst, hjelp) => {
    const id = `omfang-${verdi}`;
    return el('div', { class: 'valg' },
      el('input', { type: 'radio', name: 'omfang', id, value: verdi, checked: verdi === (utkast.omfang || 'ONE_ZONE') }),
      el('label', { for: id }, tekst, hjelp ? el('span', { class: 'hjelp' }, hjelp) : null));
  };
  // No zone is chosen until the employee chooses one: forgetting it is an error, not Arendal.
  const sone1 = el('select', { id: 'zones', name: 'zones', required: true },
    el('option', { value: '' }, t('velgSone')),
    sonerEtterNavn.map((z) => el('option', { value: z.id, selected: z.id === utkast.sone1 }, z.name)));
  const sone2 = el('select', { id: 'sone2', name: 'sone2' });
  const sone2Felt = felt('sone2', t('nabosone'), sone2, t('nabosoneHjelp'));
  const sone1Etikett = el('label', { for: 'zones' }, t('sone'));
  const sone1Felt = el('div', { class: 'felt' }, sone1Etikett, sone1);

  const kategorier = KATEGORIREKKEFOLGE.filter((k) => tariff.prices.some((p) => p.category === k));
  const kategorivalg = el('fieldset', { 'aria-describedby': 'kategori-hjelp' },
    el('legend', {}, t('hvemReiser')),
    el('p', { class: 'hjelp', id: 'kategori-hjelp' }, t('hvemReiserHjelp')),
    kategorier.map((k, i) => el('div', { class: 'valg' },
      el('input', {
        type: 'radio', name: 'category', id: `kategori-${k}`, value: k,
        checked: utkast.kategori ? utkast.kategori === k : i === 0,
        'aria-describedby': `kategori-${k}-hjelp`,
      }),
      el('div', {},
        el('label', { for: `kategori-${k}` }, KATEGORI[k]),
        el('span', { class: 'hjelp', id: `kategori-${k}-hjelp` }, KATEGORIHJELP[k])))));

  const fornavn = el('input', { id: 'firstName', name: 'firstName', type: 'text', autocomplete: 'given-name', required: true, value: utkast.fornavn || '' });
  const etternavn = el('input', { id: 'lastName', name: 'lastName', type: 'text', autocomplete: 'family-name', required: true, value: utkast.etternavn || '' });
  const ansattnummer = skjema.employeeNumber === 'HIDDEN' ? null
    : el('input', {
      id: 'employeeNumber', name: 'employeeNumber', type: 'text',
      required: skjema.employeeNumber === 'REQUIRED', value: utkast.ansattnummer || '',
    });
  const ekstra = skjema.extraFields.map((f, i) => ({
    felt: f,
    input: el('input', {
      id: `ekstra-${i}`, name: `extraFields[${f.label}]`, type: 'text', required: f.required,
      value: (utkast.ekstra || {})[f.label] || '',
    }),
  }));

  const prisboks = el('div', { class: 'pris', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const skjemafeil = el('p', { class: 'feltfeil', role: 'alert' });
  const bestill = el('button', { type: 'submit', class: 'bred-knapp' }, t('bestill'));
  const avbryt = el('button', {
    type: 'button', class: 'sekundær',
    onclick: () => { husk(utkastnokkel, null); melding(''); history.back(); },
  }, t('avbryt'));

  const form = el('form', { novalidate: true, 'aria-labelledby': 'tittel-bestill' },
    felt('startdato', t('startdato'), el('input', {
      id: 'startdato', type: 'text', readonly: true, value: dato(skjema.startDate),
    }), t('startdatoHjelp')),
    el('fieldset', {},
      el('legend', {}, t('navnPaaReisende')),
      el('p', { class: 'hjelp', id: 'navn-hjelp' }, t('navnHjelp')),
      felt('firstName', t('fornavn'), fornavn),
      felt('lastName', t('etternavn'), etternavn)),
    el('fieldset', {},
      el('legend', {}, t('hvorReiserDu')),
      omfang('ONE_ZONE', t('enSone')),
      omfang('TWO_ZONES', t('toSoner'), t('toSonerHjelp')),
      omfang('WHOLE_REGION', t('heleRegionen'), t('heleRegionenHjelp')),
      sone1Felt,
      sone2Felt),
    kategorivalg,
    ansattnummer ? felt('employeeNumber', skjema.employeeNumber === 'REQUIRED' ? t('ansattnummer') : t('valgfritt', t('ansattnummer')), ansattnummer) : null,
    ekstra.map(({ felt: f, input }) => felt(input.id, f.required ? f.label : t('valgfritt', f.label), input)),
    prisboks,
    skjemafeil,
    bestill,
    el('div', { class: 'knapper' }, avbryt));

  // Fields name the first label explicitly because the name hint belongs to both.
  fornavn.setAttribute('aria-describedby', 'navn-hjelp');
  etternavn.setAttribute('aria-describedby', 'navn-hjelp');

  const valgtOmfang = () => form.querySelector('input[name="omfang"]:checked').value;
  const valgtKategori = () => {
    const valgt = form.querySelector('input[name="category"]:checked');
    return valgt ? valgt.value : null;
  };

  /** Keeps what is typed, so an expired session, Back or a language switch loses nothing. */
  const lagreUtkast = () => husk(utkastnokkel, {
    fornavn: fornavn.value,
    etternavn: etternavn.value,
    omfang: valgtOmfang(),
    sone1: sone1.value,
    sone2: sone2.value,
    kategori: valgtKategori(),
    ansattnummer: ansattnummer ? ansattnummer.value : '',
    ekstra: Object.fromEntries(ekstra.map(({ felt: f, input }) => [f.label, input.value])),
  });

  const fyllNaboer = () => {
    const gyldige = naboer(sone1.value);
    const forrige = sone2.value || utkast.sone2;
    sone2.replaceChildren(...sonerEtterNavn
      .filter((z) => gyldige.has(z.id))
      .map((z) => el('option', { value: z.id, selected: z.id === forrige }, z.name)));
  };

  const oppdaterPris = () => {
    const klasse = valgtOmfang();
    const kategori = valgtKategori();
    const pris = tariff.prices.find((p) => p.zoneClass === klasse && p.category === kategori);
    if (!pris) {
      prisboks.replaceChildren(el('p', {}, t('velgForPris')));
      return;
    }
    const bidrag = arbeidsgiverbidrag(pris.monthly, skjema.employerContribution);
    const trekk = pris.monthly - bidrag;
    prisboks.replaceChildren(el('dl', { class: 'fakta' },
      el('dt', {}, t('maanedspris')), el('dd', {}, kroner(pris.monthly)),
      bidrag > 0 ? [el('dt', {}, t('arbeidsgiverenBetaler')), el('dd', {}, kroner(bidrag))] : null,
      el('div', { class: 'trekk' },
        el('dt', {}, t('trekkPerMaaned')), el('dd', {}, kroner(trekk)))),
    el('p', { class: 'liten dempet' }, `${SONEKLASSE[klasse]}, ${KATEGORI[kategori].toLowerCase()}. `
      + t('prisKanEndres')));
  };

  const oppdaterSoner = () => {
    const klasse = valgtOmfang();
    sone1Felt.hidden = klasse === 'WHOLE_REGION';
    sone2Felt.hidden = klasse !== 'TWO_ZONES';
    sone1Etikett.textContent = klasse === 'TWO_ZONES' ? t('forsteSone') : t('sone');
    if (klasse === 'TWO_ZONES') fyllNaboer();
    oppdaterPris();
  };

  form.addEventListener('change', (event) => {
    if (event.target === sone1) fyllNaboer();
    if (event.target.name === 'omfang' || event.target === sone1) oppdaterSoner();
    else oppdaterPris();
    lagreUtkast();
  });
  form.addEventListener('input', lagreUtkast);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fjernFeil(form);
    skjemafeil.textContent = '';
    const klasse = valgtOmfang();
    const mangler = [];
    const fornavnFeil = navnefeil(fornavn.value, t('fornavnet'));
    const etternavnFeil = navnefeil(etternavn.value, t('etternavnet'));
    if (fornavnFeil) mangler.push([fornavn, fornavnFeil]);
    if (etternavnFeil) mangler.push([etternavn, etternavnFeil]);
    if (klasse !== 'WHOLE_REGION' && !sone1.value) mangler.push([sone1, t('velgSoneFeil')]);
    if (klasse === 'TWO_ZONES' && sone1.value && !sone2.value) mangler.push([sone2, t('velgNabosone')]);
    if (ansattnummer && ansattnummer.required && !ansattnummer.value.trim()) mangler.push([ansattnummer, t('ansattnummerMangler')]);
    for (const { felt: f, input } of ekstra) {
      if (f.required && !input.value.trim()) mangler.push([input, t('ekstrafeltMangler', f.label)]);
    }
    if (mangler.length > 0) {
      mangler.forEach(([input, tekst], i) => visFeltfeil(input, tekst, i === 0));
      return;
    }
    const input = {
      language: SPRAK,
      firstName: fornavn.value.trim(),
      lastName: etternavn.value.trim(),
      category: valgtKategori(),
      wholeRegion: klasse === 'WHOLE_REGION',
      zones: klasse === 'WHOLE_REGION' ? [] : klasse === 'TWO_ZONES' ? [sone1.value, sone2.value] : [sone1.value],
      extraFields: ekstra
        .filter(({ input: i }) => i.value.trim())
        .map(({ felt: f, input: i }) => ({ label: f.label, value: i.value.trim() })),
    };
    if (ansattnummer && ansattnummer.value.trim()) input.employeeNumber = ansattnummer.value.trim();
    await opptatt(bestill, async () => {
      try {
        const data = await gql(ORDER, { input }, tilstand.sesjon);
        const ny = data.orderSubscription;
        husk(utkastnokkel, null);
        history.replaceState(null, '');
        await visAbonnement();
        melding(ny.orderStatus === 'PENDING'
          ? t('sendtTilGodkjenning')
          : t('godkjentStarter', dato(ny.validFrom || ny.startDate)), 'ok');
      } catch (error) {
        if (error instanceof GqlError && error.code === 'UNAUTHENTICATED') {
          lagreUtkast();
          await visAbonnement();
          return;
        }
        visFeil(form, error, skjemafeil);
      }
    });
  });

  vis(t('leggTil'), el('section', { class: 'kort', 'aria-labelledby': 'tittel-bestill' },
    el('h1', { id: 'tittel-bestill' }, t('leggTil')),
    form));
  oppdaterSoner();
}

// Browser Back from the order form returns to the list instead of leaving the site.
window.addEventListener('popstate', () => {
  if (tilstand.sesjon && document.getElementById('tittel-bestill')) {
    husk(utkastnokkel, null);
    melding('');
    visAbonnement();
  }
});

/** What the company pays of `pris` øre (R14): capped at the price, percentages half up. */
function arbeidsgiverbidrag(pris, bidrag) {
  if (!bidrag) return 0;
  if (bidrag.kind === 'PERCENT') return Math.min(pris, Math.floor((pris * bidrag.percent + 50) / 100));
  if (bidrag.kind === 'FIXED') return Math.min(pris, bidrag.amount);
  return 0;
}

document.addEventListener('visibilitychange', () => {
  const paaListen = document.getElementById('tittel-mine');
  if (document.visibilityState === 'visible' && tilstand.sesjon && paaListen) {
    visAbonnement({ fokus: false });
  }
});

start();
