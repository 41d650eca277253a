// Lønnstrekkgrunnlaget per måned: én linje per abonnement som belastes, summer, merket
// foreløpig eller endelig, og nedlasting i alle eksportformatene (CSV, Visma Lønn,
// Tripletex, Excel) fra /reports/payroll med innloggingen som bearer-token.

import { el, kroner, maaned, telefon, KATEGORI, SONEKLASSE } from './common.js';
import { tabell, lastNed, flyttMåned, sonenavn, tjenestensMåned } from './portal-ui.js';
import { t } from './i18n-portal.js';

const GRUNNLAG = `query($id: ID!, $month: Month!) { company(id: $id) { id name orgNumber payTypeCode
  payrollDeductionBasis(month: $month) { month preliminary
    totals { subscriptions price employerContribution deduction }
    lines { subscriptionId firstName lastName employeeNumber phone category zoneClass zones price employerContribution deduction } } } }`;

/** Every export the finance routes offer. */
export const FORMATER = [
  { tekst: 'CSV', ending: 'csv', format: 'generic', fil: '' },
  { tekst: t('lonn.visma'), ending: 'csv', format: 'visma', fil: '-visma' },
  { tekst: 'Tripletex', ending: 'csv', format: 'tripletex', fil: '-tripletex' },
  { tekst: 'Excel', ending: 'xlsx', format: 'generic', fil: '' },
];

/** The payroll deduction basis of company `id` for `month` (default: this month). */
export async function lønnstrekk(app, id, month) {
  const erAktuell = app.vakt();
  const måned = month || await tjenestensMåned(app,
    (await app.gql('query($id: ID!) { company(id: $id) { orderLinkToken } }', { id })).company.orderLinkToken);
  const [d, tariff] = await Promise.all([app.gql(GRUNNLAG, { id, month: måned }), app.tariff()]);
  if (!erAktuell()) return;
  const c = d.company;
  const b = c.payrollDeductionBasis;
  const gå = (m) => app.gå(`/firma/${id}/lonnstrekk/${m}`);

  const velger = el('form', { class: 'verktøy', 'aria-label': t('maaned.velg'), novalidate: true },
    el('button', { type: 'button', class: 'sekundær', text: t('maaned.forrige'), onclick: () => gå(flyttMåned(måned, -1)) }),
    el('div', { class: 'felt' },
      el('label', { for: 'maaned', text: t('maaned.maaned') }),
      el('input', { id: 'maaned', name: 'month', type: 'month', value: måned, required: true })),
    el('button', { type: 'submit', text: t('maaned.vis') }),
    el('button', { type: 'button', class: 'sekundær', text: t('maaned.neste'), onclick: () => gå(flyttMåned(måned, 1)) }));
  velger.addEventListener('submit', (e) => {
    e.preventDefault();
    const m = velger.elements.month.value;
    if (/^\d{4}-\d{2}$/.test(m)) gå(m);
  });

  const merke = b.preliminary
    ? el('p', { class: 'melding advarsel' }, el('strong', { text: t('maaned.forelopig') }), t('maaned.forelopigTekst'))
    : el('p', { class: 'melding ok' }, el('strong', { text: t('maaned.endelig') }), t('maaned.endeligTekst'));

  const sum = b.totals;
  const sammendrag = el('dl', { class: 'fakta' },
    el('dt', { text: t('lonn.abonnementer') }), el('dd', { text: String(sum.subscriptions) }),
    el('dt', { text: t('lonn.sumPris') }), el('dd', { text: kroner(sum.price) }),
    el('dt', { text: t('arbeidsgiverenBetaler') }), el('dd', { text: kroner(sum.employerContribution) }),
    el('dt', { text: t('lonn.sumTrekk') }), el('dd', { text: kroner(sum.deduction) }));

  const uten = b.lines.filter((l) => !l.employeeNumber);
  const sonetekst = (l) => (l.zones.length ? l.zones.map((z) => sonenavn(tariff, z)).join(' + ') : SONEKLASSE[l.zoneClass]);
  const linjer = b.lines.length === 0
    ? el('p', { text: t('lonn.ingen', maaned(måned)) })
    : tabell({
      overskrift: t('lonn.overskrift', maaned(måned)),
      kolonner: [
        { navn: t('bill.navn') }, { navn: t('ko.ansattnr') }, { navn: t('ko.mobil') }, { navn: t('reisende') }, { navn: t('soner') },
        { navn: t('lonn.pris'), tall: true }, { navn: t('arbeidsgiverenBetaler'), tall: true }, { navn: t('meny.lonnstrekk'), tall: true },
      ],
      rader: b.lines.map((l) => [
        el('a', { href: `#/firma/${id}/billett/${l.subscriptionId}`, text: `${l.lastName}, ${l.firstName}` }),
        // A line without an employee number blocks the Visma and Tripletex files: it links to
        // the ticket's correction card.
        l.employeeNumber || el('a', {
          href: `#/firma/${id}/billett/${l.subscriptionId}?rett=opplysninger`,
          class: 'mangler',
          text: t('lonn.mangler'),
          // The visible text starts the accessible name (WCAG 2.5.3, label in name).
          'aria-label': t('lonn.manglerFor', l.firstName, l.lastName),
        }), telefon(l.phone), KATEGORI[l.category] || l.category, sonetekst(l),
        kroner(l.price), kroner(l.employerContribution), kroner(l.deduction),
      ]),
      fot: [t('lonn.sum'), '', '', '', t('lonn.antall', sum.subscriptions),
        kroner(sum.price), kroner(sum.employerContribution), kroner(sum.deduction)],
    });

  const nedlastingsstatus = el('p', { role: 'status' });
  const knapper = FORMATER.map((f) => el('button', {
    type: 'button',
    class: 'sekundær',
    'data-format': `${f.format}.${f.ending}`,
    text: t('lonn.lastNed', f.tekst),
    onclick: async (e) => {
      e.target.disabled = true;
      nedlastingsstatus.className = '';
      nedlastingsstatus.textContent = t('lonn.henter', f.tekst);
      const url = `/reports/payroll/${encodeURIComponent(id)}/${måned}.${f.ending}?format=${f.format}`;
      const fil = `lonnstrekk-${c.orgNumber}-${måned}${f.fil}.${f.ending}`;
      const { feil, fil: lagret } = await lastNed(url, app.token, fil);
      e.target.disabled = false;
      if (feil) {
        nedlastingsstatus.className = 'melding feil';
        nedlastingsstatus.textContent = feil;
      } else {
        nedlastingsstatus.textContent = t('lonn.lastetNed', lagret);
      }
    },
  }));

  app.vis(t('lonn.tittel', maaned(måned), c.name),
    velger, merke,
    el('section', { class: 'kort', 'aria-labelledby': 'summer' }, el('h2', { id: 'summer', text: t('lonn.summer') }), sammendrag),
    el('section', { class: 'kort', 'aria-labelledby': 'nedlasting' },
      el('h2', { id: 'nedlasting', text: t('lonn.lastNedOverskrift') }),
      c.payTypeCode ? null : el('p', { class: 'hjelp' }, t('lonn.trengerLonnsart'),
        el('a', { href: `#/firma/${id}/innstillinger`, text: t('lonn.settDen') }), '.'),
      uten.length === 0 ? null : el('p', { class: 'melding advarsel' },
        t('lonn.trengerAnsattnr', uten.length)),
      el('div', { class: 'knapper' }, knapper), nedlastingsstatus),
    el('section', { 'aria-labelledby': 'linjer' }, el('h2', { id: 'linjer', text: t('lonn.perAbonnement') }), linjer));
}
