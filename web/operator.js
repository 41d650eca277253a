// Operatørens sider: bedrifter (registrere med første administrator, åpne), tariff (se
// versjoner, publisere en ny) og fakturagrunnlag per måned med CSV-nedlasting.

import { el, kroner, dato, maaned, orgnr, KATEGORI, SONEKLASSE } from './common.js';
import {
  felt, feilboks, vedInnsending, lokalFeil, tabell, lastNed, flyttMåned, tjenestensMåned, norsk, nyId,
} from './portal-ui.js';
import { tilØre } from './portal-settings.js';
import { t } from './i18n-portal.js';

const BEDRIFTER = `query($first: Int, $after: String, $search: String) {
  companies(first: $first, after: $after, search: $search) {
    nodes { id name orgNumber invoiceEmail orderingPolicy registeredAt } pageInfo { hasNextPage endCursor } } }`;

const REGISTRER = `mutation($input: RegisterCompanyInput!) { registerCompany(input: $input) { id name } }`;

const ORDNING = {
  CLOSED: t('op.stengt'),
  APPROVAL_REQUIRED: t('op.godkjenning'),
  AUTOMATIC_APPROVAL: t('op.automatisk'),
};

function seksjon(tittel, ...innhold) {
  const id = nyId('seksjon');
  return el('section', { class: 'kort', 'aria-labelledby': id }, el('h2', { id, text: tittel }), ...innhold);
}

/** Every company, with search and paging, and the form to register one. */
export async function firmaliste(app, q) {
  const erAktuell = app.vakt();
  let søk = q.get('sok') || '';
  let etter = null;
  const kropp = el('tbody');
  const antall = el('p', { role: 'status', class: 'teller' });
  const flere = el('button', { type: 'button', class: 'sekundær', text: t('bill.visFlere') });
  let vist = 0;

  function rad(c) {
    return el('tr', {},
      el('td', { 'data-etikett': t('bill.navn') }, el('a', { href: `#/firma/${c.id}/innstillinger`, text: c.name })),
      el('td', { 'data-etikett': t('op.orgnr'), text: orgnr(c.orgNumber) }),
      el('td', { 'data-etikett': t('op.fakturaEpost'), text: c.invoiceEmail }),
      el('td', { 'data-etikett': t('op.bestilling'), text: ORDNING[c.orderingPolicy] || c.orderingPolicy }),
      el('td', { 'data-etikett': t('op.registrert'), text: dato(c.registeredAt) }));
  }

  async function hent(nytt) {
    const d = await app.gql(BEDRIFTER, { first: 25, after: nytt ? null : etter, search: søk || null });
    if (!erAktuell()) return;
    const side = d.companies;
    if (nytt) {
      kropp.replaceChildren();
      vist = 0;
    }
    const rader = side.nodes.map(rad);
    kropp.append(...rader);
    vist += rader.length;
    etter = side.pageInfo.endCursor;
    flere.hidden = !side.pageInfo.hasNextPage;
    antall.textContent = vist === 0 ? t('op.ingenFunnet') : t('op.viser', vist);
    if (!nytt && rader[0]) rader[0].querySelector('a').focus();
  }

  const søkeboks = feilboks();
  const søkeskjema = el('form', { class: 'verktøy', role: 'search', 'aria-label': t('op.finn'), novalidate: true },
    felt({ name: 'search', label: t('bill.sok'), type: 'search', value: søk, hjelp: t('op.sokHjelp') }),
    el('button', { type: 'submit', text: t('bill.sok') }));
  vedInnsending(søkeskjema, søkeboks, async (f) => {
    søk = f.elements.search.value.trim();
    history.replaceState(null, '', `/portal#/operator/firma${søk ? `?sok=${encodeURIComponent(søk)}` : ''}`);
    await hent(true);
  });
  flere.addEventListener('click', async () => {
    flere.disabled = true;
    try {
      await hent(false);
    } catch (error) {
      søkeboks.textContent = norsk(error);
    } finally {
      flere.disabled = false;
    }
  });

  const boks = feilboks();
  const kvittering = el('div', { role: 'status' });
  const registrer = el('form', { novalidate: true },
    el('div', { class: 'rad' },
      felt({ name: 'name', label: t('op.bedriftensNavn'), autocomplete: 'organization', required: true }),
      felt({ name: 'orgNumber', label: t('op.organisasjonsnummer'), hjelp: t('op.niSiffer'), attrs: { inputmode: 'numeric', maxlength: '20' }, required: true })),
    felt({ name: 'invoiceEmail', label: t('op.epostFaktura'), type: 'email', required: true }),
    el('fieldset', {},
      el('legend', { text: t('op.kontaktperson') }),
      el('p', { class: 'hjelp', text: t('op.invitasjonHjelp') }),
      el('div', { class: 'rad' },
        felt({ name: 'contactName', label: t('bill.navn'), required: true }),
        felt({ name: 'contactEmail', label: t('auth.epost'), type: 'email', required: true }))),
    boks,
    el('div', { class: 'knapper' }, el('button', { type: 'submit', text: t('op.registrer') })));
  vedInnsending(registrer, boks, async (f) => {
    const verdi = (n) => f.elements[n].value.trim();
    const input = {
      name: verdi('name'),
      orgNumber: verdi('orgNumber').replace(/\s/g, ''),
      invoiceEmail: verdi('invoiceEmail'),
      contactName: verdi('contactName'),
      contactEmail: verdi('contactEmail'),
    };
    if (!input.name) throw lokalFeil('name', t('inst.skrivBedriftsnavn'));
    if (!/^\d{9}$/.test(input.orgNumber)) throw lokalFeil('orgNumber', t('op.orgnrNiSiffer'));
    if (!input.invoiceEmail) throw lokalFeil('invoiceEmail', t('op.skrivFakturaEpost'));
    if (!input.contactName) throw lokalFeil('contactName', t('op.skrivKontaktnavn'));
    if (!input.contactEmail) throw lokalFeil('contactEmail', t('op.skrivKontaktEpost'));
    const d = await app.gql(REGISTRER, { input });
    const c = d.registerCompany;
    f.reset();
    kvittering.replaceChildren(el('p', { class: 'melding ok' },
      t('op.registrertInvitert', c.name, input.contactName),
      el('a', { href: `#/firma/${c.id}/innstillinger`, text: t('op.aapne', c.name) })));
    await hent(true);
  }, (error) => {
    if (error.code === 'CONFLICT') {
      boks.textContent = t('op.finnesAllerede');
      return true;
    }
    return false;
  });

  await hent(true);
  if (!erAktuell()) return;
  app.vis(t('meny.bedrifter'),
    søkeskjema, søkeboks, antall,
    el('div', { class: 'tabell-ramme' },
      el('table', { class: 'stables' },
        el('caption', { class: 'skjult', text: t('meny.bedrifter') }),
        el('thead', {}, el('tr', {}, [t('bill.navn'), t('op.orgnr'), t('op.fakturaEpost'), t('op.bestilling'), t('op.registrert')]
          .map((k) => el('th', { scope: 'col', text: k })))),
        kropp)),
    el('div', { class: 'knapper' }, flere),
    seksjon(t('op.registrerEn'), kvittering, registrer));
}

