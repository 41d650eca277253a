// Byggeklosser for portalens sider: skjemafelt med feilmeldinger ved feltet, innsending med
// feilmeldinger på sidens språk (tekstene i i18n-portal-*.js), nedlasting med innloggingen,
// soner og historikk i klartekst.

import { el, dato, telefon, feilmelding, visFeil, fjernFeil, GqlError, KATEGORI } from './common.js';
import { t } from './i18n-portal.js';

let teller = 0;
/** A fresh element id with `prefix`. */
export function nyId(prefix) {
  teller += 1;
  return `${prefix}-${teller}`;
}

/** Says `tekst` through the page's polite live region. */
export function kunngjør(tekst) {
  const region = document.getElementById('kunngjoring');
  if (!region) return;
  region.textContent = '';
  // A fresh text node after a tick makes screen readers announce repeats too.
  setTimeout(() => { region.textContent = tekst; }, 50);
}

/**
 * A labelled input: `{ name, label, type, value, hjelp, autocomplete, required, attrs }`.
 * `name` is the GraphQL field the server names in `extensions.field`, so errors land here.
 */
export function felt({ name, label, type = 'text', value = '', hjelp = null, autocomplete = null, required = false, attrs = {} }) {
  const id = nyId(`f-${name}`);
  const hjelpId = hjelp ? `${id}-hjelp` : null;
  const input = el(type === 'textarea' ? 'textarea' : 'input', {
    id,
    name,
    type: type === 'textarea' ? null : type,
    value,
    autocomplete,
    required,
    'aria-describedby': hjelpId,
    ...attrs,
  });
  return el('div', { class: 'felt' },
    el('label', { for: id, text: label }),
    hjelp ? el('span', { class: 'hjelp', id: hjelpId, text: hjelp }) : null,
    input);
}

/** A labelled select of `valg` (`[[value, text], ...]`). */
export function velger({ name, label, valg, value = '', hjelp = null, attrs = {} }) {
  const id = nyId(`f-${name}`);
  const hjelpId = hjelp ? `${id}-hjelp` : null;
  return el('div', { class: 'felt' },
    el('label', { for: id, text: label }),
    hjelp ? el('span', { class: 'hjelp', id: hjelpId, text: hjelp }) : null,
    el('select', { id, name, 'aria-describedby': hjelpId, ...attrs },
      valg.map(([v, t]) => el('option', { value: v, selected: v === value, text: t }))));
}

/** A fieldset of radio buttons `valg` (`[[value, text, hint?], ...]`). */
export function radioer({ name, legend, valg, value }) {
  return el('fieldset', {},
    el('legend', { text: legend }),
    valg.map(([v, t, hint]) => {
      const id = nyId(`r-${name}`);
      return el('div', { class: 'valg' },
        el('input', { type: 'radio', id, name, value: v, checked: v === value }),
        el('label', { for: id }, t, hint ? el('span', { class: 'hjelp', text: hint }) : null));
    }));
}

/** The checked value of radio group `name` in `form`. */
export function valgt(form, name) {
  const input = form.querySelector(`input[name="${name}"]:checked`);
  return input ? input.value : null;
}

/** An empty alert box for a form's errors that have no field of their own. */
export function feilboks() {
  return el('div', { class: 'melding feil', role: 'alert' });
}

/** Texts for fields that common.js does not name. */
const FELT = {
  contactEmail: t('feltfeil.contactEmail'),
  contactName: t('feltfeil.contactName'),
  invoiceEmail: t('feltfeil.invoiceEmail'),
  neighbours: t('feltfeil.neighbours'),
  prices: t('feltfeil.prices'),
  search: t('feltfeil.search'),
  label: t('feltfeil.label'),
};

/**
 * The text of an error in the page's language, also for `lokalFeil` and the portal's own
 * fields (the name is from when the portal was in bokmål only).
 */
export function norsk(error) {
  if (error && error.norsk) return error.norsk;
  if (error instanceof GqlError && error.code === 'BAD_USER_INPUT' && error.field) {
    const felt = String(error.field).split('.').pop().replace(/\[\d+\]$/, '');
    if (FELT[felt]) return FELT[felt];
  }
  return feilmelding(error);
}

/**
 * Runs `handling(form, event)` when `form` is submitted (`event.submitter` is the button): clears old errors, disables the submit
 * button meanwhile, and shows a refusal next to its field (or in `boks`). `handling` may
 * throw `lokalFeil` for checks made before asking the server. `påFeil(error)` may take an
 * error over (returning true), e.g. an expired session.
 */
export function vedInnsending(form, boks, handling, påFeil = null) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fjernFeil(form);
    boks.textContent = '';
    const knapp = form.querySelector('button[type="submit"], button:not([type])');
    if (knapp) knapp.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      await handling(form, event);
    } catch (error) {
      if (påFeil && påFeil(error)) return;
      visFeil(form, error, boks);
      const melding = norsk(error);
      const ugyldig = form.querySelector('[aria-invalid="true"]');
      if (ugyldig) {
        const hjelp = form.querySelector(`#${CSS.escape(`${ugyldig.id || ugyldig.name}-feil`)}`);
        if (hjelp) hjelp.textContent = melding;
      } else {
        boks.textContent = melding;
      }
    } finally {
      if (knapp) knapp.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
}

