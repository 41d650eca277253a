// Billettene til en bedrift: søk og statusfilter med «Vis flere» (Relay-sider), og én
// billetts side med soneendring, oppsigelse, angring av oppsigelse og historikk.

import { el, dato, tidspunkt, telefon, STATUS } from './common.js';
import {
  felt, velger, radioer, valgt, feilboks, vedInnsending, lokalFeil, kunngjør, soner, kategori, hendelse, norsk, iDag,
} from './portal-ui.js';
import { sonevelger } from './portal-zones.js';
import { billettnedlasting } from './portal-ticket-export.js';
import { personalia } from './portal-details.js';

const SIDE = 25;

const LISTE = `query($id: ID!, $first: Int, $after: String, $search: String, $status: TicketStatus) {
  company(id: $id) { id name tickets(first: $first, after: $after, search: $search, status: $status) {
    nodes { id firstName lastName phone employeeNumber status zones wholeRegion category startDate validFrom endDate }
    pageInfo { hasNextPage endCursor } } } }`;

const FELTER = `id companyId firstName lastName phone employeeNumber category status orderStatus orderedAt
  decidedAt startDate validFrom endDate zones wholeRegion zoneClass rejectionReason extraFields { label value }
  zoneChangeRequest { zones wholeRegion from requestedAt }
  history { sequence type occurredAt actor { kind phone name email }
    change { kind date zones wholeRegion previousValidThrough category reason changeFrom
      firstName lastName employeeNumber extraFields { label value } } }`;

const EN = `query($id: ID!, $firma: ID!) { subscription(id: $id) { ${FELTER} }
  company(id: $firma) { endsOn orderForm { employeeNumber extraFields { label required } } } }`;

function statusmerke(status) {
  return el('span', { class: ['merke', status], text: STATUS[status] || status });
}

