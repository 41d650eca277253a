// Inngangen til portalen: logge inn, godta en invitasjon og velge passord, be om og sette
// nytt passord, og opprette den første operatøren med lenken `serve` skrev ut.

import { gql, el } from './common.js';
import { felt, feilboks, vedInnsending, lokalFeil } from './portal-ui.js';

const SESJON = 'token viewer { kind name email accountId companies { id name } }';

/** Two password inputs that must agree; the server checks the length. */
function passordfelt() {
  return [
    felt({
      name: 'password',
      label: 'Nytt passord',
      type: 'password',
      autocomplete: 'new-password',
      required: true,
      hjelp: 'Minst 10 tegn. En setning av flere ord er lett å huske og vanskelig å gjette.',
      attrs: { minlength: '10', maxlength: '200' },
    }),
    felt({ name: 'gjenta', label: 'Gjenta passordet', type: 'password', autocomplete: 'new-password', required: true }),
  ];
}

function sjekkPassord(form) {
  const passord = form.elements.password.value;
  if (passord.length < 10) throw lokalFeil('password', 'Passordet må ha minst 10 tegn.');
  if (passord !== form.elements.gjenta.value) throw lokalFeil('gjenta', 'Passordene er ikke like.');
  return passord;
}

function manglerToken(app, tittel) {
  app.vis(tittel,
    el('p', { class: 'melding feil', role: 'alert', text: 'Lenken mangler koden sin. Åpne lenken fra e-posten på nytt, eller kopier hele adressen.' }),
    el('p', {}, el('a', { href: '/portal#/logg-inn', text: 'Til innloggingen' })));
}

/** The login page. */
export function loggInn(app) {
  const boks = feilboks();
  const form = el('form', { class: 'kort smal', novalidate: true },
    felt({ name: 'email', label: 'E-post', type: 'email', autocomplete: 'username', required: true }),
    felt({ name: 'password', label: 'Passord', type: 'password', autocomplete: 'current-password', required: true }),
    boks,
    el('div', { class: 'knapper' }, el('button', { type: 'submit', text: 'Logg inn' })),
    el('p', { class: 'liten' }, el('a', { href: '#/glemt-passord', text: 'Glemt passordet?' })));
  vedInnsending(form, boks, async (f) => {
    const email = f.elements.email.value.trim();
    if (!email) throw lokalFeil('email', 'Skriv e-postadressen din.');
    if (!f.elements.password.value) throw lokalFeil('password', 'Skriv passordet ditt.');
    const d = await gql(`mutation($email: String!, $password: String!) { logIn(email: $email, password: $password) { ${SESJON} } }`,
      { email, password: f.elements.password.value });
    await app.loggetInn(d.logIn);
  }, (error) => {
    if (error.code === 'UNAUTHENTICATED') {
      boks.textContent = 'Feil e-post eller passord.';
      form.elements.password.focus();
      return true;
    }
    return false;
  });
  const melding = app.melding;
  app.melding = null;
  app.vis('Logg inn',
    melding ? el('p', { class: 'melding', role: 'status', text: melding }) : null,
    el('p', { text: 'For administratorer i bedrifter og for operatøren.' }),
    form);
}

/** Asks for a password reset link by e-mail. */
export function glemtPassord(app) {
  const boks = feilboks();
  const kvittering = el('div', { role: 'status' });
  const form = el('form', { class: 'kort smal', novalidate: true },
    felt({ name: 'email', label: 'E-post', type: 'email', autocomplete: 'username', required: true }),
    boks,
    el('div', { class: 'knapper' }, el('button', { type: 'submit', text: 'Send lenke' })));
  vedInnsending(form, boks, async (f) => {
    const email = f.elements.email.value.trim();
    if (!email) throw lokalFeil('email', 'Skriv e-postadressen du logger inn med.');
    await gql('mutation($email: String!) { requestPasswordReset(email: $email) }', { email });
    kvittering.replaceChildren(el('p', { class: 'melding ok', text: `Hvis ${email} har en konto, får den en e-post med en lenke for å velge nytt passord. Lenken virker i én time.` }));
  });
  app.vis('Glemt passord',
    el('p', { text: 'Skriv e-postadressen du logger inn med, så sender vi en lenke for å velge nytt passord.' }),
    form, kvittering,
    el('p', {}, el('a', { href: '#/logg-inn', text: 'Tilbake til innloggingen' })));
}

