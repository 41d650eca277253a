// Den ansattes opplysninger på én billett (R18): for- og etternavn, ansattnummer og svarene på
// bedriftens skjema, rettet av administratoren. Kontrolleres som ved bestilling; feil vises
// ved feltet serveren navngir (`firstName`, `employeeNumber`, `extraFields[<etikett>]`).

import { el } from './common.js';
import { felt, feilboks, vedInnsending, lokalFeil } from './portal-ui.js';

/**
 * The card that corrects ticket `t`'s details against the company's order form `skjema`
 * (`{ employeeNumber, extraFields: [{ label, required }] }`); `last(melding)` reloads the page.
 */
export function personalia(app, t, skjema, last) {
  const boks = feilboks();
  const svar = Object.fromEntries(t.extraFields.map((a) => [a.label, a.value]));
  const nummerKreves = skjema.employeeNumber === 'REQUIRED';
  const form = el('form', { novalidate: true, 'aria-label': 'Rett opplysninger' },
    felt({ name: 'firstName', label: 'Fornavn', value: t.firstName, required: true, autocomplete: 'off' }),
    felt({ name: 'lastName', label: 'Etternavn', value: t.lastName, required: true, autocomplete: 'off' }),
    skjema.employeeNumber === 'HIDDEN' ? null : felt({
      name: 'employeeNumber',
      label: nummerKreves ? 'Ansattnummer' : 'Ansattnummer (valgfritt)',
      value: t.employeeNumber || '',
      required: nummerKreves,
      hjelp: 'Trengs i importfilene til Visma Lønn og Tripletex.',
      autocomplete: 'off',
    }),
    skjema.extraFields.map((f) => felt({
      name: `extraFields[${f.label}]`,
      label: f.required ? f.label : `${f.label} (valgfritt)`,
      value: svar[f.label] || '',
      required: f.required,
      autocomplete: 'off',
    })),
    boks,
    el('div', { class: 'knapper' }, el('button', { type: 'submit', text: 'Lagre opplysningene' })));
  vedInnsending(form, boks, async (f) => {
    const firstName = f.elements.firstName.value.trim();
    const lastName = f.elements.lastName.value.trim();
    if (!firstName) throw lokalFeil('firstName', 'Skriv fornavnet.');
    if (!lastName) throw lokalFeil('lastName', 'Skriv etternavnet.');
    const nummer = f.elements.employeeNumber ? f.elements.employeeNumber.value.trim() : '';
    const extraFields = skjema.extraFields.map((felt) => ({
      label: felt.label,
      value: f.elements[`extraFields[${felt.label}]`].value.trim(),
    }));
    await app.gql(`mutation($id: ID!, $input: EmployeeDetailsInput!) {
      updateEmployeeDetails(id: $id, input: $input) { id } }`,
    { id: t.id, input: { firstName, lastName, employeeNumber: nummer || null, extraFields } });
    last('Opplysningene er lagret.');
  });
  return el('section', { class: 'kort', id: 'opplysninger', 'aria-labelledby': 'rett-opplysninger' },
    el('h2', { id: 'rett-opplysninger', text: 'Rett opplysninger' }), form);
}