/** The ticket list of company `id`; `q` holds `sok` and `status` from the address. */
export async function billetter(app, id, q) {
  const erAktuell = app.vakt();
  const tariff = await app.tariff();
  let søk = q.get('sok') || '';
  let status = q.get('status') || '';
  const boks = feilboks();
  const skjema = el('form', { class: 'verktøy', role: 'search', 'aria-label': 'Finn billetter', novalidate: true },
    felt({ name: 'search', label: 'Søk', type: 'search', value: søk, hjelp: 'Navn, mobilnummer eller ansattnummer' }),
    velger({
      name: 'status',
      label: 'Status',
      value: status,
      valg: [['', 'Alle'], ...Object.entries(STATUS).filter(([kode]) => kode !== 'CANCELLED_BEFORE_START')],
    }),
    el('button', { type: 'submit', text: 'Søk' }));
  const antall = el('p', { role: 'status', class: 'teller' });
  const kropp = el('tbody');
  const tabell = el('div', { class: 'tabell-ramme' },
    el('table', { class: 'stables' },
      el('caption', { class: 'skjult', text: 'Billetter' }),
      el('thead', {}, el('tr', {}, ['Navn', 'Mobil', 'Soner', 'Reisende', 'Status', 'Fra', 'Til']
        .map((k) => el('th', { scope: 'col', text: k })))),
      kropp));
  const flere = el('button', { type: 'button', class: 'sekundær', text: 'Vis flere' });
  let etter = null;
  let vist = 0;
  let navn = '';

  function rad(t) {
    return el('tr', {},
      el('td', { 'data-etikett': 'Navn' }, el('a', { href: `#/firma/${id}/billett/${t.id}`, text: `${t.firstName} ${t.lastName}` })),
      el('td', { 'data-etikett': 'Mobil', text: telefon(t.phone) }),
      el('td', { 'data-etikett': 'Soner', text: soner(tariff, t) }),
      el('td', { 'data-etikett': 'Reisende', text: kategori(t.category) }),
      el('td', { 'data-etikett': 'Status' }, statusmerke(t.status)),
      el('td', { 'data-etikett': 'Fra', text: dato(t.validFrom || t.startDate) }),
      el('td', { 'data-etikett': 'Til', text: t.endDate ? dato(t.endDate) : '–' }));
  }

  async function hent(nyttSøk) {
    const d = await app.gql(LISTE, {
      id, first: SIDE, after: nyttSøk ? null : etter, search: søk || null, status: status || null,
    });
    if (!erAktuell()) return;
    navn = d.company.name;
    const side = d.company.tickets;
    if (nyttSøk) {
      kropp.replaceChildren();
      vist = 0;
    }
    const førsteNye = side.nodes.length ? rad(side.nodes[0]) : null;
    if (førsteNye) kropp.append(førsteNye, ...side.nodes.slice(1).map(rad));
    vist += side.nodes.length;
    etter = side.pageInfo.endCursor;
    flere.hidden = !side.pageInfo.hasNextPage;
    tabell.hidden = vist === 0;
    const filter = søk || status ? ' som passer søket' : '';
    antall.textContent = vist === 0
      ? `Ingen billetter${filter}.`
      : `Viser ${vist} billett${vist === 1 ? '' : 'er'}${filter}${side.pageInfo.hasNextPage ? ', flere finnes' : ''}.`;
    if (!nyttSøk && førsteNye) førsteNye.querySelector('a').focus();
  }

  vedInnsending(skjema, boks, async (f) => {
    søk = f.elements.search.value.trim();
    status = f.elements.status.value;
    if (søk.length > 100) throw lokalFeil('search', 'Søk med høyst 100 tegn.');
    const p = new URLSearchParams();
    if (søk) p.set('sok', søk);
    if (status) p.set('status', status);
    const rest = p.toString();
    history.replaceState(null, '', `/portal#/firma/${id}/billetter${rest ? `?${rest}` : ''}`);
    await hent(true);
  });
  flere.addEventListener('click', async () => {
    flere.disabled = true;
    try {
      await hent(false);
    } catch (error) {
      boks.textContent = norsk(error);
    } finally {
      flere.disabled = false;
    }
  });

  await hent(true);
  if (!erAktuell()) return;
  app.vis(`Billetter – ${navn}`, skjema, boks, antall, tabell, el('div', { class: 'knapper' }, flere),
    billettnedlasting(app, id, () => ({ søk, status })));
}

/** What a refused ticket action means, in Norwegian. */
function tilstandsfeil(error, tekst) {
  if (error.code === 'INVALID_STATE') return lokalFeil(null, tekst);
  return error;
}

