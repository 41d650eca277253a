// Bedriftsportalen: innlogging, ruting og sideoppsett. Sidene selv ligger i portal-*.js
// (bedriftens sider) og operator.js (operatørens sider). Rutene står i adressens #-del,
// bortsett fra lenkene tjenesten sender på e-post (/invitasjon, /nytt-passord, /logg-inn,
// /forste-operator), som leses fra stien.

import { gql, el, GqlError, lagreSesjon, hentSesjon, glemSesjon } from './common.js';
import { norsk, kunngjør } from './portal-ui.js';
import { t, sprakknapp } from './i18n-portal.js';
import * as utkast from './portal-utkast.js';
import * as inngang from './portal-auth.js';
import { kø } from './portal-queue.js';
import { billetter, billett } from './portal-tickets.js';
import { nyttAbonnement } from './portal-new.js';
import { innstillinger } from './portal-settings.js';
import { lønnstrekk } from './portal-payroll.js';
import { firmaliste, tariff, fakturagrunnlag } from './operator.js';

const NØKKEL = 'portal';

const VIEWER = `query { viewer { kind name email accountId companies { id name } } }`;

const TARIFF = `query { tariff { validFrom zones { id name } neighbours prices { zoneClass category monthly } } }`;

/** Routes: a pattern over the hash path, the page, and whether it needs a session. */
const RUTER = [
  [/^\/?$/, hjem, true],
  [/^\/logg-inn$/, inngang.loggInn, false],
  [/^\/glemt-passord$/, inngang.glemtPassord, false],
  [/^\/firma\/([^/]+)\/?$/, (app, [id]) => app.gå(`/firma/${id}/ko`, true), true],
  [/^\/firma\/([^/]+)\/ko$/, (app, [id]) => kø(app, id), true],
  [/^\/firma\/([^/]+)\/billetter$/, (app, [id], q) => billetter(app, id, q), true],
  [/^\/firma\/([^/]+)\/billett\/([^/]+)$/, (app, [id, sid], q) => billett(app, id, sid, q.get('rett')), true],
  [/^\/firma\/([^/]+)\/nytt$/, (app, [id]) => nyttAbonnement(app, id), true],
  // Loaded when first opened: the portal's first load stays within its weight budget.
  [/^\/firma\/([^/]+)\/legg-til-mange$/, async (app, [id]) => (await import('./portal-import.js')).leggTilMange(app, id), true],
  [/^\/firma\/([^/]+)\/innstillinger$/, (app, [id]) => innstillinger(app, id), true],
  [/^\/firma\/([^/]+)\/lonnstrekk(?:\/(\d{4}-\d{2}))?$/, (app, [id, m]) => lønnstrekk(app, id, m), true],
  [/^\/operator\/firma$/, (app, _, q) => firmaliste(app, q), true],
  [/^\/operator\/tariff$/, (app) => tariff(app), true],
  [/^\/operator\/faktura(?:\/(\d{4}-\d{2}))?$/, (app, [m]) => fakturagrunnlag(app, m), true],
];

/** Pages reached by the links the service sends, by path. */
const STIER = {
  '/invitasjon': inngang.godtaInvitasjon,
  '/nytt-passord': inngang.nyttPassord,
  '/forste-operator': inngang.førsteOperatør,
};

const main = document.getElementById('innhold');
const meny = document.getElementById('meny');
const bruker = document.getElementById('bruker');

