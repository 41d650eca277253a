// Inngangen til portalen: logge inn, godta en invitasjon og velge passord, be om og sette
// nytt passord, og opprette den første operatøren med lenken `serve` skrev ut.

import { gql, el } from './common.js';
import { felt, feilboks, vedInnsending, lokalFeil } from './portal-ui.js';
import { t } from './i18n-portal.js';

const SESJON = 'token viewer { kind name email accountId companies { id name } }';

/** Two password inputs that must agree; the server checks the length. */
function passordfelt() {
  return [
    felt({
      name: 'password',
      label: t('auth.nyttPassord'),
      type: 'password',
      autocomplete: 'new-password',
      required: true,
      hjelp: t('auth.passordHjelp'),
      attrs: { minlength: '10', maxlength: '200' },
    }),
    felt({ name: 'gjenta', label: t('auth.gjenta'), type: 'password', autocomplete: 'new-password', required: true }),
  ];
}

function sjekkPassord(form) {
  const passord = form.elements.password.value;
  if (passord.length < 10) throw lokalFeil('password', t('auth.forKort'));
  if (passord !== form.elements.gjenta.value) throw lokalFeil('gjenta', t('auth.ulike'));
  return passord;
}

function manglerToken(app, tittel) {
  app.vis(tittel,
    el('p', { class: 'melding feil', role: 'alert', text: t('auth.manglerKode') }),
    el('p', {}, el('a', { href: '/portal#/logg-inn', text: t('auth.tilInnloggingen') })));
}

/** The login page. */
export function loggInn(app) {
  const boks = feilboks();
  const form = el('form', { class: 'kort smal', novalidate: true },
    felt({ name: 'email', label: t('auth.epost'), type: 'email', autocomplete: 'username', required: true }),
    felt({ name: 'password', label: t('auth.passord'), type: 'password', autocomplete: 'current-password', required: true }),
    boks,
    el('div', { class: 'knapper' }, el('button', { type: 'submit', text: t('loggInn') })),
    el('p', { class: 'liten' }, el('a', { href: '#/glemt-passord', text: t('auth.glemt') })));
  vedInnsending(form, boks, async (f) => {
    const email = f.elements.email.value.trim();
    if (!email) throw lokalFeil('email', t('auth.skrivEpost'));
    if (!f.elements.password.value) throw lokalFeil('password', t('auth.skrivPassord'));
    const d = await gql(`mutation($email: String!, $password: String!) { logIn(email: $email, password: $password) { ${SESJON} } }`,
      { email, password: f.elements.password.value });
    await app.loggetInn(d.logIn);
  }, (error) => {
    if (error.code === 'UNAUTHENTICATED') {
      boks.textContent = t('auth.feilInnlogging');
      form.elements.password.focus();
      return true;
    }
    return false;
  });
  const melding = app.melding;
  app.melding = null;
  app.vis(t('loggInn'),
    melding ? el('p', { class: 'melding', role: 'status', text: melding }) : null,
    el('p', { text: t('auth.forHvem') }),
    form);
}

/** Asks for a password reset link by e-mail. */
export function glemtPassord(app) {
  const boks = feilboks();
  const kvittering = el('div', { role: 'status' });
  const form = el('form', { class: 'kort smal', novalidate: true },
    felt({ name: 'email', label: t('auth.epost'), type: 'email', autocomplete: 'username', required: true }),
    boks,
    el('div', { class: 'knapper' }, el('button', { type: 'submit', text: t('auth.sendLenke') })));
  vedInnsending(form, boks, async (f) => {
    const email = f.elements.email.value.trim();
    if (!email) throw lokalFeil('email', t('auth.skrivEpostInnlogging'));
    await gql('mutation($email: String!) { requestPasswordReset(email: $email) }', { email });
    kvittering.replaceChildren(el('p', { class: 'melding ok', text: t('auth.hvisKonto', email) }));
  });
  app.vis(t('auth.glemtTittel'),
    el('p', { text: t('auth.glemtTekst') }),
    form, kvittering,
    el('p', {}, el('a', { href: '#/logg-inn', text: t('auth.tilbake') })));
}