/** One ticket's page; `rett` = `opplysninger` opens it at the details card (from the payroll page). */
export async function billett(app, firmaId, id, rett = null) {
  const erAktuell = app.vakt();
  const [d, tariff] = await Promise.all([app.gql(EN, { id, firma: firmaId }), app.tariff()]);
  if (!erAktuell()) return;
  const t = d.subscription;
  const navn = `${t.firstName} ${t.lastName}`;
  const last = (melding) => {
    app.kvittering = melding;
    app.fokus = true;
    return billett(app, firmaId, id, null);
  };
  const kvittering = app.kvittering;
  app.kvittering = null;

  const fakta = el('dl', { class: 'fakta' },
    el('dt', { text: 'Status' }), el('dd', {}, statusmerke(t.status)),
    el('dt', { text: 'Mobil' }), el('dd', { text: telefon(t.phone) }),
    t.employeeNumber ? [el('dt', { text: 'Ansattnr.' }), el('dd', { text: t.employeeNumber })] : null,
    el('dt', { text: 'Reisende' }), el('dd', { text: kategori(t.category) }),
    el('dt', { text: 'Soner' }), el('dd', { text: soner(tariff, t) }),
    el('dt', { text: 'Startdato' }), el('dd', { text: dato(t.startDate) }),
    t.validFrom ? [el('dt', { text: 'Gyldig fra' }), el('dd', { text: dato(t.validFrom) })] : null,
    t.endDate ? [el('dt', { text: 'Gyldig til og med' }), el('dd', { text: dato(t.endDate) })] : null,
    t.rejectionReason ? [el('dt', { text: 'Avvist fordi' }), el('dd', { text: t.rejectionReason })] : null,
    t.extraFields.map((a) => [el('dt', { text: a.label }), el('dd', { text: a.value })]),
    el('dt', { text: 'Bestilt' }), el('dd', { text: tidspunkt(t.orderedAt) }));

  const kort = [];
  const kjører = t.orderStatus === 'APPROVED' && ['UPCOMING', 'ACTIVE', 'ENDING'].includes(t.status);

  const avsluttet = Boolean(d.company.endsOn);
  if (t.orderStatus === 'PENDING' && !avsluttet) kort.push(beslutning(app, t, navn, last));
  if (t.zoneChangeRequest && !avsluttet) kort.push(soneønske(app, t, tariff, navn, last));
  if (!avsluttet) kort.push(personalia(app, t, d.company.orderForm, last));
  if (kjører && !avsluttet) kort.push(soneendring(app, t, tariff, last));
  // A ticket that already ends today cannot end any earlier.
  if (kjører && !(t.endDate && t.endDate <= iDag())) kort.push(oppsigelse(app, t, last));
  if (kjører && t.endDate && !avsluttet) kort.push(angring(app, t, last));

  const historikk = el('ol', { class: 'historikk' }, t.history.map((h) => {
    const { navn: hva, detalj, hvem, original } = hendelse(tariff, h);
    return el('li', {},
      el('strong', { text: hva }), detalj ? `: ${detalj}` : '',
      original ? [': ', el('span', { lang: 'en', text: original })] : null,
      el('br'),
      el('span', { class: 'liten dempet', text: `${tidspunkt(h.occurredAt)}${hvem ? `, av ${hvem}` : ''}` }));
  }));

  app.vis(navn,
    el('p', {}, el('a', { href: `#/firma/${firmaId}/billetter`, text: '← Alle billetter' })),
    kvittering ? el('p', { class: 'melding ok', text: kvittering }) : null,
    el('div', { class: 'to-kolonner' },
      el('div', {},
        el('section', { class: 'kort', 'aria-labelledby': 'om-billetten' }, el('h2', { id: 'om-billetten', text: 'Om billetten' }), fakta),
        kort),
      el('section', { class: 'kort', 'aria-labelledby': 'historikk' }, el('h2', { id: 'historikk', text: 'Historikk' }), historikk)));
  if (kvittering) kunngjør(kvittering);
  const kortet = rett === 'opplysninger' && document.getElementById('opplysninger');
  if (kortet && !kvittering) {
    kortet.scrollIntoView();
    // The employee number when the form has it (a selector list would match Fornavn first).
    (kortet.querySelector('input[name="employeeNumber"]') || kortet.querySelector('input')).focus();
  }
}

function seksjon(tittel, ...innhold) {
  const id = `s-${tittel.toLowerCase().replace(/[^a-zæøå]+/g, '-')}`;
  return el('section', { class: 'kort', 'aria-labelledby': id }, el('h2', { id, text: tittel }), ...innhold);
}