const TARIFF = 'validFrom example zones { id name } neighbours prices { zoneClass category monthly }';
const KLASSER = Object.keys(SONEKLASSE);
const KATEGORIER = Object.keys(KATEGORI);

/** The first of each month from `fra` (a date) for `antall` months. */
function månedsstarter(fra, antall) {
  const start = fra.slice(0, 7);
  return Array.from({ length: antall }, (_, i) => `${flyttMåned(start, i + 1)}-01`);
}

/** Every tariff version: walks back from today's and probes the coming three years. */
async function versjoner(app) {
  const d = await app.gql(`query { tariff { ${TARIFF} } }`);
  const idag = d.tariff;
  if (!idag) return { idag: null, liste: [] };
  const liste = [{ validFrom: idag.validFrom, rolle: idag.example ? t('op.gjeldendeEksempel') : t('op.gjeldende') }];
  let forrige = idag.validFrom;
  for (let i = 0; i < 24; i += 1) {
    const dagFør = new Date(`${forrige}T12:00:00Z`);
    dagFør.setUTCDate(dagFør.getUTCDate() - 1);
    const p = await app.gql('query($on: Date!) { tariff(on: $on) { validFrom } }', { on: dagFør.toISOString().slice(0, 10) });
    if (!p.tariff) break;
    forrige = p.tariff.validFrom;
    liste.push({ validFrom: forrige, rolle: t('op.tidligere') });
  }
  const datoer = månedsstarter(idag.validFrom, 36);
  // Probed 12 months per request: the API allows at most 30 aliased fields in one.
  const svar = [];
  for (let i = 0; i < datoer.length; i += 12) {
    const bit = datoer.slice(i, i + 12);
    svar.push(app.gql(`query { ${bit.map((x, j) => `m${j}: tariff(on: "${x}") { validFrom }`).join(' ')} }`));
  }
  const f = (await Promise.all(svar)).flatMap((d) => Object.values(d));
  const kommende = new Set(f.filter((v) => v && v.validFrom > idag.validFrom).map((v) => v.validFrom));
  [...kommende].sort().forEach((v) => liste.unshift({ validFrom: v, rolle: t('op.kommende') }));
  return { idag, liste };
}

