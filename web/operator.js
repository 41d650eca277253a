// Operatørens sider: bedrifter (registrere med første administrator, åpne), tariff (se
// versjoner, publisere en ny) og fakturagrunnlag per måned med CSV-nedlasting.

import { el, kroner, dato, maaned, orgnr, KATEGORI, SONEKLASSE } from './common.js';
import {
  felt, feilboks, vedInnsending, lokalFeil, tabell, lastNed, flyttMåned, tjenestensMåned, norsk, nyId,
} from './portal-ui.js';
import { tilØre } from './portal-settings.js';

const BEDRIFTER = `query($first: Int, $after: String, $search: String) {
  companies(first: $first, after: $after, search: $search) {
    nodes { id name orgNumber invoiceEmail orderingPolicy registeredAt } pageInfo { hasNextPage endCursor } } }`;

const REGISTRER = `mutation($input: RegisterCompanyInput!) { registerCompany(input: $input) { id name } }`;

const ORDNING = {
  CLOSED: 'Stengt',
  APPROVAL_REQUIRED: 'Godkjenning',
  AUTOMATIC_APPROVAL: 'Automatisk',
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
  const flere = el('button', { type: 'button', class: 'sekundær', text: 'Vis flere' });
  let vist = 0;

  function rad(c) {
    return el('tr', {},
      el('td', { 'data-etikett': 'Navn' }, el('a', { href: `#/firma/${c.id}/innstillinger`, text: c.name })),
      el('td', { 'data-etikett': 'Org.nr.', text: orgnr(c.orgNumber) }),
      el('td', { 'data-etikett': 'Faktura-e-post', text: c.invoiceEmail }),
      el('td', { 'data-etikett': 'Bestilling', text: ORDNING[c.orderingPolicy] || c.orderingPolicy }),
      el('td', { 'data-etikett': 'Registrert', text: dato(c.registeredAt) }));
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
    antall.textContent = vist === 0 ? 'Ingen bedrifter funnet.' : `Viser ${vist} bedrift${vist === 1 ? '' : 'er'}.`;
    if (!nytt && rader[0]) rader[0].querySelector('a').focus();
  }

  const søkeboks = feilboks();
  const søkeskjema = el('form', { class: 'verktøy', role: 'search', 'aria-label': 'Finn bedrifter', novalidate: true },
    felt({ name: 'search', label: 'Søk', type: 'search', value: søk, hjelp: 'Navn eller organisasjonsnummer' }),
    el('button', { type: 'submit', text: 'Søk' }));
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
      felt({ name: 'name', label: 'Bedriftens navn', autocomplete: 'organization', required: true }),
      felt({ name: 'orgNumber', label: 'Organisasjonsnummer', hjelp: '9 siffer', attrs: { inputmode: 'numeric', maxlength: '20' }, required: true })),
    felt({ name: 'invoiceEmail', label: 'E-post for faktura', type: 'email', required: true }),
    el('fieldset', {},
      el('legend', { text: 'Kontaktperson (første administrator)' }),
      el('p', { class: 'hjelp', text: 'Får en invitasjon på e-post med en lenke for å velge passord. Lenken virker i 7 dager.' }),
      el('div', { class: 'rad' },
        felt({ name: 'contactName', label: 'Navn', required: true }),
        felt({ name: 'contactEmail', label: 'E-post', type: 'email', required: true }))),
    boks,
    el('div', { class: 'knapper' }, el('button', { type: 'submit', text: 'Registrer bedriften' })));
  vedInnsending(registrer, boks, async (f) => {
    const verdi = (n) => f.elements[n].value.trim();
    const input = {
      name: verdi('name'),
      orgNumber: verdi('orgNumber').replace(/\s/g, ''),
      invoiceEmail: verdi('invoiceEmail'),
      contactName: verdi('contactName'),
      contactEmail: verdi('contactEmail'),
    };
    if (!input.name) throw lokalFeil('name', 'Skriv bedriftens navn.');
    if (!/^\d{9}$/.test(input.orgNumber)) throw lokalFeil('orgNumber', 'Organisasjonsnummeret har 9 siffer.');
    if (!input.invoiceEmail) throw lokalFeil('invoiceEmail', 'Skriv e-postadressen fakturaene skal til.');
    if (!input.contactName) throw lokalFeil('contactName', 'Skriv kontaktpersonens navn.');
    if (!input.contactEmail) throw lokalFeil('contactEmail', 'Skriv kontaktpersonens e-post.');
    const d = await app.gql(REGISTRER, { input });
    const c = d.registerCompany;
    f.reset();
    kvittering.replaceChildren(el('p', { class: 'melding ok' },
      `${c.name} er registrert, og ${input.contactName} er invitert som administrator. `,
      el('a', { href: `#/firma/${c.id}/innstillinger`, text: `Åpne ${c.name}` })));
    await hent(true);
  }, (error) => {
    if (error.code === 'CONFLICT') {
      boks.textContent = 'En bedrift med dette organisasjonsnummeret er allerede registrert.';
      return true;
    }
    return false;
  });

  await hent(true);
  if (!erAktuell()) return;
  app.vis('Bedrifter',
    søkeskjema, søkeboks, antall,
    el('div', { class: 'tabell-ramme' },
      el('table', { class: 'stables' },
        el('caption', { class: 'skjult', text: 'Bedrifter' }),
        el('thead', {}, el('tr', {}, ['Navn', 'Org.nr.', 'Faktura-e-post', 'Bestilling', 'Registrert']
          .map((k) => el('th', { scope: 'col', text: k })))),
        kropp)),
    el('div', { class: 'knapper' }, flere),
    seksjon('Registrer en bedrift', kvittering, registrer));
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
  const liste = [{ validFrom: idag.validFrom, rolle: idag.example ? 'Gjeldende (eksempelpriser)' : 'Gjeldende' }];
  let forrige = idag.validFrom;
  for (let i = 0; i < 24; i += 1) {
    const dagFør = new Date(`${forrige}T12:00:00Z`);
    dagFør.setUTCDate(dagFør.getUTCDate() - 1);
    const p = await app.gql('query($on: Date!) { tariff(on: $on) { validFrom } }', { on: dagFør.toISOString().slice(0, 10) });
    if (!p.tariff) break;
    forrige = p.tariff.validFrom;
    liste.push({ validFrom: forrige, rolle: 'Tidligere' });
  }
  const datoer = månedsstarter(idag.validFrom, 36);
  // Probed 12 months per request: the API allows at most 30 aliased fields in one.
  const svar = [];
  for (let i = 0; i < datoer.length; i += 12) {
    const bit = datoer.slice(i, i + 12);
    svar.push(app.gql(`query { ${bit.map((x, j) => `m${j}: tariff(on: "${x}") { validFrom }`).join(' ')} }`));
  }
  const f = (await Promise.all(svar)).flatMap((d) => Object.values(d));
  const kommende = new Set(f.filter((t) => t && t.validFrom > idag.validFrom).map((t) => t.validFrom));
  [...kommende].sort().forEach((v) => liste.unshift({ validFrom: v, rolle: 'Kommende' }));
  return { idag, liste };
}