function beslutning(app, t, navn, last) {
  const boks = feilboks();
  const godkjenn = el('button', {
    type: 'button',
    text: 'Godkjenn',
    onclick: async () => {
      godkjenn.disabled = true;
      try {
        await app.gql('mutation($id: ID!) { approveSubscription(id: $id) { id } }', { id: t.id });
        last(`Bestillingen fra ${navn} er godkjent.`);
      } catch (error) {
        godkjenn.disabled = false;
        boks.textContent = norsk(error);
      }
    },
  });
  const form = el('form', { novalidate: true },
    felt({ name: 'reason', label: 'Begrunnelse for å avvise', type: 'textarea', hjelp: 'Den ansatte får begrunnelsen på SMS.', attrs: { maxlength: '500', rows: '3' } }),
    el('div', { class: 'knapper' }, el('button', { type: 'submit', class: 'fare', text: 'Avvis bestillingen' })));
  vedInnsending(form, boks, async (f) => {
    const reason = f.elements.reason.value.trim();
    if (!reason) throw lokalFeil('reason', 'Skriv hvorfor bestillingen avvises (1–500 tegn).');
    await app.gql('mutation($id: ID!, $reason: String!) { rejectSubscription(id: $id, reason: $reason) { id } }', { id: t.id, reason });
    last(`Bestillingen fra ${navn} er avvist.`);
  });
  return seksjon('Bestillingen venter', el('div', { class: 'knapper' }, godkjenn), form, boks);
}

/** A holder's zone change request waiting for a decision (R8). */
function soneønske(app, t, tariff, navn, last) {
  const boks = feilboks();
  const r = t.zoneChangeRequest;
  const fra = r.from === 'IMMEDIATELY' ? 'fra dagen den godkjennes' : 'fra den 1. i måneden etter at den godkjennes';
  const godkjenn = el('button', {
    type: 'button',
    text: 'Godkjenn soneendringen',
    onclick: async () => {
      godkjenn.disabled = true;
      try {
        await app.gql('mutation($id: ID!) { approveSubscription(id: $id) { id } }', { id: t.id });
        last(`Soneendringen for ${navn} er godkjent.`);
      } catch (error) {
        godkjenn.disabled = false;
        boks.textContent = norsk(error);
      }
    },
  });
  const form = el('form', { novalidate: true },
    felt({ name: 'reason', label: 'Begrunnelse for å avvise', type: 'textarea', attrs: { maxlength: '500', rows: '2' } }),
    el('div', { class: 'knapper' }, el('button', { type: 'submit', class: 'fare', text: 'Avvis soneendringen' })));
  vedInnsending(form, boks, async (f) => {
    const reason = f.elements.reason.value.trim();
    if (!reason) throw lokalFeil('reason', 'Skriv hvorfor soneendringen avvises (1–500 tegn).');
    await app.gql('mutation($id: ID!, $reason: String!) { rejectSubscription(id: $id, reason: $reason) { id } }', { id: t.id, reason });
    last(`Soneendringen for ${navn} er avvist. Sonene er som før.`);
  });
  return seksjon('Ønsker nye soner',
    el('p', { text: `${navn} ønsker ${soner(tariff, r)} ${fra}.` }),
    el('div', { class: 'knapper' }, godkjenn), form, boks);
}

function soneendring(app, t, tariff, last) {
  const boks = feilboks();
  const velger = sonevelger(tariff, { zones: t.zones, wholeRegion: t.wholeRegion }, () => t.category);
  const form = el('form', { novalidate: true },
    velger.node,
    radioer({
      name: 'from',
      legend: 'Fra når',
      value: 'NEXT_MONTH',
      valg: [
        ['NEXT_MONTH', 'Fra den 1. neste måned'],
        ['IMMEDIATELY', 'Fra i dag', 'Måneden belastes med den dyreste av de to sonevalgene.'],
      ],
    }),
    boks,
    el('div', { class: 'knapper' }, el('button', { type: 'submit', text: 'Endre soner' })));
  vedInnsending(form, boks, async (f) => {
    const { zones, wholeRegion } = velger.verdi();
    try {
      await app.gql(`mutation($id: ID!, $zones: [String!]!, $wholeRegion: Boolean!, $from: ZoneChangeFrom!) {
        changeZones(id: $id, zones: $zones, wholeRegion: $wholeRegion, from: $from) { id } }`,
      { id: t.id, zones, wholeRegion, from: valgt(f, 'from') });
    } catch (error) {
      throw tilstandsfeil(error, 'Sonene kan ikke endres: billetten slutter før endringen ville gjelde.');
    }
    last('Sonene er endret.');
  });
  return seksjon('Endre soner', form);
}

