// «Nytt abonnement»: administratoren legger inn en ansatt direkte. Abonnementet er godkjent
// med en gang og starter på en dag administratoren velger, fra i dag og inntil 12 måneder
// fram (R2); forslaget er den 1. neste måned. Prisen som vises, er fra tariffen som gjelder på
// startdatoen (den som faktisk belastes), og en start etter den 1. sier at hele måneden betales.

import { el, KATEGORI, KATEGORIHJELP } from './common.js';
import { felt, velger, feilboks, vedInnsending, lokalFeil } from './portal-ui.js';
import { sonevelger } from './portal-zones.js';
import { t } from './i18n-portal.js';

const SKJEMA = `query($id: ID!) { company(id: $id) { id name orderLinkToken
  orderForm { employeeNumber extraFields { label required } } } }`;

const OPPRETT = `mutation($companyId: ID!, $phone: String!, $input: OrderInput!, $startDate: Date) {
  createSubscription(companyId: $companyId, phone: $phone, input: $input, startDate: $startDate) { id } }`;

/** The first of next month on the service's clock, from the company's public order form. */
async function førsteINesteMåned(app, token) {
  const d = await app.gql('query($token: String!) { orderForm(token: $token) { startDate } }', { token });
  return d.orderForm.startDate;
}

const TARIFF_PÅ = `query($on: Date) { tariff(on: $on) { validFrom zones { id name } neighbours
  prices { zoneClass category monthly } } }`;

/** The "Nytt abonnement" page of company `id`. */
export async function nyttAbonnement(app, id) {
  const erAktuell = app.vakt();
  const [d, tariff] = await Promise.all([app.gql(SKJEMA, { id }), app.tariff()]);
  const c = d.company;
  const startdato = await førsteINesteMåned(app, c.orderLinkToken);
  if (!erAktuell()) return;

  const kategorivalg = velger({
    name: 'category',
    label: t('reisende'),
    value: 'ADULT',
    valg: Object.entries(KATEGORI),
  });
  const kat = () => kategorivalg.querySelector('select').value;
  // Who belongs to the chosen traveller category, under the list.
  const kategorihjelp = el('p', { class: 'hjelp', id: 'kategori-hjelp', 'aria-live': 'polite', text: KATEGORIHJELP.ADULT });
  kategorivalg.append(kategorihjelp);
  kategorivalg.querySelector('select').setAttribute('aria-describedby', 'kategori-hjelp');
  // The tariff in force on the chosen start: what the first month is charged at (R12).
  let prisTariff = null;
  const soner = sonevelger(tariff, { zones: [], wholeRegion: false }, kat, () => prisTariff);
  kategorivalg.querySelector('select').addEventListener('change', () => {
    kategorihjelp.textContent = KATEGORIHJELP[kat()] || '';
    soner.oppdaterPris();
  });
  const startmerknad = el('p', { class: 'hjelp', 'aria-live': 'polite' });
  async function nyStart(dag) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(dag)) return;
    let hentet = true;
    try {
      prisTariff = (await app.gql(TARIFF_PÅ, { on: dag })).tariff;
    } catch {
      [prisTariff, hentet] = [null, false];
    }
    const etterDenFørste = !dag.endsWith('-01');
    const ingenPris = hentet ? t('nytt.ingenPris') : t('nytt.prisFeil');
    startmerknad.textContent = [
      prisTariff ? '' : ingenPris,
      etterDenFørste ? t('nytt.etterForste') : '',
    ].filter(Boolean).join(' ');
    soner.oppdaterPris();
  }
  await nyStart(startdato);
  if (!erAktuell()) return;

  const ansattnr = c.orderForm.employeeNumber;
  const ekstra = c.orderForm.extraFields.map((f, i) => felt({
    name: i === 0 ? 'extraFields' : `ekstra-${i}`,
    label: f.required ? f.label : t('valgfritt', f.label),
    required: f.required,
    attrs: { 'data-etikett': f.label, 'data-pakrevd': f.required ? 'ja' : null, maxlength: '200' },
  }));

  const boks = feilboks();
  const form = el('form', { class: 'kort', novalidate: true },
    el('fieldset', {},
      el('legend', { text: t('nytt.denAnsatte') }),
      felt({ name: 'phone', label: t('mobilnummer'), type: 'tel', autocomplete: 'off', required: true, hjelp: t('nytt.mobilHjelp') }),
      el('div', { class: 'rad' },
        felt({ name: 'firstName', label: t('fornavn'), autocomplete: 'off', required: true, hjelp: t('nytt.slikLegitimasjon') }),
        felt({ name: 'lastName', label: t('etternavn'), autocomplete: 'off', required: true, hjelp: t('nytt.slikLegitimasjon') })),
      ansattnr === 'HIDDEN' ? null : felt({
        name: 'employeeNumber',
        label: ansattnr === 'REQUIRED' ? t('ansattnummer') : t('valgfritt', t('ansattnummer')),
        required: ansattnr === 'REQUIRED',
      }),
      ekstra),
    el('fieldset', {},
      el('legend', { text: t('nytt.billetten') }),
      kategorivalg,
      felt({
        name: 'startDate',
        label: t('startdato'),
        type: 'date',
        value: startdato,
        required: true,
        hjelp: t('nytt.startHjelp'),
        attrs: { onchange: (e) => nyStart(e.target.value) },
      }),
      startmerknad),
    soner.node,
    boks,
    el('div', { class: 'knapper' }, el('button', { type: 'submit', text: t('nytt.opprett') })));

  vedInnsending(form, boks, async (f) => {
    const phone = f.elements.phone.value.trim();
    if (!phone) throw lokalFeil('phone', t('nytt.skrivMobil'));
    const firstName = f.elements.firstName.value.trim();
    if (!firstName) throw lokalFeil('firstName', t('felt.firstName'));
    const lastName = f.elements.lastName.value.trim();
    if (!lastName) throw lokalFeil('lastName', t('felt.lastName'));
    let employeeNumber = null;
    if (f.elements.employeeNumber) {
      employeeNumber = f.elements.employeeNumber.value.trim() || null;
      if (!employeeNumber && ansattnr === 'REQUIRED') throw lokalFeil('employeeNumber', t('nytt.skrivAnsattnummer'));
    }
    const extraFields = [];
    for (const input of f.querySelectorAll('[data-etikett]')) {
      const value = input.value.trim();
      if (!value && input.dataset.pakrevd) throw lokalFeil(input.name, t('ekstrafeltMangler', input.dataset.etikett));
      if (value) extraFields.push({ label: input.dataset.etikett, value });
    }
    const { zones, wholeRegion } = soner.verdi();
    const startDate = f.elements.startDate.value;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(startDate)) throw lokalFeil('startDate', t('nytt.velgStart'));
    const svar = await app.gql(OPPRETT, {
      companyId: id,
      phone,
      startDate,
      input: { firstName, lastName, employeeNumber, extraFields, category: kat(), zones, wholeRegion },
    });
    app.kvittering = t('nytt.opprettet', firstName, lastName);
    app.gå(`/firma/${id}/billett/${svar.createSubscription.id}`);
  }, (error) => {
    if (error.code === 'ALREADY_SUBSCRIBED') {
      boks.textContent = t('nytt.harAllerede');
      return true;
    }
    return false;
  });

  app.vis(t('nytt.tittel', c.name),
    el('p', { text: t('nytt.innledning') }),
    form);
}