function pristabell(versjon, overskrift) {
  return tabell({
    overskrift,
    kolonner: [{ navn: t('op.soneklasse') }, ...KATEGORIER.map((k) => ({ navn: KATEGORI[k], tall: true }))],
    rader: KLASSER.map((k) => [SONEKLASSE[k], ...KATEGORIER.map((kat) => {
      const p = versjon.prices.find((x) => x.zoneClass === k && x.category === kat);
      return p ? kroner(p.monthly) : '–';
    })]),
  });
}

/** The tariff: its versions, the prices of one, and the form to publish a new one. */
export async function tariff(app) {
  const erAktuell = app.vakt();
  const { idag, liste } = await versjoner(app);
  if (!erAktuell()) return;
  const visning = el('div', { 'aria-live': 'polite' });

  async function vis(validFrom, knapp) {
    const d = await app.gql(`query($on: Date!) { tariff(on: $on) { ${TARIFF} } }`, { on: validFrom });
    const versjon = d.tariff;
    const navn = new Map(versjon.zones.map((z) => [z.id, z.name]));
    visning.replaceChildren(
      el('h3', { text: t('op.priserFra', dato(versjon.validFrom)) }),
      versjon.example ? el('p', { class: 'melding advarsel', text: t('op.eksempel') }) : null,
      pristabell(versjon, t('op.maanedspriserFra', dato(versjon.validFrom))),
      el('h4', { text: t('op.soner', versjon.zones.length) }),
      el('ul', { class: 'soneliste' }, versjon.zones.slice().sort((a, b) => a.name.localeCompare(b.name, 'nb'))
        .map((z) => el('li', { text: z.name }))),
      el('h4', { text: t('op.nabosoner', versjon.neighbours.length) }),
      el('ul', { class: 'soneliste' }, versjon.neighbours.map(([a, b]) => el('li', { text: `${navn.get(a) || a} – ${navn.get(b) || b}` }))));
    if (knapp) visning.querySelector('h3').setAttribute('tabindex', '-1');
    if (knapp) visning.querySelector('h3').focus();
  }

  const versjonstabell = liste.length === 0
    ? el('p', { text: t('op.ingenTariff') })
    : tabell({
      overskrift: t('op.versjoner'),
      kolonner: [{ navn: t('bill.gyldigFra') }, { navn: t('bill.status') }, { navn: t('op.priser') }],
      rader: liste.map((v) => [dato(v.validFrom), v.rolle, el('button', {
        type: 'button',
        class: 'lenke',
        text: t('op.visPriser'),
        'aria-label': t('op.visPriserFra', dato(v.validFrom)),
        onclick: (e) => vis(v.validFrom, e.target),
      })]),
    });

  const boks = feilboks();
  const kvittering = el('div', { role: 'status' });
  const rutenett = el('table', { class: 'prisrutenett' },
    el('caption', { class: 'skjult', text: t('op.nyePriser') }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('op.soneklasse') }), KATEGORIER.map((k) => el('th', { scope: 'col', text: KATEGORI[k] })))),
    el('tbody', {}, KLASSER.map((k, r) => el('tr', {},
      el('th', { scope: 'row', text: SONEKLASSE[k] }),
      KATEGORIER.map((kat, c) => {
        const p = idag && idag.prices.find((x) => x.zoneClass === k && x.category === kat);
        return el('td', {}, el('input', {
          type: 'text',
          inputmode: 'decimal',
          name: r === 0 && c === 0 ? 'prices' : `pris-${k}-${kat}`,
          'aria-label': `${SONEKLASSE[k]}, ${KATEGORI[kat]} (kr)`,
          value: p ? (p.monthly / 100).toFixed(2).replace('.', t('desimaltegn')) : '',
          dataset: { klasse: k, kategori: kat },
        }));
      })))));
  const publiser = el('form', { novalidate: true },
    felt({ name: 'validFrom', label: t('bill.gyldigFra'), type: 'date', required: true, hjelp: t('op.gyldigFraHjelp') }),
    el('fieldset', {},
      el('legend', { text: t('op.maanedspriserKr') }),
      el('p', { class: 'hjelp', text: t('op.forhandsutfylt') }),
      el('div', { class: 'tabell-ramme' }, rutenett)),
    boks,
    el('div', { class: 'knapper' }, el('button', { type: 'submit', text: t('op.publiser') })));
  vedInnsending(publiser, boks, async (f) => {
    const validFrom = f.elements.validFrom.value;
    if (!/^\d{4}-\d{2}-01$/.test(validFrom)) throw lokalFeil('validFrom', t('op.velgForste'));
    const prices = [];
    for (const input of rutenett.querySelectorAll('input')) {
      const monthly = tilØre(input.value);
      if (monthly === null) throw lokalFeil(input.name, t('op.skrivPris', input.getAttribute('aria-label').replace(' (kr)', '')));
      prices.push({ zoneClass: input.dataset.klasse, category: input.dataset.kategori, monthly });
    }
    const d = await app.gql('mutation($input: PublishTariffInput!) { publishTariff(input: $input) { validFrom } }',
      { input: { validFrom, prices } });
    app.glemTariff();
    app.kvittering = t('op.publisert', dato(d.publishTariff.validFrom));
    app.fokus = true;
    // The page shows the version just published, not the one in force today.
    app.visTariff = d.publishTariff.validFrom;
    await tariff(app);
  }, (error) => {
    if (error.code === 'CONFLICT') {
      boks.textContent = t('op.finnesFraDato');
      return true;
    }
    return false;
  });

  const melding = app.kvittering;
  app.kvittering = null;
  app.vis(t('meny.tariff'),
    melding ? el('p', { class: 'melding ok', role: 'status', text: melding }) : null,
    seksjon(t('op.versjonerOverskrift'), versjonstabell, visning),
    seksjon(t('op.publiserNy'), kvittering, publiser));
  const vist = app.visTariff || (idag && idag.validFrom);
  app.visTariff = null;
  if (vist) await vis(vist, null);
}