/** What every page gets: the session, helpers to talk to the API and to show itself. */
const app = {
  token: hentSesjon(NØKKEL),
  viewer: null,
  generasjon: 0,
  opprydding: [],
  firmaer: new Map(),
  tariffLøfte: null,

  /** A query or mutation with the session; an expired session leads to the login page. */
  async gql(query, variables = {}) {
    try {
      return await gql(query, variables, this.token);
    } catch (error) {
      if (error instanceof GqlError && error.code === 'UNAUTHENTICATED' && this.token) {
        this.utløpt();
      }
      throw error;
    }
  },

  /** The tariff in force today (cached for the page's life). */
  tariff() {
    if (!this.tariffLøfte) {
      this.tariffLøfte = gql(TARIFF).then((d) => d.tariff).catch((e) => {
        this.tariffLøfte = null;
        throw e;
      });
    }
    return this.tariffLøfte;
  },

  /** Forget the tariff, e.g. after publishing one. */
  glemTariff() { this.tariffLøfte = null; },

  /** A function telling whether the page that called it is still the one shown. */
  vakt() {
    const g = this.generasjon;
    return () => g === this.generasjon;
  },

  /**
   * Shows a page: sets the title, replaces the content with a heading and `innhold`, and
   * moves focus to the heading so keyboard and screen-reader users start there.
   */
  vis(tittel, ...innhold) {
    document.title = `${tittel} – ${t('portal.navn')}`;
    const h1 = el('h1', { tabindex: '-1', text: tittel });
    main.replaceChildren(h1, ...innhold.flat().filter(Boolean));
    if (this.fokus) h1.focus({ preventScroll: false });
    this.fokus = true;
    return h1;
  },

  /** Runs `fn` when the page is left (closing websockets and the like). */
  vedForlat(fn) { this.opprydding.push(fn); },

  /** Goes to a hash route; `erstatt` replaces the history entry. */
  gå(sti, erstatt = false) {
    const url = `/portal#${sti}`;
    if (location.pathname === '/portal' && !erstatt && location.hash !== `#${sti}`) {
      location.hash = sti;
    } else {
      history.replaceState(null, '', url);
      rut();
    }
  },

  /** Keeps a new session and goes on to the portal's start page. */
  async loggetInn(payload) {
    this.token = payload.token;
    lagreSesjon(NØKKEL, payload.token);
    this.viewer = payload.viewer;
    this.firmaer.clear();
    // Back to the page the session expired on, where what was typed is filled in again.
    const rute = utkast.lagretRute(payload.viewer && payload.viewer.accountId);
    this.gjenopprett = Boolean(rute);
    this.gå(rute || '/', true);
  },

  /** The session expired: back to the login page with a word why. */
  utløpt() {
    const rute = (location.hash.slice(1) || '/');
    const skrevet = this.viewer && rute !== '/logg-inn'
      ? utkast.taVare(main, rute, this.viewer.accountId) : false;
    this.token = null;
    this.viewer = null;
    glemSesjon(NØKKEL);
    this.melding = skrevet
      ? t('portal.oktUtloptSkrevet')
      : t('portal.oktUtlopt');
    this.gå('/logg-inn', true);
  },

  /** Logs out here and on the server. */
  async loggUt() {
    const token = this.token;
    this.token = null;
    this.viewer = null;
    glemSesjon(NØKKEL);
    try {
      await gql('mutation { logOut }', {}, token);
    } catch {
      // The session is forgotten here either way.
    }
    this.melding = t('portal.loggetUt');
    this.gå('/logg-inn', true);
  },

  /** A company's id and name (cached), for menus and headings. */
  async firma(id) {
    if (!this.firmaer.has(id)) {
      const d = await this.gql('query($id: ID!) { company(id: $id) { id name } }', { id });
      this.firmaer.set(id, d.company);
    }
    return this.firmaer.get(id);
  },
};

function hjem(a) {
  if (a.viewer.kind === 'OPERATOR') return a.gå('/operator/firma', true);
  const [første] = a.viewer.companies;
  if (første) return a.gå(`/firma/${første.id}/ko`, true);
  return a.vis(t('portal.ingenBedrift'), el('p', { text: t('portal.ingenBedriftTekst') }));
}

function lenke(href, tekst, aktiv) {
  return el('li', {}, el('a', { href: `#${href}`, 'aria-current': aktiv ? 'page' : null, text: tekst }));
}

/** How many orders of company `id` wait for approval (up to 100), or 0 when unknown. */
async function ventende(id) {
  try {
    const d = await app.gql('query($id: ID!) { company(id: $id) { approvalQueue(first: 100) { nodes { id } } } }', { id });
    return d.company.approvalQueue.nodes.length;
  } catch {
    // The menu works without the count.
    return 0;
  }
}

/** The menu for the route `sti`: the operator's pages, and a company's pages inside one. */
async function tegnMeny(sti) {
  const items = [];
  const firmaId = (/^\/firma\/([^/]+)/.exec(sti) || [])[1];
  if (app.viewer && app.viewer.kind === 'OPERATOR') {
    items.push(lenke('/operator/firma', t('meny.bedrifter'), sti.startsWith('/operator/firma')));
    items.push(lenke('/operator/tariff', t('meny.tariff'), sti.startsWith('/operator/tariff')));
    items.push(lenke('/operator/faktura', t('meny.faktura'), sti.startsWith('/operator/faktura')));
  }
  if (app.viewer && firmaId) {
    let navn = '';
    try {
      navn = (await app.firma(firmaId)).name;
    } catch {
      navn = '';
    }
    if (app.viewer.kind === 'OPERATOR' && navn) items.push(el('li', { class: 'firmanavn', text: `${navn}:` }));
    const f = `/firma/${firmaId}`;
    const godkjenning = lenke(`${f}/ko`, t('meny.godkjenning'), sti === `${f}/ko`);
    items.push(godkjenning);
    ventende(firmaId).then((antall) => {
      if (antall > 0) {
        godkjenning.querySelector('a').append(' ', el('span', { class: 'antall', text: String(antall) }),
          el('span', { class: 'skjult', text: ` ${t('meny.venter', antall)}` }));
      }
    });
    items.push(lenke(`${f}/billetter`, t('meny.billetter'), sti.startsWith(`${f}/billett`)));
    items.push(lenke(`${f}/nytt`, t('meny.nytt'), sti === `${f}/nytt`));
    items.push(lenke(`${f}/legg-til-mange`, t('meny.leggTilMange'), sti === `${f}/legg-til-mange`));
    items.push(lenke(`${f}/lonnstrekk`, t('meny.lonnstrekk'), sti.startsWith(`${f}/lonnstrekk`)));
    items.push(lenke(`${f}/innstillinger`, t('meny.innstillinger'), sti === `${f}/innstillinger`));
  }
  meny.replaceChildren(el('ul', {}, items));
  meny.hidden = items.length === 0;
}