function pristabell(t, overskrift) {
  return tabell({
    overskrift,
    kolonner: [{ navn: 'Soneklasse' }, ...KATEGORIER.map((k) => ({ navn: KATEGORI[k], tall: true }))],
    rader: KLASSER.map((k) => [SONEKLASSE[k], ...KATEGORIER.map((kat) => {
      const p = t.prices.find((x) => x.zoneClass === k && x.category === kat);
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
    const t = d.tariff;
    const navn = new Map(t.zones.map((z) => [z.id, z.name]));
    visning.replaceChildren(
      el('h3', { text: `Priser fra ${dato(t.validFrom)}` }),
      t.example ? el('p', { class: 'melding advarsel', text: 'Dette er eksempeltariffen som følger med en ny installasjon: '
        + 'sonene er Agders kommuner og prisene er eksempler. Publiser operatørens egne priser før bedriftene tar tjenesten i bruk.' }) : null,
      pristabell(t, `Månedspriser fra ${dato(t.validFrom)}`),
      el('h4', { text: `Soner (${t.zones.length})` }),
      el('ul', { class: 'soneliste' }, t.zones.slice().sort((a, b) => a.name.localeCompare(b.name, 'nb'))
        .map((z) => el('li', { text: z.name }))),
      el('h4', { text: `Nabosoner (${t.neighbours.length} par)` }),
      el('ul', { class: 'soneliste' }, t.neighbours.map(([a, b]) => el('li', { text: `${navn.get(a) || a} – ${navn.get(b) || b}` }))));
    if (knapp) visning.querySelector('h3').setAttribute('tabindex', '-1');
    if (knapp) visning.querySelector('h3').focus();
  }

  const versjonstabell = liste.length === 0
    ? el('p', { text: 'Ingen tariff er publisert ennå.' })
    : tabell({
      overskrift: 'Tariffversjoner',
      kolonner: [{ navn: 'Gyldig fra' }, { navn: 'Status' }, { navn: 'Priser' }],
      rader: liste.map((v) => [dato(v.validFrom), v.rolle, el('button', {
        type: 'button',
        class: 'lenke',
        text: 'Vis priser',
        'aria-label': `Vis priser fra ${dato(v.validFrom)}`,
        onclick: (e) => vis(v.validFrom, e.target),
      })]),
    });

  const boks = feilboks();
  const kvittering = el('div', { role: 'status' });
  const rutenett = el('table', { class: 'prisrutenett' },
    el('caption', { class: 'skjult', text: 'Nye månedspriser i kroner' }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Soneklasse' }), KATEGORIER.map((k) => el('th', { scope: 'col', text: KATEGORI[k] })))),
    el('tbody', {}, KLASSER.map((k, r) => el('tr', {},
      el('th', { scope: 'row', text: SONEKLASSE[k] }),
      KATEGORIER.map((kat, c) => {
        const p = idag && idag.prices.find((x) => x.zoneClass === k && x.category === kat);
        return el('td', {}, el('input', {
          type: 'text',
          inputmode: 'decimal',
          name: r === 0 && c === 0 ? 'prices' : `pris-${k}-${kat}`,
          'aria-label': `${SONEKLASSE[k]}, ${KATEGORI[kat]} (kr)`,
          value: p ? (p.monthly / 100).toFixed(2).replace('.', ',') : '',
          dataset: { klasse: k, kategori: kat },
        }));
      })))));
  const publiser = el('form', { novalidate: true },
    felt({ name: 'validFrom', label: 'Gyldig fra', type: 'date', required: true, hjelp: 'Den 1. i en måned etter i dag. Versjoner endres aldri, de erstattes.' }),
    el('fieldset', {},
      el('legend', { text: 'Månedspriser (kr)' }),
      el('p', { class: 'hjelp', text: 'Forhåndsutfylt med gjeldende priser. Sonene og nabosonene kopieres fra gjeldende versjon.' }),
      el('div', { class: 'tabell-ramme' }, rutenett)),
    boks,
    el('div', { class: 'knapper' }, el('button', { type: 'submit', text: 'Publiser tariffen' })));
  vedInnsending(publiser, boks, async (f) => {
    const validFrom = f.elements.validFrom.value;
    if (!/^\d{4}-\d{2}-01$/.test(validFrom)) throw lokalFeil('validFrom', 'Velg den 1. i en måned etter i dag.');
    const prices = [];
    for (const input of rutenett.querySelectorAll('input')) {
      const monthly = tilØre(input.value);
      if (monthly === null) throw lokalFeil(input.name, `Skriv prisen for ${input.getAttribute('aria-label').replace(' (kr)', '')} i kroner, for eksempel 749,50.`);
      prices.push({ zoneClass: input.dataset.klasse, category: input.dataset.kategori, monthly });
    }
    const d = await app.gql('mutation($input: PublishTariffInput!) { publishTariff(input: $input) { validFrom } }',
      { input: { validFrom, prices } });
    app.glemTariff();
    app.kvittering = `Tariffen fra ${dato(d.publishTariff.validFrom)} er publisert.`;
    app.fokus = true;
    // The page shows the version just published, not the one in force today.
    app.visTariff = d.publishTariff.validFrom;
    await tariff(app);
  }, (error) => {
    if (error.code === 'CONFLICT') {
      boks.textContent = 'Det finnes allerede en tariffversjon fra denne datoen. Versjoner kan ikke endres; velg en annen dato.';
      return true;
    }
    return false;
  });

  const melding = app.kvittering;
  app.kvittering = null;
  app.vis('Tariff',
    melding ? el('p', { class: 'melding ok', role: 'status', text: melding }) : null,
    seksjon('Versjoner', versjonstabell, visning),
    seksjon('Publiser en ny versjon', kvittering, publiser));
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
  const velger = el('form', { class: 'verktøy', 'aria-label': 'Velg måned', novalidate: true },
    el('button', { type: 'button', class: 'sekundær', text: '← Forrige måned', onclick: () => gå(flyttMåned(måned, -1)) }),
    el('div', { class: 'felt' },
      el('label', { for: 'maaned', text: 'Måned' }),
      el('input', { id: 'maaned', name: 'month', type: 'month', value: måned })),
    el('button', { type: 'submit', text: 'Vis' }),
    el('button', { type: 'button', class: 'sekundær', text: 'Neste måned →', onclick: () => gå(flyttMåned(måned, 1)) }));
  velger.addEventListener('submit', (e) => {
    e.preventDefault();
    if (/^\d{4}-\d{2}$/.test(velger.elements.month.value)) gå(velger.elements.month.value);
  });
  const t = b.totals;
  const status = el('p', { role: 'status' });
  const last = el('button', {
    type: 'button',
    class: 'sekundær',
    text: 'Last ned CSV',
    onclick: async () => {
      last.disabled = true;
      const fil = `fakturagrunnlag-${måned}.csv`;
      const { feil, fil: lagret } = await lastNed(`/reports/invoice/${måned}.csv`, app.token, fil);
      last.disabled = false;
      status.className = feil ? 'melding feil' : '';
      status.textContent = feil || `${lagret} er lastet ned.`;
    },
  });
  app.vis(`Fakturagrunnlag ${maaned(måned)}`,
    velger,
    b.preliminary
      ? el('p', { class: 'melding advarsel' }, el('strong', { text: 'Foreløpig. ' }), 'Måneden er ikke slutt, så grunnlaget kan fortsatt endre seg.')
      : el('p', { class: 'melding ok' }, el('strong', { text: 'Endelig. ' }), 'Måneden er slutt, og grunnlaget endres ikke.'),
    el('div', { class: 'knapper' }, last), status,
    b.lines.length === 0
      ? el('p', { text: `Ingen bedrifter belastes for ${maaned(måned)}.` })
      : tabell({
        overskrift: `Fakturagrunnlag for ${maaned(måned)}`,
        kolonner: [
          { navn: 'Bedrift' }, { navn: 'Org.nr.' }, { navn: 'Faktura-e-post' }, { navn: 'Abonnementer', tall: true },
          { navn: 'Pris', tall: true }, { navn: 'Arbeidsgiverandel', tall: true }, { navn: 'Lønnstrekk', tall: true },
        ],
        rader: b.lines.map((l) => [
          el('a', { href: `#/firma/${l.companyId}/lonnstrekk/${måned}`, text: l.name }), orgnr(l.orgNumber), l.invoiceEmail,
          String(l.totals.subscriptions), kroner(l.totals.price), kroner(l.totals.employerContribution), kroner(l.totals.deduction),
        ]),
        fot: ['Sum', '', '', String(t.subscriptions), kroner(t.price), kroner(t.employerContribution), kroner(t.deduction)],
      }),
  );
}