/** The invoice basis across every company for `month` (default: this month). */
export async function fakturagrunnlag(app, month) {
  const erAktuell = app.vakt();
  const første = month ? null : await app.gql('query { companies(first: 1) { nodes { orderLinkToken } } }');
  const måned = month || await tjenestensMåned(app, første.companies.nodes[0]?.orderLinkToken);
  const d = await app.gql(`query($month: Month!) { invoiceBasis(month: $month) { month preliminary
    totals { subscriptions price employerContribution deduction }
    lines { companyId name orgNumber invoiceEmail totals { subscriptions price employerContribution deduction } } } }`,
  { month: måned });
  if (!erAktuell()) return;
  const b = d.invoiceBasis;
  const gå = (m) => app.gå(`/operator/faktura/${m}`);
  const velger = el('form', { class: 'verktøy', 'aria-label': t('maaned.velg'), novalidate: true },
    el('button', { type: 'button', class: 'sekundær', text: t('maaned.forrige'), onclick: () => gå(flyttMåned(måned, -1)) }),
    el('div', { class: 'felt' },
      el('label', { for: 'maaned', text: t('maaned.maaned') }),
      el('input', { id: 'maaned', name: 'month', type: 'month', value: måned })),
    el('button', { type: 'submit', text: t('maaned.vis') }),
    el('button', { type: 'button', class: 'sekundær', text: t('maaned.neste'), onclick: () => gå(flyttMåned(måned, 1)) }));
  velger.addEventListener('submit', (e) => {
    e.preventDefault();
    if (/^\d{4}-\d{2}$/.test(velger.elements.month.value)) gå(velger.elements.month.value);
  });
  const sum = b.totals;
  const status = el('p', { role: 'status' });
  const last = el('button', {
    type: 'button',
    class: 'sekundær',
    text: t('op.lastNedCsv'),
    onclick: async () => {
      last.disabled = true;
      const fil = `fakturagrunnlag-${måned}.csv`;
      const { feil, fil: lagret } = await lastNed(`/reports/invoice/${måned}.csv`, app.token, fil);
      last.disabled = false;
      status.className = feil ? 'melding feil' : '';
      status.textContent = feil || t('lonn.lastetNed', lagret);
    },
  });
  app.vis(t('op.tittelFaktura', maaned(måned)),
    velger,
    b.preliminary
      ? el('p', { class: 'melding advarsel' }, el('strong', { text: t('maaned.forelopig') }), t('maaned.forelopigTekst'))
      : el('p', { class: 'melding ok' }, el('strong', { text: t('maaned.endelig') }), t('maaned.endeligTekst')),
    el('div', { class: 'knapper' }, last), status,
    b.lines.length === 0
      ? el('p', { text: t('op.ingenBelastes', maaned(måned)) })
      : tabell({
        overskrift: t('op.fakturaFor', maaned(måned)),
        kolonner: [
          { navn: t('op.bedrift') }, { navn: t('op.orgnr') }, { navn: t('op.fakturaEpost') }, { navn: t('lonn.abonnementer'), tall: true },
          { navn: t('lonn.pris'), tall: true }, { navn: t('arbeidsgiverenBetaler'), tall: true }, { navn: t('meny.lonnstrekk'), tall: true },
        ],
        rader: b.lines.map((l) => [
          el('a', { href: `#/firma/${l.companyId}/lonnstrekk/${måned}`, text: l.name }), orgnr(l.orgNumber), l.invoiceEmail,
          String(l.totals.subscriptions), kroner(l.totals.price), kroner(l.totals.employerContribution), kroner(l.totals.deduction),
        ]),
        fot: [t('lonn.sum'), '', '', String(sum.subscriptions), kroner(sum.price), kroner(sum.employerContribution), kroner(sum.deduction)],
      }),
  );
}