/** The invitation link: choose a password and log in. */
export function godtaInvitasjon(app, token) {
  const tittel = 'Velkommen til Bedriftsportalen';
  if (!token) return manglerToken(app, tittel);
  const boks = feilboks();
  const form = el('form', { class: 'kort smal', novalidate: true },
    ...passordfelt(), boks,
    el('div', { class: 'knapper' }, el('button', { type: 'submit', text: 'Lagre passord og logg inn' })));
  vedInnsending(form, boks, async (f) => {
    const password = sjekkPassord(f);
    const d = await gql(`mutation($token: String!, $password: String!) { acceptInvitation(token: $token, password: $password) { ${SESJON} } }`,
      { token, password });
    await app.loggetInn(d.acceptInvitation);
  }, (error) => {
    if (error.code === 'BAD_USER_INPUT' && error.field === 'token') {
      boks.replaceChildren('Invitasjonen er brukt eller utløpt (den virker i 7 dager). Be administratoren eller operatøren om en ny, eller ',
        el('a', { href: '/portal#/logg-inn', text: 'logg inn' }), ' hvis du allerede har valgt passord.');
      return true;
    }
    return false;
  });
  return app.vis(tittel, el('p', { text: 'Du er invitert som administrator. Velg et passord for å logge inn.' }), form);
}

/** The reset link: choose a new password, then log in again. */
export function nyttPassord(app, token) {
  const tittel = 'Velg nytt passord';
  if (!token) return manglerToken(app, tittel);
  const boks = feilboks();
  const form = el('form', { class: 'kort smal', novalidate: true },
    ...passordfelt(), boks,
    el('div', { class: 'knapper' }, el('button', { type: 'submit', text: 'Lagre nytt passord' })));
  vedInnsending(form, boks, async (f) => {
    const password = sjekkPassord(f);
    await gql('mutation($token: String!, $password: String!) { resetPassword(token: $token, password: $password) }', { token, password });
    app.melding = 'Passordet er endret. Logg inn med det nye passordet.';
    app.gå('/logg-inn', true);
  }, (error) => {
    if (error.code === 'BAD_USER_INPUT' && error.field === 'token') {
      boks.replaceChildren('Lenken er brukt eller utløpt (den virker i én time). ',
        el('a', { href: '/portal#/glemt-passord', text: 'Be om en ny lenke' }), '.');
      return true;
    }
    return false;
  });
  return app.vis(tittel, form);
}

/** The first operator's link, printed by `serve` on an empty system. */
export function førsteOperatør(app, token) {
  const tittel = 'Opprett den første operatøren';
  if (!token) return manglerToken(app, tittel);
  const boks = feilboks();
  const form = el('form', { class: 'kort smal', novalidate: true },
    felt({ name: 'name', label: 'Navn', autocomplete: 'name', required: true }),
    felt({ name: 'email', label: 'E-post', type: 'email', autocomplete: 'username', required: true }),
    ...passordfelt(), boks,
    el('div', { class: 'knapper' }, el('button', { type: 'submit', text: 'Opprett og logg inn' })));
  vedInnsending(form, boks, async (f) => {
    const name = f.elements.name.value.trim();
    if (!name) throw lokalFeil('name', 'Skriv navnet ditt.');
    const email = f.elements.email.value.trim();
    if (!email) throw lokalFeil('email', 'Skriv e-postadressen du vil logge inn med.');
    const password = sjekkPassord(f);
    const d = await gql(`mutation($token: String!, $name: String!, $email: String!, $password: String!) {
      createFirstOperator(token: $token, name: $name, email: $email, password: $password) { ${SESJON} } }`,
    { token, name, email, password });
    await app.loggetInn(d.createFirstOperator);
  }, (error) => {
    if (error.code === 'BAD_USER_INPUT' && error.field === 'token') {
      boks.textContent = 'Lenken er brukt eller utløpt (den virker i 24 timer). Start tjenesten på nytt for å få en ny.';
      return true;
    }
    return false;
  });
  return app.vis(tittel, el('p', { text: 'Operatøren registrerer bedrifter og publiserer tariffen.' }), form);
}
