// Den ansattes opplysninger på én billett (R18): for- og etternavn, ansattnummer og svarene på
// bedriftens skjema, rettet av administratoren. Kontrolleres som ved bestilling; feil vises
// ved feltet serveren navngir (`firstName`, `employeeNumber`, `extraFields[<etikett>]`).

import { el } from './common.js';
import { felt, feilboks, vedInnsending, lokalFeil } from './portal-ui.js';
import { t } from './i18n-portal.js';

/**
 * The card that corrects ticket `s`'s details against the company's order form `skjema`
 * (`{ employeeNumber, extraFields: [{ label, required }] }`); `last(melding)` reloads the page.
 */
export function personalia(app, s, skjema, last) {
  const boks = feilboks();
  const svar = Object.fromEntries(s.extraFields.map((a) => [a.label, a.value]));
  const nummerKreves = skjema.employeeNumber === 'REQUIRED';
  const form = el('form', { novalidate: true, 'aria-label': t('bill.rett') },
    felt({ name: 'firstName', label: t('fornavn'), value: s.firstName, required: true, autocomplete: 'off' }),
    felt({ name: 'lastName', label: t('etternavn'), value: s.lastName, required: true, autocomplete: 'off' }),
    skjema.employeeNumber === 'HIDDEN' ? null : felt({
      name: 'employeeNumber',
      label: nummerKreves ? t('ansattnummer') : t('valgfritt', t('ansattnummer')),
      value: s.employeeNumber || '',
      required: nummerKreves,
      hjelp: t('det.hjelp'),
      autocomplete: 'off',
    }),
    skjema.extraFields.map((f) => felt({
      name: `extraFields[${f.label}]`,
      label: f.required ? f.label : t('valgfritt', f.label),
      value: svar[f.label] || '',
      required: f.required,
      autocomplete: 'off',
    })),
    boks,
    el('div', { class: 'knapper' }, el('button', { type: 'submit', text: t('det.lagre') })));
  vedInnsending(form, boks, async (f) => {
    const firstName = f.elements.firstName.value.trim();
    const lastName = f.elements.lastName.value.trim();
    if (!firstName) throw lokalFeil('firstName', t('det.skrivFornavn'));
    if (!lastName) throw lokalFeil('lastName', t('det.skrivEtternavn'));
    const nummer = f.elements.employeeNumber ? f.elements.employeeNumber.value.trim() : '';
    const extraFields = skjema.extraFields.map((felt) => ({
      label: felt.label,
      value: f.elements[`extraFields[${felt.label}]`].value.trim(),
    }));
    await app.gql(`mutation($id: ID!, $input: EmployeeDetailsInput!) {
      updateEmployeeDetails(id: $id, input: $input) { id } }`,
    { id: s.id, input: { firstName, lastName, employeeNumber: nummer || null, extraFields } });
    last(t('det.lagret'));
  });
  return el('section', { class: 'kort', id: 'opplysninger', 'aria-labelledby': 'rett-opplysninger' },
    el('h2', { id: 'rett-opplysninger', text: t('bill.rett') }), form);
}
