// Lønnstrekkgrunnlaget per måned: én linje per abonnement som belastes, summer, merket
// foreløpig eller endelig, og nedlasting i alle eksportformatene (CSV, Visma Lønn,
// Tripletex, Excel) fra /reports/payroll med innloggingen som bearer-token.

import { el, kroner, maaned, telefon, KATEGORI, SONEKLASSE } from './common.js';
import { tabell, lastNed, flyttMåned, sonenavn, tjenestensMåned } from './portal-ui.js';

const GRUNNLAG = `query($id: ID!, $month: Month!) { company(id: $id) { id name orgNumber payTypeCode
  payrollDeductionBasis(month: $month) { month preliminary
    totals { subscriptions price employerContribution deduction }
    lines { subscriptionId firstName lastName employeeNumber phone category zoneClass zones price employerContribution deduction } } } }`;

/** Every export the finance routes offer. */
export const FORMATER = [
  { tekst: 'CSV', ending: 'csv', format: 'generic', fil: '' },
  { tekst: 'Visma Lønn', ending: 'csv', format: 'visma', fil: '-visma' },
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

  const velger = el('form', { class: 'verktøy', 'aria-label': 'Velg måned', novalidate: true },
    el('button', { type: 'button', class: 'sekundær', text: '← Forrige måned', onclick: () => gå(flyttMåned(måned, -1)) }),
    el('div', { class: 'felt' },
      el('label', { for: 'maaned', text: 'Måned' }),
      el('input', { id: 'maaned', name: 'month', type: 'month', value: måned, required: true })),
    el('button', { type: 'submit', text: 'Vis' }),
    el('button', { type: 'button', class: 'sekundær', text: 'Neste måned →', onclick: () => gå(flyttMåned(måned, 1)) }));
  velger.addEventListener('submit', (e) => {
    e.preventDefault();
    const m = velger.elements.month.value;
    if (/^\d{4}-\d{2}$/.test(m)) gå(m);
  });

  const merke = b.preliminary
    ? el('p', { class: 'melding advarsel' }, el('strong', { text: 'Foreløpig. ' }), 'Måneden er ikke slutt, så grunnlaget kan fortsatt endre seg.')
    : el('p', { class: 'melding ok' }, el('strong', { text: 'Endelig. ' }), 'Måneden er slutt, og grunnlaget endres ikke.');

  const t = b.totals;
  const sammendrag = el('dl', { class: 'fakta' },
    el('dt', { text: 'Abonnementer' }), el('dd', { text: String(t.subscriptions) }),
    el('dt', { text: 'Sum pris' }), el('dd', { text: kroner(t.price) }),
    el('dt', { text: 'Arbeidsgiverandel' }), el('dd', { text: kroner(t.employerContribution) }),
    el('dt', { text: 'Sum lønnstrekk' }), el('dd', { text: kroner(t.deduction) }));

  const uten = b.lines.filter((l) => !l.employeeNumber);
  const sonetekst = (l) => (l.zones.length ? l.zones.map((z) => sonenavn(tariff, z)).join(' + ') : SONEKLASSE[l.zoneClass]);
  const linjer = b.lines.length === 0
    ? el('p', { text: `Ingen abonnementer belastes for ${maaned(måned)}.` })
    : tabell({
      overskrift: `Lønnstrekk for ${maaned(måned)}`,
      kolonner: [
        { navn: 'Navn' }, { navn: 'Ansattnr.' }, { navn: 'Mobil' }, { navn: 'Reisende' }, { navn: 'Soner' },
        { navn: 'Pris', tall: true }, { navn: 'Arbeidsgiverandel', tall: true }, { navn: 'Lønnstrekk', tall: true },
      ],
      rader: b.lines.map((l) => [
        el('a', { href: `#/firma/${id}/billett/${l.subscriptionId}`, text: `${l.lastName}, ${l.firstName}` }),
        // A line without an employee number blocks the Visma and Tripletex files: it links to
        // the ticket's correction card.
        l.employeeNumber || el('a', {
          href: `#/firma/${id}/billett/${l.subscriptionId}?rett=opplysninger`,
          class: 'mangler',
          text: 'Mangler – legg inn',
          // The visible text starts the accessible name (WCAG 2.5.3, label in name).
          'aria-label': `Mangler – legg inn ansattnummer for ${l.firstName} ${l.lastName}`,
        }), telefon(l.phone), KATEGORI[l.category] || l.category, sonetekst(l),
        kroner(l.price), kroner(l.employerContribution), kroner(l.deduction),
      ]),
      fot: ['Sum', '', '', '', `${t.subscriptions} abonnement${t.subscriptions === 1 ? '' : 'er'}`,
        kroner(t.price), kroner(t.employerContribution), kroner(t.deduction)],
    });

  const nedlastingsstatus = el('p', { role: 'status' });
  const knapper = FORMATER.map((f) => el('button', {
    type: 'button',
    class: 'sekundær',
    'data-format': `${f.format}.${f.ending}`,
    text: `Last ned ${f.tekst}`,
    onclick: async (e) => {
      e.target.disabled = true;
      nedlastingsstatus.className = '';
      nedlastingsstatus.textContent = `Henter ${f.tekst} …`;
      const url = `/reports/payroll/${encodeURIComponent(id)}/${måned}.${f.ending}?format=${f.format}`;
      const fil = `lonnstrekk-${c.orgNumber}-${måned}${f.fil}.${f.ending}`;
      const { feil, fil: lagret } = await lastNed(url, app.token, fil);
      e.target.disabled = false;
      if (feil) {
        nedlastingsstatus.className = 'melding feil';
        nedlastingsstatus.textContent = feil;
      } else {
        nedlastingsstatus.textContent = `${lagret} er lastet ned.`;
      }
    },
  }));

  app.vis(`Lønnstrekk ${maaned(måned)} – ${c.name}`,
    velger, merke,
    el('section', { class: 'kort', 'aria-labelledby': 'summer' }, el('h2', { id: 'summer', text: 'Summer' }), sammendrag),
    el('section', { class: 'kort', 'aria-labelledby': 'nedlasting' },
      el('h2', { id: 'nedlasting', text: 'Last ned' }),
      c.payTypeCode ? null : el('p', { class: 'hjelp' }, 'Importfilene til Visma og Tripletex trenger en lønnsart: ',
        el('a', { href: `#/firma/${id}/innstillinger`, text: 'sett den i innstillingene' }), '.'),
      uten.length === 0 ? null : el('p', { class: 'melding advarsel' },
        `Importfilene til Visma og Tripletex trenger ansattnummer på hver linje; ${uten.length} mangler. `
        + 'Følg «Mangler – legg inn» i tabellen for å legge det inn på billetten.'),
      el('div', { class: 'knapper' }, knapper), nedlastingsstatus),
    el('section', { 'aria-labelledby': 'linjer' }, el('h2', { id: 'linjer', text: 'Per abonnement' }), linjer));
}