/** A refusal made in the browser, shown like the server's: next to `field`. */
export function lokalFeil(field, melding) {
  const feil = new GqlError(melding, 'BAD_USER_INPUT', field);
  feil.norsk = melding;
  return feil;
}

/** A zone's name in `tariff`, or its code. */
export function sonenavn(tariff, kode) {
  const sone = tariff && tariff.zones.find((z) => z.id === kode);
  return sone ? sone.name : kode;
}

/** A subscription's zone selection in words. */
export function soner(tariff, sub) {
  if (sub.wholeRegion) return t('ui.heleRegionen');
  return sub.zones.map((z) => sonenavn(tariff, z)).join(' + ') || '–';
}

/** The traveller category in the page's language. */
export function kategori(kode) {
  return KATEGORI[kode] || kode || '–';
}

/** The kinds of change (`HistoryEvent.change.kind`), in the page's language. */
const HENDELSER = {
  ORDERED: t('hendelse.ORDERED'),
  APPROVED: t('hendelse.APPROVED'),
  REJECTED: t('hendelse.REJECTED'),
  ZONES_CHANGED: t('hendelse.ZONES_CHANGED'),
  CANCELLED: t('hendelse.CANCELLED'),
  CANCELLATION_WITHDRAWN: t('hendelse.CANCELLATION_WITHDRAWN'),
  ORDER_WITHDRAWN: t('hendelse.ORDER_WITHDRAWN'),
  EMPLOYEE_DETAILS_UPDATED: t('hendelse.EMPLOYEE_DETAILS_UPDATED'),
  ZONE_CHANGE_REQUESTED: t('hendelse.ZONE_CHANGE_REQUESTED'),
  ZONE_CHANGE_APPROVED: t('hendelse.ZONE_CHANGE_APPROVED'),
  ZONE_CHANGE_REJECTED: t('hendelse.ZONE_CHANGE_REJECTED'),
  PROCESSING_RESTRICTED: t('hendelse.PROCESSING_RESTRICTED'),
  PERSONAL_DATA_ERASED: t('hendelse.PERSONAL_DATA_ERASED'),
};

/** Who did it, in the page's language. */
const AKTØRER = {
  OPERATOR: t('aktor.OPERATOR'),
  ADMINISTRATOR: t('aktor.ADMINISTRATOR'),
  EMPLOYEE: t('aktor.EMPLOYEE'),
  SYSTEM: t('aktor.SYSTEM'),
};

/** The zones a change set, by name. */
function endredeSoner(tariff, c) {
  if (c.wholeRegion) return t('hendelse.heleRegionen');
  return c.zones.map((z) => sonenavn(tariff, z)).join(' + ');
}

/**
 * One history event in the page's language, from its structured change (kind and values set)
 * and who did it by name (`actor.name`, `actor.email`, as the server resolves them from the
 * metadata).
 */
export function hendelse(tariff, h) {
  const c = h.change;
  const navn = HENDELSER[c.kind] || c.kind;
  let detalj = '';
  if (c.kind === 'ORDERED') {
    detalj = t('hendelse.bestilt', endredeSoner(tariff, c), kategori(c.category).toLowerCase(), dato(c.date));
  } else if (c.kind === 'APPROVED') {
    detalj = t('hendelse.godkjent', dato(c.date));
  } else if (c.kind === 'REJECTED') {
    detalj = t('hendelse.begrunnelse', c.reason);
  } else if (c.kind === 'ZONES_CHANGED') {
    detalj = t('hendelse.soneendring', endredeSoner(tariff, c), dato(c.date), dato(c.previousValidThrough));
  } else if (c.kind === 'CANCELLED') {
    detalj = t('hendelse.sagtOpp', dato(c.date));
  } else if (c.kind === 'CANCELLATION_WITHDRAWN') {
    detalj = t('hendelse.fortsetter');
  } else if (c.kind === 'ORDER_WITHDRAWN') {
    detalj = t('hendelse.forBehandlet');
  } else if (c.kind === 'EMPLOYEE_DETAILS_UPDATED') {
    const svar = (c.extraFields || []).map((a) => `${a.label}: ${a.value}`);
    detalj = [`${c.firstName} ${c.lastName}`, t('hendelse.ansattnr', c.employeeNumber || '–'), ...svar].join(', ');
  } else if (c.kind === 'ZONE_CHANGE_REQUESTED') {
    detalj = `${endredeSoner(tariff, c)}, ${c.changeFrom === 'IMMEDIATELY' ? t('ui.fraGodkjenningsdagen') : t('ui.fraMaanedenEtter')}`;
  } else if (c.kind === 'ZONE_CHANGE_REJECTED') {
    detalj = t('hendelse.begrunnelse', c.reason);
  } else if (c.kind === 'PROCESSING_RESTRICTED') {
    detalj = t('hendelse.begrenset', dato(c.date));
  } else if (c.kind === 'PERSONAL_DATA_ERASED') {
    detalj = t('hendelse.slettet');
  }
  const a = h.actor;
  let hvem = '';
  if (a) {
    const rolle = AKTØRER[a.kind] || a.kind;
    if (a.kind === 'ADMINISTRATOR' || a.kind === 'OPERATOR') {
      hvem = a.name ? `${rolle} ${a.name}${a.email ? ` (${a.email})` : ''}` : rolle;
    } else if (a.kind === 'EMPLOYEE') {
      const nummer = a.phone ? telefon(a.phone) : '';
      hvem = a.name ? `${rolle} ${a.name}${nummer ? ` (${nummer})` : ''}` : `${rolle}${nummer ? ` (${nummer})` : ''}`;
    } else {
      hvem = rolle;
    }
  }
  return { navn, detalj, hvem, original: null };
}

