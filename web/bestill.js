// Bestillingssiden for ansatte: /bestill/{token}. Innlogging med mobilnummer og SMS-kode,
// "Dine abonnement" (status, start og slutt, trekk tilbake, si opp og angre) og "Legg til"
// (bestilling med soner, reisendekategori, bedriftens egne felt, pris og trekk i lønn).

import {
  gql, GqlError, el, dato, kroner, feilmelding, visFeil, visFeltfeil, fjernFeil,
  lagreSesjon, hentSesjon, glemSesjon, STATUS, KATEGORI, SONEKLASSE,
} from './common.js';

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

const REQUEST_CODE = `mutation($t: String!, $p: String!) {
  requestVerificationCode(orderToken: $t, phone: $p)
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
const visning = document.getElementById('visning');
const status = document.getElementById('status');
const firmanavn = document.getElementById('firmanavn');
const loggUt = document.getElementById('logg-ut');

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

/** A phone number as people write it: "+4791234567" is "912 34 567". */
function visTelefonnummer(nummer) {
  const norsk = /^\+47(\d{3})(\d{2})(\d{3})$/.exec(nummer || '');
  return norsk ? `${norsk[1]} ${norsk[2]} ${norsk[3]}` : (nummer || '');
}

function sonenavn(id) {
  const sone = tilstand.tariff && tilstand.tariff.zones.find((z) => z.id === id);
  return sone ? sone.name : id;
}

function soner(a) {
  if (a.wholeRegion) return 'Hele regionen';
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
  if (tilstand.sesjon) {
    await visAbonnement({ fokus: false });
  } else {
    visTelefon();
  }
}

function visUgyldigLenke() {
  firmanavn.textContent = 'Bedriftsbillett';
  vis('Lenken virker ikke', el('section', { class: 'kort', 'aria-labelledby': 'ugyldig' },
    el('h1', { id: 'ugyldig' }, 'Denne bestillingslenken virker ikke'),
    el('p', {}, 'Lenken er byttet ut av arbeidsgiveren din, eller den er ikke skrevet helt riktig.'),
    el('p', {}, 'Be arbeidsgiveren din om den nye lenken til å bestille bedriftsbillett. '
      + 'Billetter du allerede har, gjelder som før.')));
}

function visLastefeil(error) {
  const prøv = el('button', { type: 'button', onclick: () => { melding(''); start(); } }, 'Prøv igjen');
  vis('Feil', el('section', { class: 'kort' },
    el('h1', {}, 'Siden kunne ikke lastes'),
    el('p', {}, feilmelding(error)),
    prøv));
}

// ---------------------------------------------------------------- innlogging

function visTelefon(forhandsutfylt = '') {
  const stengt = tilstand.skjema.orderingPolicy === 'CLOSED';
  const input = el('input', {
    id: 'phone', name: 'phone', type: 'tel', autocomplete: 'tel', inputmode: 'tel',
    required: true, value: forhandsutfylt,
  });
  const skjemafeil = el('p', { class: 'feltfeil', role: 'alert' });
  const knapp = el('button', { type: 'submit', class: 'bred-knapp' }, 'Send kode');
  const form = el('form', { novalidate: true },
    felt('phone', 'Mobilnummer', input, 'Norsk nummer, for eksempel 912 34 567.'),
    skjemafeil,
    knapp);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fjernFeil(form);
    skjemafeil.textContent = '';
    const telefon = input.value.trim();
    if (!telefon) {
      visFeltfeil(input, 'Skriv mobilnummeret ditt.');
      return;
    }
    await opptatt(knapp, async () => {
      try {
        await gql(REQUEST_CODE, { t: token, p: telefon });
        tilstand.telefon = telefon;
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
  vis('Logg inn', el('section', { class: 'kort', 'aria-labelledby': 'tittel-logg-inn' },
    el('h1', { id: 'tittel-logg-inn' }, 'Bestill bedriftsbillett'),
    el('p', {}, `${tilstand.skjema.companyName} gir deg månedsbillett for kollektivtransport, `
      + 'betalt med trekk i lønn.'),
    stengt ? el('p', { class: 'melding advarsel' },
      'Bedriften tar ikke imot nye bestillinger akkurat nå. Du kan likevel logge inn og se abonnementene dine.') : null,
    el('p', {}, 'Logg inn med mobilnummeret ditt. Vi sender deg en kode på SMS.'),
    form));
}

function visKode() {
  const input = el('input', {
    id: 'code', name: 'code', type: 'text', class: 'kode', autocomplete: 'one-time-code',
    inputmode: 'numeric', maxlength: '6', pattern: '[0-9]*', required: true,
  });
  const skjemafeil = el('p', { class: 'feltfeil', role: 'alert' });
  const knapp = el('button', { type: 'submit', class: 'bred-knapp' }, 'Logg inn');
  const nyKode = el('button', { type: 'button', class: 'sekundær' }, 'Send ny kode');
  const annetNummer = el('button', { type: 'button', class: 'sekundær' }, 'Bruk et annet nummer');
  const form = el('form', { novalidate: true },
    felt('code', 'Kode fra SMS', input, 'Seks siffer. Koden gjelder i 10 minutter.'),
    skjemafeil,
    knapp,
    el('div', { class: 'knapper' }, nyKode, annetNummer));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fjernFeil(form);
    skjemafeil.textContent = '';
    const kode = input.value.replace(/\s/g, '');
    if (!/^\d{6}$/.test(kode)) {
      visFeltfeil(input, 'Koden har seks siffer.');
      return;
    }
    await opptatt(knapp, async () => {
      try {
        const data = await gql(VERIFY, { t: token, p: tilstand.telefon, c: kode });
        tilstand.sesjon = data.verifyPhone.token;
        lagreSesjon(sesjonsnokkel, tilstand.sesjon);
        melding('Du er logget inn.', 'ok');
        await visAbonnement();
      } catch (error) {
        if (error instanceof GqlError && error.code === 'UNAUTHENTICATED') {
          visFeltfeil(input, 'Koden stemmer ikke, eller den er brukt opp. Prøv igjen, eller be om en ny kode.');
        } else {
          visFeil(form, error, skjemafeil);
        }
      }
    });
  });
  nyKode.addEventListener('click', () => opptatt(nyKode, async () => {
    try {
      await gql(REQUEST_CODE, { t: token, p: tilstand.telefon });
      melding(`Ny kode er sendt til ${tilstand.telefon}.`, 'ok');
      input.focus();
    } catch (error) {
      melding(feilmelding(error), 'feil');
    }
  }));
  annetNummer.addEventListener('click', () => { melding(''); visTelefon(); });
  vis('Skriv inn koden', el('section', { class: 'kort', 'aria-labelledby': 'tittel-kode' },
    el('h1', { id: 'tittel-kode' }, 'Skriv inn koden'),
    el('p', {}, 'Vi har sendt en kode på SMS til ', el('span', { class: 'nowrap' }, tilstand.telefon), '.'),
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
  melding('Du er logget ut.', 'ok');
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
      melding('Du er logget ut. Logg inn på nytt med mobilnummeret ditt.', 'advarsel');
      visTelefon();
    } else {
      visLastefeil(error);
    }
    return;
  }
  const liste = tilstand.abonnement.slice().reverse();
  const harLevende = tilstand.abonnement.some(levende);
  const stengt = tilstand.skjema.orderingPolicy === 'CLOSED';
  const oppdater = el('button', { type: 'button', class: 'sekundær' }, 'Oppdater');
  oppdater.addEventListener('click', () => opptatt(oppdater, async () => {
    await visAbonnement({ fokus: false });
    melding('Oppdatert.');
  }));
  let leggTil = null;
  if (stengt) {
    leggTil = el('p', { class: 'melding advarsel' }, 'Bedriften tar ikke imot nye bestillinger akkurat nå.');
  } else if (tilstand.abonnement.some((a) => a.orderStatus === 'PENDING')) {
    leggTil = el('p', { class: 'dempet' },
      'Bestillingen din venter på godkjenning. Du kan ha ett abonnement om gangen.');
  } else if (harLevende) {
    leggTil = el('p', { class: 'dempet' },
      'Du kan ha ett abonnement om gangen hos arbeidsgiveren din. Vil du bytte, si opp det du har først.');
  } else {
    leggTil = el('button', { type: 'button', class: 'bred-knapp', onclick: () => { melding(''); visBestilling(); } },
      'Legg til abonnement');
  }
  vis('Dine abonnement', el('div', {},
    el('div', { class: 'kort' },
      el('h1', { id: 'tittel-mine' }, 'Dine abonnement'),
      el('p', { class: 'dempet' }, 'Logget inn som ', el('span', { class: 'nowrap' }, visTelefonnummer(tilstand.telefon)), '.'),
      leggTil,
      el('div', { class: 'knapper' }, oppdater)),
    liste.length === 0
      ? el('p', { class: 'kort' }, 'Du har ingen abonnement ennå.')
      : el('ul', { class: 'ren-liste', 'aria-labelledby': 'tittel-mine' }, liste.map(abonnementskort))),
  { fokus });
}

function abonnementskort(a) {
  const tittelId = `abonnement-${a.id}`;
  const fakta = el('dl', { class: 'fakta' },
    el('dt', {}, 'Soner'), el('dd', {}, soner(a)),
    el('dt', {}, 'Reisende'), el('dd', {}, KATEGORI[a.category] || a.category || ''),
    el('dt', {}, 'Start'), el('dd', {}, dato(a.validFrom || a.startDate)),
    a.orderStatus === 'APPROVED'
      ? [el('dt', {}, 'Slutt'), el('dd', {}, a.endDate ? dato(a.endDate) : 'Løper til du sier opp')]
      : null,
    a.rejectionReason ? [el('dt', {}, 'Begrunnelse'), el('dd', {}, a.rejectionReason)] : null);
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
      onclick: () => bekreft(kort, handlinger, 'Trekke tilbake bestillingen?',
        'Arbeidsgiveren din får den ikke til godkjenning. Du kan bestille på nytt etterpå.',
        'Ja, trekk tilbake', WITHDRAW, a, 'Bestillingen er trukket tilbake.'),
    }, 'Trekk tilbake bestillingen'));
  } else if (a.orderStatus === 'APPROVED' && !a.endDate && (a.status === 'ACTIVE' || a.status === 'UPCOMING')) {
    const forStart = (a.validFrom || a.startDate) > sisteDag;
    const tekst = forStart
      ? `Abonnementet avsluttes ${dato(sisteDag)}, før det starter. Du betaler ingenting for det.`
      : `Billetten gjelder til og med ${dato(sisteDag)}. Etter det trekkes det ikke mer i lønn.`;
    handlinger.append(el('button', {
      type: 'button', class: 'sekundær',
      onclick: () => bekreft(kort, handlinger, 'Si opp abonnementet?', tekst, 'Ja, si opp',
        CANCEL, a, (ny) => `Abonnementet er sagt opp. Siste dag er ${dato(ny.endDate)}.`),
    }, 'Si opp'));
  } else if (a.orderStatus === 'APPROVED' && a.endDate && a.endDate >= sisteDag) {
    handlinger.append(el('button', {
      type: 'button', class: 'sekundær',
      onclick: (event) => utfør(event.currentTarget, RESUME, a, 'Oppsigelsen er angret. Abonnementet løper videre.'),
    }, 'Angre oppsigelse'));
  }
  return kort;
}

/** The status badge; a ticket cancelled before it started reads "Oppsagt før start" while the
 * cancellation can still be undone. */
function merke(a) {
  if (a.status === 'ENDED' && a.endDate && a.endDate >= sisteIDenneMaaned()) {
    return el('span', { class: 'merke ENDING' }, 'Oppsagt før start');
  }
  return el('span', { class: `merke ${a.status}` }, STATUS[a.status] || a.status);
}

/** Asks before `mutasjon`: a panel in the card with `tekst` and a confirm and a cancel button. */
function bekreft(kort, handlinger, sporsmal, tekst, ja, mutasjon, a, ferdig) {
  const id = `bekreft-${a.id}`;
  const jaKnapp = el('button', { type: 'button', class: 'fare' }, ja);
  const avbryt = el('button', { type: 'button', class: 'sekundær' }, 'Avbryt');
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

function visBestilling() {
  const skjema = tilstand.skjema;
  const tariff = tilstand.tariff;
  if (!tariff) {
    vis('Legg til abonnement', el('section', { class: 'kort' },
      el('h1', {}, 'Legg til abonnement'),
      el('p', { class: 'melding feil' }, 'Det finnes ingen priser for startdatoen ennå. Prøv igjen senere.')));
    return;
  }
  const sonerEtterNavn = tariff.zones.slice().sort((x, y) => x.name.localeCompare(y.name, 'nb'));
  const naboer = (id) => new Set(tariff.neighbours
    .filter((par) => par.includes(id))
    .map((par) => (par[0] === id ? par[1] : par[0])));

  const omfang = (verdi, tekst, hjelp) => {
    const id = `omfang-${verdi}`;
    return el('div', { class: 'valg' },
      el('input', { type: 'radio', name: 'omfang', id, value: verdi, checked: verdi === 'ONE_ZONE' }),
      el('label', { for: id }, tekst, hjelp ? el('span', { class: 'hjelp' }, hjelp) : null));
  };
  const sone1 = el('select', { id: 'zones', name: 'zones' },
    sonerEtterNavn.map((z) => el('option', { value: z.id }, z.name)));
  const sone2 = el('select', { id: 'sone2', name: 'sone2' });
  const sone2Felt = felt('sone2', 'Nabosone', sone2, 'Bare soner som grenser til den første.');
  const sone1Etikett = el('label', { for: 'zones' }, 'Sone');
  const sone1Felt = el('div', { class: 'felt' }, sone1Etikett, sone1);

  const kategorier = KATEGORIREKKEFOLGE.filter((k) => tariff.prices.some((p) => p.category === k));
  const kategorivalg = el('fieldset', {},
    el('legend', {}, 'Hvem reiser?'),
    kategorier.map((k, i) => el('div', { class: 'valg' },
      el('input', { type: 'radio', name: 'category', id: `kategori-${k}`, value: k, checked: i === 0 }),
      el('label', { for: `kategori-${k}` }, KATEGORI[k]))));

  const fornavn = el('input', { id: 'firstName', name: 'firstName', type: 'text', autocomplete: 'given-name', required: true });
  const etternavn = el('input', { id: 'lastName', name: 'lastName', type: 'text', autocomplete: 'family-name', required: true });
  const ansattnummer = skjema.employeeNumber === 'HIDDEN' ? null
    : el('input', { id: 'employeeNumber', name: 'employeeNumber', type: 'text', required: skjema.employeeNumber === 'REQUIRED' });
  const ekstra = skjema.extraFields.map((f, i) => ({
    felt: f,
    input: el('input', {
      id: `ekstra-${i}`, name: i === 0 ? 'extraFields' : `ekstra-${i}`, type: 'text', required: f.required,
    }),
  }));

  const prisboks = el('div', { class: 'pris', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const skjemafeil = el('p', { class: 'feltfeil', role: 'alert' });
  const bestill = el('button', { type: 'submit', class: 'bred-knapp' }, 'Bestill');
  const avbryt = el('button', { type: 'button', class: 'sekundær', onclick: () => { melding(''); visAbonnement(); } }, 'Avbryt');

  const form = el('form', { novalidate: true, 'aria-labelledby': 'tittel-bestill' },
    felt('startdato', 'Startdato', el('input', {
      id: 'startdato', type: 'text', readonly: true, value: dato(skjema.startDate),
    }), 'Abonnement som bestilles nå, starter alltid den første i neste måned.'),
    el('fieldset', {},
      el('legend', {}, 'Navn på den som reiser'),
      el('p', { class: 'hjelp', id: 'navn-hjelp' }, 'Skriv navnet nøyaktig slik det står på legitimasjonen (pass, førerkort eller bankkort med bilde). Billetten kontrolleres mot den.'),
      felt('firstName', 'Fornavn', fornavn),
      felt('lastName', 'Etternavn', etternavn)),
    el('fieldset', {},
      el('legend', {}, 'Hvor reiser du?'),
      omfang('ONE_ZONE', 'Én sone'),
      omfang('TWO_ZONES', 'To soner', 'To soner som grenser til hverandre.'),
      omfang('WHOLE_REGION', 'Hele regionen', 'Alle soner.'),
      sone1Felt,
      sone2Felt),
    kategorivalg,
    ansattnummer ? felt('employeeNumber', skjema.employeeNumber === 'REQUIRED' ? 'Ansattnummer' : 'Ansattnummer (valgfritt)', ansattnummer) : null,
    ekstra.map(({ felt: f, input }) => felt(input.id, f.required ? f.label : `${f.label} (valgfritt)`, input)),
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

  const fyllNaboer = () => {
    const gyldige = naboer(sone1.value);
    const forrige = sone2.value;
    sone2.replaceChildren(...sonerEtterNavn
      .filter((z) => gyldige.has(z.id))
      .map((z) => el('option', { value: z.id, selected: z.id === forrige }, z.name)));
  };

  const oppdaterPris = () => {
    const klasse = valgtOmfang();
    const kategori = valgtKategori();
    const pris = tariff.prices.find((p) => p.zoneClass === klasse && p.category === kategori);
    if (!pris) {
      prisboks.replaceChildren(el('p', {}, 'Velg soner og reisende for å se prisen.'));
      return;
    }
    const bidrag = arbeidsgiverbidrag(pris.monthly, skjema.employerContribution);
    const trekk = pris.monthly - bidrag;
    prisboks.replaceChildren(el('dl', { class: 'fakta' },
      el('dt', {}, 'Månedspris'), el('dd', {}, kroner(pris.monthly)),
      bidrag > 0 ? [el('dt', {}, 'Arbeidsgiveren betaler'), el('dd', {}, kroner(bidrag))] : null,
      el('div', { class: 'trekk' },
        el('dt', {}, 'Trekk i lønn per måned'), el('dd', {}, kroner(trekk)))),
    el('p', { class: 'liten dempet' }, `${SONEKLASSE[klasse]}, ${KATEGORI[kategori].toLowerCase()}. `
      + 'Prisen kan endre seg når det kommer nye priser.'));
  };

  const oppdaterSoner = () => {
    const klasse = valgtOmfang();
    sone1Felt.hidden = klasse === 'WHOLE_REGION';
    sone2Felt.hidden = klasse !== 'TWO_ZONES';
    sone1Etikett.textContent = klasse === 'TWO_ZONES' ? 'Første sone' : 'Sone';
    if (klasse === 'TWO_ZONES') fyllNaboer();
    oppdaterPris();
  };

  form.addEventListener('change', (event) => {
    if (event.target === sone1) fyllNaboer();
    if (event.target.name === 'omfang' || event.target === sone1) oppdaterSoner();
    else oppdaterPris();
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fjernFeil(form);
    skjemafeil.textContent = '';
    const klasse = valgtOmfang();
    const mangler = [];
    if (!fornavn.value.trim()) mangler.push([fornavn, 'Skriv fornavnet.']);
    if (!etternavn.value.trim()) mangler.push([etternavn, 'Skriv etternavnet.']);
    if (klasse === 'TWO_ZONES' && !sone2.value) mangler.push([sone2, 'Velg en sone som grenser til den første.']);
    if (ansattnummer && ansattnummer.required && !ansattnummer.value.trim()) mangler.push([ansattnummer, 'Skriv ansattnummeret ditt.']);
    for (const { felt: f, input } of ekstra) {
      if (f.required && !input.value.trim()) mangler.push([input, `Fyll inn ${f.label.toLowerCase()}.`]);
    }
    if (mangler.length > 0) {
      mangler.forEach(([input, tekst], i) => visFeltfeil(input, tekst, i === 0));
      return;
    }
    const input = {
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
        await visAbonnement();
        melding(ny.orderStatus === 'PENDING'
          ? 'Bestillingen er sendt til arbeidsgiveren din. Du får SMS når den er behandlet.'
          : `Abonnementet er godkjent og starter ${dato(ny.validFrom || ny.startDate)}.`, 'ok');
      } catch (error) {
        if (error instanceof GqlError && error.code === 'UNAUTHENTICATED') {
          await visAbonnement();
          return;
        }
        if (error instanceof GqlError && error.code === 'BAD_USER_INPUT' && error.field === 'extraFields' && ekstra.length > 0) {
          visFeltfeil(ekstra[0].input, feilmelding(error));
          return;
        }
        visFeil(form, error, skjemafeil);
      }
    });
  });

  vis('Legg til abonnement', el('section', { class: 'kort', 'aria-labelledby': 'tittel-bestill' },
    el('h1', { id: 'tittel-bestill' }, 'Legg til abonnement'),
    form));
  oppdaterSoner();
}

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
