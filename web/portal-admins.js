// Administratorene til en bedrift: listen med siste innlogging, fjerning (aldri den siste;
// en fjernet administrator mister tilgangen med en gang) og invitasjon av en ny.

import { el, tidspunkt } from './common.js';
import { felt, feilboks, vedInnsending, lokalFeil, kunngjør, norsk } from './portal-ui.js';

const FELTER = 'administrators { accountId name email lastLoginAt }';

/** The administrators card of company `c` (`{ id, administrators }`), in `seksjon`. */
export function administratorer(app, c, seksjon) {
  const boks = feilboks();
  const liste = el('ul', { class: 'administratorer' });
  const status = el('p', { role: 'status', class: 'dempet' });

  function tegn(administratorer) {
    const eneste = administratorer.length === 1;
    liste.replaceChildren(...administratorer.map((a) => {
      const fjern = el('button', {
        type: 'button',
        class: 'sekundær liten',
        text: 'Fjern',
        disabled: eneste,
        title: eneste ? 'Bedriften må ha minst én administrator.' : null,
        'aria-label': `Fjern ${a.name} som administrator`,
        onclick: async () => {
          if (!window.confirm(`Fjerne ${a.name} (${a.email}) som administrator? Tilgangen forsvinner med en gang.`)) return;
          fjern.disabled = true;
          boks.textContent = '';
          try {
            const d = await app.gql(`mutation($id: ID!, $a: ID!) { removeAdministrator(companyId: $id, accountId: $a) { ${FELTER} } }`,
              { id: c.id, a: a.accountId });
            tegn(d.removeAdministrator.administrators);
            status.textContent = `${a.name} er fjernet som administrator.`;
            kunngjør(status.textContent);
          } catch (error) {
            fjern.disabled = false;
            boks.textContent = norsk(error);
          }
        },
      });
      const sist = a.lastLoginAt ? `sist innlogget ${tidspunkt(a.lastLoginAt)}` : 'har ikke logget inn ennå';
      return el('li', {}, `${a.name} (${a.email}), `, el('span', { class: 'dempet', text: sist }), ' ', fjern);
    }));
  }
  tegn(c.administrators);

  const inviter = feilboks();
  const ok = el('p', { role: 'status', class: 'dempet' });
  const form = el('form', { novalidate: true },
    el('h3', { text: 'Inviter en administrator' }),
    el('div', { class: 'rad' },
      felt({ name: 'name', label: 'Navn', autocomplete: 'off' }),
      felt({ name: 'email', label: 'E-post', type: 'email', autocomplete: 'off' })),
    inviter,
    el('div', { class: 'knapper' }, el('button', { type: 'submit', text: 'Send invitasjon' })), ok);
  vedInnsending(form, inviter, async (f) => {
    ok.textContent = '';
    const name = f.elements.name.value.trim();
    if (!name) throw lokalFeil('name', 'Skriv navnet.');
    const email = f.elements.email.value.trim();
    if (!email) throw lokalFeil('email', 'Skriv e-postadressen invitasjonen skal til.');
    const d = await app.gql(`mutation($id: ID!, $name: String!, $email: String!) {
      inviteAdministrator(companyId: $id, name: $name, email: $email) { ${FELTER} } }`, { id: c.id, name, email });
    tegn(d.inviteAdministrator.administrators);
    f.reset();
    ok.textContent = `${name} er invitert. Invitasjonen er sendt til ${email}.`;
  });
  return seksjon('Administratorer', liste, boks, status, form);
}
