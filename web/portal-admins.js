// Administratorene til en bedrift: listen med siste innlogging, fjerning (aldri den siste;
// en fjernet administrator mister tilgangen med en gang) og invitasjon av en ny.

import { el, tidspunkt } from './common.js';
import { felt, feilboks, vedInnsending, lokalFeil, kunngjør, norsk } from './portal-ui.js';
import { t } from './i18n-portal.js';

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
        text: t('adm.fjern'),
        disabled: eneste,
        title: eneste ? t('adm.minstEn') : null,
        'aria-label': t('adm.fjernLabel', a.name),
        onclick: async () => {
          if (!window.confirm(t('adm.bekreft', a.name, a.email))) return;
          fjern.disabled = true;
          boks.textContent = '';
          try {
            const d = await app.gql(`mutation($id: ID!, $a: ID!) { removeAdministrator(companyId: $id, accountId: $a) { ${FELTER} } }`,
              { id: c.id, a: a.accountId });
            tegn(d.removeAdministrator.administrators);
            status.textContent = t('adm.fjernet', a.name);
            kunngjør(status.textContent);
          } catch (error) {
            fjern.disabled = false;
            boks.textContent = norsk(error);
          }
        },
      });
      const sist = a.lastLoginAt ? t('adm.sist', tidspunkt(a.lastLoginAt)) : t('adm.aldri');
      return el('li', {}, `${a.name} (${a.email}), `, el('span', { class: 'dempet', text: sist }), ' ', fjern);
    }));
  }
  tegn(c.administrators);

  const inviter = feilboks();
  const ok = el('p', { role: 'status', class: 'dempet' });
  const form = el('form', { novalidate: true },
    el('h3', { text: t('adm.inviter') }),
    el('div', { class: 'rad' },
      felt({ name: 'name', label: t('bill.navn'), autocomplete: 'off' }),
      felt({ name: 'email', label: t('auth.epost'), type: 'email', autocomplete: 'off' })),
    inviter,
    el('div', { class: 'knapper' }, el('button', { type: 'submit', text: t('adm.send') })), ok);
  vedInnsending(form, inviter, async (f) => {
    ok.textContent = '';
    const name = f.elements.name.value.trim();
    if (!name) throw lokalFeil('name', t('adm.skrivNavn'));
    const email = f.elements.email.value.trim();
    if (!email) throw lokalFeil('email', t('adm.skrivEpost'));
    const d = await app.gql(`mutation($id: ID!, $name: String!, $email: String!) {
      inviteAdministrator(companyId: $id, name: $name, email: $email) { ${FELTER} } }`, { id: c.id, name, email });
    tegn(d.inviteAdministrator.administrators);
    f.reset();
    ok.textContent = t('adm.invitert', name, email);
  });
  return seksjon(t('adm.tittel'), liste, boks, status, form);
}
