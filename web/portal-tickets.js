// Billettene til en bedrift: søk og statusfilter med «Vis flere» (Relay-sider), og én
// billetts side med soneendring, oppsigelse, angring av oppsigelse og historikk.

import { el, dato, tidspunkt, telefon, STATUS } from './common.js';
import {
  felt, velger, radioer, valgt, feilboks, vedInnsending, lokalFeil, kunngjør, soner, kategori, hendelse, norsk, iDag,
} from './portal-ui.js';
import { sonevelger } from './portal-zones.js';
import { billettnedlasting } from './portal-ticket-export.js';
import { personalia } from './portal-details.js';
import { t } from './i18n-portal.js';

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
  const skjema = el('form', { class: 'verktøy', role: 'search', 'aria-label': t('bill.finn'), novalidate: true },
    felt({ name: 'search', label: t('bill.sok'), type: 'search', value: søk, hjelp: t('bill.sokHjelp') }),
    velger({
      name: 'status',
      label: t('bill.status'),
      value: status,
      valg: [['', t('bill.alle')], ...Object.entries(STATUS).filter(([kode]) => kode !== 'CANCELLED_BEFORE_START')],
    }),
    el('button', { type: 'submit', text: t('bill.sok') }));
  const antall = el('p', { role: 'status', class: 'teller' });
  const kropp = el('tbody');
  const tabell = el('div', { class: 'tabell-ramme' },
    el('table', { class: 'stables' },
      el('caption', { class: 'skjult', text: t('meny.billetter') }),
      el('thead', {}, el('tr', {}, [t('bill.navn'), t('ko.mobil'), t('soner'), t('reisende'), t('bill.status'), t('bill.fra'), t('bill.til')]
        .map((k) => el('th', { scope: 'col', text: k })))),
      kropp));
  const flere = el('button', { type: 'button', class: 'sekundær', text: t('bill.visFlere') });
  let etter = null;
  let vist = 0;
  let navn = '';

  function rad(s) {
    return el('tr', {},
      el('td', { 'data-etikett': t('bill.navn') }, el('a', { href: `#/firma/${id}/billett/${s.id}`, text: `${s.firstName} ${s.lastName}` })),
      el('td', { 'data-etikett': t('ko.mobil'), text: telefon(s.phone) }),
      el('td', { 'data-etikett': t('soner'), text: soner(tariff, s) }),
      el('td', { 'data-etikett': t('reisende'), text: kategori(s.category) }),
      el('td', { 'data-etikett': t('bill.status') }, statusmerke(s.status)),
      el('td', { 'data-etikett': t('bill.fra'), text: dato(s.validFrom || s.startDate) }),
      el('td', { 'data-etikett': t('bill.til'), text: s.endDate ? dato(s.endDate) : '–' }));
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
    const passer = Boolean(søk || status);
    antall.textContent = vist === 0
      ? t('bill.ingen', passer)
      : t('bill.viser', vist, passer, side.pageInfo.hasNextPage);
    if (!nyttSøk && førsteNye) førsteNye.querySelector('a').focus();
  }

  vedInnsending(skjema, boks, async (f) => {
    søk = f.elements.search.value.trim();
    status = f.elements.status.value;
    if (søk.length > 100) throw lokalFeil('search', t('feltfeil.search'));
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
  app.vis(t('bill.tittel', navn), skjema, boks, antall, tabell, el('div', { class: 'knapper' }, flere),
    billettnedlasting(app, id, () => ({ søk, status })));
}

/** What a refused ticket action means, in the page's language. */
function tilstandsfeil(error, tekst) {
  if (error.code === 'INVALID_STATE') return lokalFeil(null, tekst);
  return error;
}

/** One ticket's page; `rett` = `opplysninger` opens it at the details card (from the payroll page). */
export async function billett(app, firmaId, id, rett = null) {
  const erAktuell = app.vakt();
  const [d, tariff] = await Promise.all([app.gql(EN, { id, firma: firmaId }), app.tariff()]);
  if (!erAktuell()) return;
  const s = d.subscription;
  const navn = `${s.firstName} ${s.lastName}`;
  const last = (melding) => {
    app.kvittering = melding;
    app.fokus = true;
    return billett(app, firmaId, id, null);
  };
  const kvittering = app.kvittering;
  app.kvittering = null;

  const fakta = el('dl', { class: 'fakta' },
    el('dt', { text: t('bill.status') }), el('dd', {}, statusmerke(s.status)),
    el('dt', { text: t('ko.mobil') }), el('dd', { text: telefon(s.phone) }),
    s.employeeNumber ? [el('dt', { text: t('ko.ansattnr') }), el('dd', { text: s.employeeNumber })] : null,
    el('dt', { text: t('reisende') }), el('dd', { text: kategori(s.category) }),
    el('dt', { text: t('soner') }), el('dd', { text: soner(tariff, s) }),
    el('dt', { text: t('startdato') }), el('dd', { text: dato(s.startDate) }),
    s.validFrom ? [el('dt', { text: t('bill.gyldigFra') }), el('dd', { text: dato(s.validFrom) })] : null,
    s.endDate ? [el('dt', { text: t('bill.gyldigTil') }), el('dd', { text: dato(s.endDate) })] : null,
    s.rejectionReason ? [el('dt', { text: t('bill.avvistFordi') }), el('dd', { text: s.rejectionReason })] : null,
    s.extraFields.map((a) => [el('dt', { text: a.label }), el('dd', { text: a.value })]),
    el('dt', { text: t('ko.bestilt') }), el('dd', { text: tidspunkt(s.orderedAt) }));

  const kort = [];
  const kjører = s.orderStatus === 'APPROVED' && ['UPCOMING', 'ACTIVE', 'ENDING'].includes(s.status);

  const avsluttet = Boolean(d.company.endsOn);
  if (s.orderStatus === 'PENDING' && !avsluttet) kort.push(beslutning(app, s, navn, last));
  if (s.zoneChangeRequest && !avsluttet) kort.push(soneønske(app, s, tariff, navn, last));
  if (!avsluttet) kort.push(personalia(app, s, d.company.orderForm, last));
  if (kjører && !avsluttet) kort.push(soneendring(app, s, tariff, last));
  // A ticket that already ends today cannot end any earlier.
  if (kjører && !(s.endDate && s.endDate <= iDag())) kort.push(oppsigelse(app, s, last));
  if (kjører && s.endDate && !avsluttet) kort.push(angring(app, s, last));

  const historikk = el('ol', { class: 'historikk' }, s.history.map((h) => {
    const { navn: hva, detalj, hvem, original } = hendelse(tariff, h);
    return el('li', {},
      el('strong', { text: hva }), detalj ? `: ${detalj}` : '',
      original ? [': ', el('span', { lang: 'en', text: original })] : null,
      el('br'),
      el('span', { class: 'liten dempet', text: hvem ? t('bill.naarAv', tidspunkt(h.occurredAt), hvem) : tidspunkt(h.occurredAt) }));
  }));

  app.vis(navn,
    el('p', {}, el('a', { href: `#/firma/${firmaId}/billetter`, text: t('bill.alleBilletter') })),
    kvittering ? el('p', { class: 'melding ok', text: kvittering }) : null,
    el('div', { class: 'to-kolonner' },
      el('div', {},
        el('section', { class: 'kort', 'aria-labelledby': 'om-billetten' }, el('h2', { id: 'om-billetten', text: t('bill.om') }), fakta),
        kort),
      el('section', { class: 'kort', 'aria-labelledby': 'historikk' }, el('h2', { id: 'historikk', text: t('bill.historikk') }), historikk)));
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

function beslutning(app, s, navn, last) {
  const boks = feilboks();
  const godkjenn = el('button', {
    type: 'button',
    text: t('ko.godkjenn'),
    onclick: async () => {
      godkjenn.disabled = true;
      try {
        await app.gql('mutation($id: ID!) { approveSubscription(id: $id) { id } }', { id: s.id });
        last(t('bill.godkjent', navn));
      } catch (error) {
        godkjenn.disabled = false;
        boks.textContent = norsk(error);
      }
    },
  });
  const form = el('form', { novalidate: true },
    felt({ name: 'reason', label: t('bill.begrunnelse'), type: 'textarea', hjelp: t('ko.begrunnelseSms'), attrs: { maxlength: '500', rows: '3' } }),
    el('div', { class: 'knapper' }, el('button', { type: 'submit', class: 'fare', text: t('ko.avvisBestillingen') })));
  vedInnsending(form, boks, async (f) => {
    const reason = f.elements.reason.value.trim();
    if (!reason) throw lokalFeil('reason', t('ko.skrivHvorfor'));
    await app.gql('mutation($id: ID!, $reason: String!) { rejectSubscription(id: $id, reason: $reason) { id } }', { id: s.id, reason });
    last(t('bill.avvist', navn));
  });
  return seksjon(t('bill.venter'), el('div', { class: 'knapper' }, godkjenn), form, boks);
}

/** A holder's zone change request waiting for a decision (R8). */
function soneønske(app, s, tariff, navn, last) {
  const boks = feilboks();
  const r = s.zoneChangeRequest;
  const fra = r.from === 'IMMEDIATELY' ? t('bill.fraDagen') : t('bill.fraForste');
  const godkjenn = el('button', {
    type: 'button',
    text: t('bill.godkjennSoner'),
    onclick: async () => {
      godkjenn.disabled = true;
      try {
        await app.gql('mutation($id: ID!) { approveSubscription(id: $id) { id } }', { id: s.id });
        last(t('bill.sonerGodkjent', navn));
      } catch (error) {
        godkjenn.disabled = false;
        boks.textContent = norsk(error);
      }
    },
  });
  const form = el('form', { novalidate: true },
    felt({ name: 'reason', label: t('bill.begrunnelse'), type: 'textarea', attrs: { maxlength: '500', rows: '2' } }),
    el('div', { class: 'knapper' }, el('button', { type: 'submit', class: 'fare', text: t('bill.avvisSoner') })));
  vedInnsending(form, boks, async (f) => {
    const reason = f.elements.reason.value.trim();
    if (!reason) throw lokalFeil('reason', t('bill.skrivHvorforSoner'));
    await app.gql('mutation($id: ID!, $reason: String!) { rejectSubscription(id: $id, reason: $reason) { id } }', { id: s.id, reason });
    last(t('bill.sonerAvvist', navn));
  });
  return seksjon(t('ko.onskerSoner'),
    el('p', { text: t('bill.onsker', navn, soner(tariff, r), fra) }),
    el('div', { class: 'knapper' }, godkjenn), form, boks);
}

function soneendring(app, s, tariff, last) {
  const boks = feilboks();
  const velger = sonevelger(tariff, { zones: s.zones, wholeRegion: s.wholeRegion }, () => s.category);
  const form = el('form', { novalidate: true },
    velger.node,
    radioer({
      name: 'from',
      legend: t('bill.fraNaar'),
      value: 'NEXT_MONTH',
      valg: [
        ['NEXT_MONTH', t('bill.nesteMaaned')],
        ['IMMEDIATELY', t('bill.fraIDag'), t('bill.dyreste')],
      ],
    }),
    boks,
    el('div', { class: 'knapper' }, el('button', { type: 'submit', text: t('bill.endreSoner') })));
  vedInnsending(form, boks, async (f) => {
    const { zones, wholeRegion } = velger.verdi();
    try {
      await app.gql(`mutation($id: ID!, $zones: [String!]!, $wholeRegion: Boolean!, $from: ZoneChangeFrom!) {
        changeZones(id: $id, zones: $zones, wholeRegion: $wholeRegion, from: $from) { id } }`,
      { id: s.id, zones, wholeRegion, from: valgt(f, 'from') });
    } catch (error) {
      throw tilstandsfeil(error, t('bill.kanIkkeEndres'));
    }
    last(t('bill.sonerEndret'));
  });
  return seksjon(t('bill.endreSoner'), form);
}

function oppsigelse(app, s, last) {
  const boks = feilboks();
  const siOpp = el('button', { type: 'submit', class: 'fare', text: t('bill.siOppAbonnementet') });
  // A cancellation from today cannot be undone: it is asked for once more before it is sent.
  const bekreftelse = el('div', { class: 'bekreft', role: 'group', 'aria-labelledby': `bekreft-i-dag-${s.id}`, hidden: true },
    el('h4', { id: `bekreft-i-dag-${s.id}`, tabindex: '-1', text: t('bill.bekreftTittel') }),
    el('p', { text: t('bill.bekreftTekst', `${s.firstName} ${s.lastName}`) }),
    el('div', { class: 'knapper' },
      el('button', { type: 'submit', class: 'fare', text: t('bill.jaIDag'), dataset: { bekreftet: 'ja' } }),
      el('button', {
        type: 'button', class: 'sekundær', text: t('avbryt'),
        onclick: () => { bekreftelse.hidden = true; siOpp.hidden = false; siOpp.focus(); },
      })));
  const form = el('form', { novalidate: true },
    radioer({
      name: 'at',
      legend: t('bill.naarSlutte'),
      value: s.endDate ? 'IMMEDIATELY' : 'END_OF_MONTH',
      valg: [
        ['END_OF_MONTH', t('bill.utgangen')],
        ['IMMEDIATELY', t('bill.iDag'), t('bill.iDagHjelp')],
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
        { id: s.id, at: valgt(f, 'at') });
    } catch (error) {
      throw tilstandsfeil(error, t('bill.alleredeSagtOpp'));
    }
    last(t('bill.sagtOpp'));
  });
  return seksjon(t('siOpp'), s.endDate
    ? el('p', { text: t('bill.sagtOppTil', dato(s.endDate)) })
    : null, form);
}

function angring(app, s, last) {
  const boks = feilboks();
  const knapp = el('button', {
    type: 'button',
    class: 'sekundær',
    text: t('angreOppsigelsen'),
    onclick: async () => {
      knapp.disabled = true;
      try {
        await app.gql('mutation($id: ID!) { resumeSubscription(id: $id) { id } }', { id: s.id });
        last(t('bill.angret'));
      } catch (error) {
        knapp.disabled = false;
        boks.textContent = norsk(error);
      }
    },
  });
  return seksjon(t('angreOppsigelsen'),
    el('p', { text: t('bill.slutter', dato(s.endDate)) }),
    el('div', { class: 'knapper' }, knapp), boks);
}