function oppsigelse(app, t, last) {
  const boks = feilboks();
  const siOpp = el('button', { type: 'submit', class: 'fare', text: 'Si opp abonnementet' });
  // A cancellation from today cannot be undone: it is asked for once more before it is sent.
  const bekreftelse = el('div', { class: 'bekreft', role: 'group', 'aria-labelledby': `bekreft-i-dag-${t.id}`, hidden: true },
    el('h4', { id: `bekreft-i-dag-${t.id}`, tabindex: '-1', text: 'Si opp abonnementet fra i dag?' }),
    el('p', { text: `${t.firstName} ${t.lastName} kan ikke reise på billetten etter i dag. `
      + 'En oppsigelse fra i dag kan ikke angres, og påbegynt måned belastes fullt.' }),
    el('div', { class: 'knapper' },
      el('button', { type: 'submit', class: 'fare', text: 'Ja, si opp fra i dag', dataset: { bekreftet: 'ja' } }),
      el('button', {
        type: 'button', class: 'sekundær', text: 'Avbryt',
        onclick: () => { bekreftelse.hidden = true; siOpp.hidden = false; siOpp.focus(); },
      })));
  const form = el('form', { novalidate: true },
    radioer({
      name: 'at',
      legend: 'Når skal billetten slutte?',
      value: t.endDate ? 'IMMEDIATELY' : 'END_OF_MONTH',
      valg: [
        ['END_OF_MONTH', 'Ved utgangen av denne måneden'],
        ['IMMEDIATELY', 'I dag', 'For eksempel når arbeidsforholdet er slutt. Kan ikke angres. Påbegynte måneder belastes fullt.'],
      ],
    }),
    boks,
    el('div', { class: 'knapper' }, siOpp),
    bekreftelse);
  form.addEventListener('change', () => { bekreftelse.hidden = true; siOpp.hidden = false; });
  vedInnsending(form, boks, async (f, event) => {
    const bekreftet = event && event.submitter && event.submitter.dataset.bekreftet === 'ja';
    if (valgt(f, 'at') === 'IMMEDIATELY' && !bekreftet) {
      siOpp.hidden = true;
      bekreftelse.hidden = false;
      bekreftelse.querySelector('h4').focus();
      return;
    }
    try {
      await app.gql('mutation($id: ID!, $at: CancelAt!) { cancelSubscription(id: $id, at: $at) { id endDate } }',
        { id: t.id, at: valgt(f, 'at') });
    } catch (error) {
      throw tilstandsfeil(error, 'Abonnementet er allerede sagt opp fra samme dag eller tidligere.');
    }
    last('Abonnementet er sagt opp.');
  });
  return seksjon('Si opp', t.endDate
    ? el('p', { text: `Abonnementet er sagt opp, og billetten gjelder til og med ${dato(t.endDate)}. Du kan avslutte det tidligere.` })
    : null, form);
}

function angring(app, t, last) {
  const boks = feilboks();
  const knapp = el('button', {
    type: 'button',
    class: 'sekundær',
    text: 'Angre oppsigelsen',
    onclick: async () => {
      knapp.disabled = true;
      try {
        await app.gql('mutation($id: ID!) { resumeSubscription(id: $id) { id } }', { id: t.id });
        last('Oppsigelsen er angret. Billetten fortsetter.');
      } catch (error) {
        knapp.disabled = false;
        boks.textContent = norsk(error);
      }
    },
  });
  return seksjon('Angre oppsigelsen',
    el('p', { text: `Billetten slutter ${dato(t.endDate)}. Angrer du, fortsetter den som før.` }),
    el('div', { class: 'knapper' }, knapp), boks);
}