/** The invitation link: choose a password and log in. */
export function godtaInvitasjon(app, token) {
  const tittel = t('auth.velkommen');
  if (!token) return manglerToken(app, tittel);
  const boks = feilboks();
  const form = el('form', { class: 'kort smal', novalidate: true },
    ...passordfelt(), boks,
    el('div', { class: 'knapper' }, el('button', { type: 'submit', text: t('auth.lagreOgLoggInn') })));
  vedInnsending(form, boks, async (f) => {
    const password = sjekkPassord(f);
    const d = await gql(`mutation($token: String!, $password: String!) { acceptInvitation(token: $token, password: $password) { ${SESJON} } }`,
      { token, password });
    await app.loggetInn(d.acceptInvitation);
  }, (error) => {
    if (error.code === 'BAD_USER_INPUT' && error.field === 'token') {
      boks.replaceChildren(t('auth.invitasjonBrukt'),
        el('a', { href: '/portal#/logg-inn', text: t('auth.loggInnLiten') }), t('auth.hvisValgt'));
      return true;
    }
    return false;
  });
  return app.vis(tittel, el('p', { text: t('auth.invitert') }), form);
}

/** The reset link: choose a new password, then log in again. */
export function nyttPassord(app, token) {
  const tittel = t('auth.velgNytt');
  if (!token) return manglerToken(app, tittel);
  const boks = feilboks();
  const form = el('form', { class: 'kort smal', novalidate: true },
    ...passordfelt(), boks,
    el('div', { class: 'knapper' }, el('button', { type: 'submit', text: t('auth.lagreNytt') })));
  vedInnsending(form, boks, async (f) => {
    const password = sjekkPassord(f);
    await gql('mutation($token: String!, $password: String!) { resetPassword(token: $token, password: $password) }', { token, password });
    app.melding = t('auth.endret');
    app.gå('/logg-inn', true);
  }, (error) => {
    if (error.code === 'BAD_USER_INPUT' && error.field === 'token') {
      boks.replaceChildren(t('auth.lenkeBrukt'),
        el('a', { href: '/portal#/glemt-passord', text: t('auth.beOmNy') }), '.');
      return true;
    }
    return false;
  });
  return app.vis(tittel, form);
}

/** The first operator's link, printed by `serve` on an empty system. */
export function førsteOperatør(app, token) {
  const tittel = t('auth.forsteOperator');
  if (!token) return manglerToken(app, tittel);
  const boks = feilboks();
  const form = el('form', { class: 'kort smal', novalidate: true },
    felt({ name: 'name', label: t('auth.navn'), autocomplete: 'name', required: true }),
    felt({ name: 'email', label: t('auth.epost'), type: 'email', autocomplete: 'username', required: true }),
    ...passordfelt(), boks,
    el('div', { class: 'knapper' }, el('button', { type: 'submit', text: t('auth.opprett') })));
  vedInnsending(form, boks, async (f) => {
    const name = f.elements.name.value.trim();
    if (!name) throw lokalFeil('name', t('auth.skrivNavn'));
    const email = f.elements.email.value.trim();
    if (!email) throw lokalFeil('email', t('auth.skrivEpostNy'));
    const password = sjekkPassord(f);
    const d = await gql(`mutation($token: String!, $name: String!, $email: String!, $password: String!) {
      createFirstOperator(token: $token, name: $name, email: $email, password: $password) { ${SESJON} } }`,
    { token, name, email, password });
    await app.loggetInn(d.createFirstOperator);
  }, (error) => {
    if (error.code === 'BAD_USER_INPUT' && error.field === 'token') {
      boks.textContent = t('auth.operatorLenkeBrukt');
      return true;
    }
    return false;
  });
  return app.vis(tittel, el('p', { text: t('auth.operatorTekst') }), form);
}