/** Triggers a download of `blob` as `filnavn`. */
function lagre(blob, filnavn) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: filnavn, hidden: true });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** The file name in a Content-Disposition header, or null. */
function filnavnFra(header) {
  const m = /filename="?([^";]+)"?/.exec(header || '');
  return m ? m[1] : null;
}

/** Why a report download was refused, in the page's language (the route answers with JSON). */
async function nedlastingsfeil(svar) {
  let feil = {};
  try {
    feil = (await svar.json()).error || {};
  } catch {
    // Not JSON: the status alone tells.
  }
  const tekst = String(feil.message || '');
  if (svar.status === 401) return t('last.401');
  if (svar.status === 403) return t('last.403');
  if (svar.status === 404) return t('last.404');
  if (svar.status === 409 && /pay type code/.test(tekst)) {
    return t('last.lonnsart');
  }
  if (svar.status === 409 && /employee number/.test(tekst)) {
    const navn = [...tekst.matchAll(/([^,:]+?) \([0-9a-f-]{36}\)/g)].map((m) => m[1].trim());
    return t('last.ansattnummer', navn.length ? ` (${navn.join(', ')})` : '');
  }
  if (svar.status === 400) return t('last.400');
  return t('last.mislyktes');
}

/**
 * Fetches `url` with the session as a bearer token and saves it under the server's file
 * name (or `filnavn`). Resolves to `{ fil }` when it worked, or `{ feil }` with the reason
 * why not, in the page's language.
 */
export async function lastNed(url, token, filnavn) {
  let svar;
  try {
    svar = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  } catch {
    return { feil: t('last.nett') };
  }
  if (!svar.ok) return { feil: await nedlastingsfeil(svar) };
  const fil = filnavnFra(svar.headers.get('Content-Disposition')) || filnavn;
  lagre(await svar.blob(), fil);
  return { fil };
}

/** The month before or after `maaned` (`2026-12`) by `steg` months. */
export function flyttMåned(maaned, steg) {
  const [å, m] = maaned.split('-').map(Number);
  const d = new Date(Date.UTC(å, m - 1 + steg, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Today on the browser's clock in Norway, `2026-12-10`. */
export function iDag() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo' }).format(new Date());
}

/**
 * This month on the service's clock (which tests set): the month before the start date an
 * order placed today would get, read from an order link's public form. Without a link, the
 * browser's month.
 */
export async function tjenestensMåned(app, orderLinkToken) {
  if (!orderLinkToken) return iDag().slice(0, 7);
  const f = await app.gql('query($t: String!) { orderForm(token: $t) { startDate } }', { t: orderLinkToken });
  return flyttMåned(f.orderForm.startDate.slice(0, 7), -1);
}

/** A table whose cells carry their column names, so it reads as cards on a phone. */
export function tabell({ overskrift, kolonner, rader, fot = null }) {
  const tall = new Set(kolonner.filter((k) => k.tall).map((k) => k.navn));
  return el('div', { class: 'tabell-ramme' },
    el('table', { class: 'stables' },
      overskrift ? el('caption', { class: 'skjult', text: overskrift }) : null,
      el('thead', {}, el('tr', {}, kolonner.map((k) => el('th', { scope: 'col', class: k.tall ? 'tall' : null, text: k.navn })))),
      el('tbody', {}, rader.map((rad) => el('tr', {}, rad.map((celle, i) => el('td', {
        'data-etikett': kolonner[i].navn,
        class: tall.has(kolonner[i].navn) ? 'tall' : null,
      }, celle))))),
      fot ? el('tfoot', {}, el('tr', {}, fot.map((celle, i) => (i === 0
        ? el('th', { scope: 'row', text: celle })
        : el('td', { 'data-etikett': kolonner[i].navn, class: tall.has(kolonner[i].navn) ? 'tall' : null }, celle || null))))) : null));
}