/** The user's name, a company switcher for administrators of several, and log out. */
function tegnBruker(sti) {
  if (!app.viewer) {
    bruker.replaceChildren();
    return;
  }
  const deler = [el('span', { text: app.viewer.name || app.viewer.email || '' })];
  const firmaer = app.viewer.companies || [];
  if (app.viewer.kind === 'ADMINISTRATOR' && firmaer.length > 1) {
    const gjeldende = (/^\/firma\/([^/]+)/.exec(sti) || [])[1];
    deler.push(el('label', { for: 'bytt-firma', class: 'skjult', text: t('portal.bedrift') }));
    deler.push(el('select', {
      id: 'bytt-firma',
      onchange: (e) => app.gå(`/firma/${e.target.value}/ko`),
    }, firmaer.map((f) => el('option', { value: f.id, selected: f.id === gjeldende, text: f.name }))));
  }
  deler.push(el('button', { type: 'button', class: 'ut', onclick: () => app.loggUt(), text: t('loggUt') }));
  bruker.replaceChildren(...deler);
}

/** Shows the page for the current address. */
async function rut() {
  app.generasjon += 1;
  const mine = app.generasjon;
  for (const fn of app.opprydding.splice(0)) {
    try { fn(); } catch { /* a page's clean-up must not stop the next page */ }
  }
  const sti = location.pathname;
  const søk = new URLSearchParams(location.search);
  if (STIER[sti] && !location.hash) {
    meny.hidden = true;
    tegnBruker('');
    return STIER[sti](app, søk.get('token') || '');
  }
  if (sti === '/logg-inn' && !location.hash) {
    history.replaceState(null, '', '/portal#/logg-inn');
  }
  const [rute, spørring = ''] = (location.hash.slice(1) || '/').split('?');
  const q = new URLSearchParams(spørring);
  const treff = RUTER.map(([mønster, side, sesjon]) => [mønster.exec(rute), side, sesjon]).find(([m]) => m);
  if (!treff) {
    app.vis(t('portal.fantIkke'), el('p', {}, t('portal.finnesIkke'), el('a', { href: '#/', text: t('portal.tilForsiden') })));
    return undefined;
  }
  const [m, side, sesjon] = treff;
  if (sesjon && !app.viewer) {
    if (app.token) {
      try {
        const d = await gql(VIEWER, {}, app.token);
        app.viewer = d.viewer;
      } catch {
        app.viewer = null;
      }
      if (mine !== app.generasjon) return undefined;
    }
    if (!app.viewer || app.viewer.kind === 'EMPLOYEE') {
      if (app.token) app.utløpt();
      else app.gå('/logg-inn', true);
      return undefined;
    }
  }
  tegnBruker(rute);
  await tegnMeny(sesjon ? rute : '');
  if (mine !== app.generasjon) return undefined;
  try {
    await side(app, m.slice(1), q);
    if (app.gjenopprett && mine === app.generasjon) {
      const grunn = app.gjenopprett;
      app.gjenopprett = false;
      if (utkast.fyllInn(main, location.hash.slice(1), app.viewer && app.viewer.accountId)) {
        const tekst = grunn === 'sprak' ? t('portal.beholdtEtterSprak') : t('portal.fyltInnIgjen');
        const note = el('p', { class: 'melding ok', text: tekst });
        main.querySelector('h1')?.after(note);
        kunngjør(note.textContent);
      }
    }
  } catch (error) {
    if (mine !== app.generasjon) return undefined;
    if (error instanceof GqlError && error.code === 'UNAUTHENTICATED') return undefined;
    app.vis(t('portal.noeGikkGalt'), el('p', { class: 'melding feil', role: 'alert', text: norsk(error) }),
      el('p', {}, el('a', { href: '#/', text: t('portal.tilForsiden') })));
  }
  return undefined;
}

/**
 * The page's fixed texts in its language, and the language switch in the header: what is
 * typed on the page is kept (as when a session expires) and filled in again after the switch.
 */
function tegnRamme() {
  document.getElementById('hopp').textContent = t('hoppTilInnhold');
  document.querySelector('.topplinje .tittel a').textContent = t('portal.navn');
  meny.setAttribute('aria-label', t('meny.navn'));
  main.querySelector('.laster')?.replaceChildren(t('laster'));
  document.title = t('portal.navn');
  bruker.before(sprakknapp(el, () => {
    const rute = location.hash.slice(1) || '/';
    if (app.viewer && location.pathname === '/portal' && utkast.taVare(main, rute, app.viewer.accountId)) {
      utkast.merkSpråkbytte();
    }
  }));
}

tegnRamme();
// Back after a switch of language: what was typed is filled in again once the page is shown.
if (utkast.etterSpråkbytte()) app.gjenopprett = 'sprak';
document.getElementById('hopp').addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});
window.addEventListener('hashchange', () => rut());
app.fokus = false;
rut();
