// Felles hjelpere for bestillingssiden og portalen: GraphQL over HTTP og websocket,
// formatering av beløp, datoer, telefonnumre og org.nr, en liten DOM-bygger, feilmeldinger på
// sidens språk (tekstene i i18n-*.js) og sesjoner i localStorage. Ingen avhengigheter, ingen
// byggesteg.

import { t } from './i18n.js';

/**
 * A refused GraphQL request: `code` is `extensions.code`, `field` is `extensions.field`,
 * `retryAfter` is `extensions.retryAfter` (seconds) and `reason` is `extensions.reason`
 * (e.g. `MISSING`, `CODE_EXPIRED`; docs/api.md) where the API gives them.
 */
export class GqlError extends Error {
  constructor(message, code = 'INTERNAL', field = null, retryAfter = null, reason = null) {
    super(message);
    this.name = 'GqlError';
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
    this.reason = reason;
  }

  /** A GqlError from one entry of a GraphQL answer's `errors`. */
  static from(entry) {
    const ext = (entry && entry.extensions) || {};
    return new GqlError((entry && entry.message) || 'refused', ext.code || 'INTERNAL',
      ext.field || null, Number.isFinite(ext.retryAfter) ? ext.retryAfter : null,
      typeof ext.reason === 'string' ? ext.reason : null);
  }
}

/**
 * Runs a query or mutation against /graphql and resolves to its `data`.
 * Throws a GqlError for the first error of the answer, or with code `NETWORK` when the
 * server could not be reached.
 */
export async function gql(query, variables = {}, token = null) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
  } catch (cause) {
    throw new GqlError(String(cause), 'NETWORK');
  }
  let body;
  try {
    body = await response.json();
  } catch (cause) {
    throw new GqlError(`HTTP ${response.status}`, response.status === 429 ? 'RATE_LIMITED' : 'NETWORK');
  }
  if (body.errors && body.errors.length > 0) {
    throw GqlError.from(body.errors[0]);
  }
  return body.data;
}

/**
 * Follows a GraphQL subscription over /graphql/ws (graphql-transport-ws). Calls
 * `onData(data)` for each result and `onError(error)` (optional) for a GqlError; reconnects
 * after a dropped connection. Returns a function that ends the subscription.
 */
export function subscribe(query, variables, token, onData, onError = () => {}) {
  let socket = null;
  let stopped = false;
  let retry = 0;
  let timer = null;
  const id = `s${Math.random().toString(36).slice(2)}`;

  const connect = () => {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(`${scheme}//${location.host}/graphql/ws`, 'graphql-transport-ws');
    socket.addEventListener('open', () => {
      const payload = token ? { Authorization: `Bearer ${token}` } : {};
      socket.send(JSON.stringify({ type: 'connection_init', payload }));
    });
    socket.addEventListener('message', (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      switch (message.type) {
        case 'connection_ack':
          retry = 0;
          socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
          break;
        case 'ping':
          socket.send(JSON.stringify({ type: 'pong' }));
          break;
        case 'next': {
          const errors = message.payload && message.payload.errors;
          if (errors && errors.length > 0) {
            onError(GqlError.from(errors[0]));
          }
          if (message.payload && message.payload.data) onData(message.payload.data);
          break;
        }
        case 'error': {
          stopped = true;
          onError(GqlError.from(message.payload && message.payload[0]));
          socket.close();
          break;
        }
        default:
          break;
      }
    });
    socket.addEventListener('close', () => {
      if (stopped) return;
      retry += 1;
      timer = setTimeout(connect, Math.min(30000, 500 * 2 ** Math.min(retry, 6)));
    });
  };
  connect();

  return () => {
    stopped = true;
    clearTimeout(timer);
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ id, type: 'complete' }));
    }
    if (socket) socket.close();
  };
}

function tusenskille(heltall) {
  return String(heltall).replace(/\B(?=(\d{3})+(?!\d))/g, t('tusenskille'));
}

/**
 * Øre as kroner in the page's language: `kroner(123450)` is "1 234,50 kr" in bokmål and
 * "1,234.50 kr" in English (always Norwegian kroner; non-breaking spaces).
 */
export function kroner(ore) {
  const n = Number(ore);
  const fortegn = n < 0 ? '−' : '';
  const abs = Math.abs(Math.round(n));
  const kr = Math.floor(abs / 100);
  const rest = String(abs % 100).padStart(2, '0');
  return `${fortegn}${tusenskille(kr)}${t('desimaltegn')}${rest}\u00a0kr`;
}

/** A date (`2026-12-01`, or the date part of an RFC 3339 instant) as "1. desember 2026". */
export function dato(isoDate) {
  if (!isoDate) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  if (!m) return String(isoDate);
  return t('dato', Number(m[3]), Number(m[2]), m[1]);
}

/** A month (`2026-12`) as "desember 2026". */
export function maaned(isoMonth) {
  const m = /^(\d{4})-(\d{2})/.exec(isoMonth || '');
  if (!m) return String(isoMonth || '');
  return t('maaned', Number(m[2]), m[1]);
}

/** An instant (RFC 3339) as local date and time, e.g. "1. desember 2026 kl. 12:00". */
export function tidspunkt(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso || '');
  const hh = String(d.getHours()).padStart(2, '0');
  const mm = String(d.getMinutes()).padStart(2, '0');
  return t('klokke', t('dato', d.getDate(), d.getMonth() + 1, d.getFullYear()), hh, mm);
}

/** A phone number the Norwegian way: "+4798765432" is "987 65 432"; others as given. */
export function telefon(nummer) {
  const norsk = /^\+47(\d{3})(\d{2})(\d{3})$/.exec(nummer || '');
  return norsk ? `${norsk[1]} ${norsk[2]} ${norsk[3]}` : (nummer || '');
}

/** An organisation number the Norwegian way: "987654325" is "987 654 325". */
export function orgnr(nummer) {
  const m = /^(\d{3})(\d{3})(\d{3})$/.exec(String(nummer || '').replace(/\s/g, ''));
  return m ? `${m[1]} ${m[2]} ${m[3]}` : (nummer || '');
}

/**
 * Builds an element: `el('button', { class: 'primær', onclick: f, 'aria-live': 'polite' },
 * 'Lagre')`. `text` sets the text; `on*` functions become listeners; `true` sets an empty
 * attribute, `false`/`null`/`undefined` leave it out; `value`, `checked`, `disabled` and
 * `selected` are set as properties. Children may be nodes, strings, numbers, arrays or null.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key === 'class') {
      node.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    } else if (key === 'text') {
      node.textContent = value;
    } else if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (['value', 'checked', 'disabled', 'selected', 'hidden'].includes(key)) {
      node[key] = value;
    } else if (key === 'dataset' && typeof value === 'object') {
      Object.assign(node.dataset, value);
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  const add = (child) => {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) child.forEach(add);
    else if (child instanceof Node) node.appendChild(child);
    else node.appendChild(document.createTextNode(String(child)));
  };
  children.forEach(add);
  return node;
}

/** The input a field path names: `input.zones[0]` is `zones`, `extraFields[Avdeling]` stays. */
function feltnavn(field) {
  const siste = String(field).split('.').pop();
  return siste.startsWith('extraFields[') ? siste : siste.replace(/\[\d+\]$/, '');
}

/** The text for a refusal `reason` on the input `felt`, or null (texts in i18n-*.js). */
function grunnTekst(felt, reason) {
  const ekstra = /^extraFields\[(.*)\]$/.exec(felt);
  if (ekstra) {
    if (reason === 'TOO_LONG') return t('ekstrafeltForLangt', ekstra[1]);
    if (reason === 'MISSING') return t('ekstrafeltMangler', ekstra[1]);
    return null;
  }
  if (felt === 'employeeNumber' && reason === 'MISSING') return t('ansattnummerMangler');
  if (felt === 'firstName' || felt === 'lastName') {
    const hva = t(felt === 'firstName' ? 'fornavnet' : 'etternavnet');
    const navn = {
      MISSING: t('navnTomt', hva), DIGITS: t('navnSiffer'), TOO_LONG: t('navnForLangt'),
      CHARACTERS: t('navnTegn'), NO_LETTER: t('navnTegn'),
    };
    return navn[reason] || null;
  }
  const grunner = {
    CODE_EXPIRED: 'kodeUtlopt', NO_CODE: 'kodeIngen', LINK_REPLACED: 'lenkeErstattet',
    LINK_USED: 'lenkeBrukt', LINK_EXPIRED: 'lenkeUtlopt',
  };
  return grunner[reason] ? t(grunner[reason]) : null;
}

/**
 * The message for an error (a GqlError, or anything else thrown) in the page's language:
 * chosen by `extensions.code`, `field` and `reason`, never by the API's English message; the
 * texts themselves are in i18n-*.js.
 */
export function feilmelding(error) {
  if (!(error instanceof GqlError)) return t('kode.INTERNAL');
  if (error.code === 'RATE_LIMITED') {
    if (error.reason === 'CODE_USED_UP') return t('kodeBruktOpp');
    return error.retryAfter ? t('ventOgProv', error.retryAfter) : t('kode.RATE_LIMITED');
  }
  if (error.code === 'BAD_USER_INPUT' && error.field) {
    const felt = feltnavn(error.field);
    const grunn = error.reason ? grunnTekst(felt, error.reason) : null;
    if (grunn) return grunn;
    const tekst = t(`felt.${felt}`);
    if (tekst !== `felt.${felt}`) return tekst;
  }
  const tekst = t(`kode.${error.code}`);
  return tekst === `kode.${error.code}` ? t('kode.INTERNAL') : tekst;
}

/**
 * Shows `melding` next to `input` (in an element `#<id>-feil` inside its `.felt`, created when
 * missing), marks it `aria-invalid`, ties the message to it with `aria-describedby`, and moves
 * focus there unless `fokus` is false.
 */
export function visFeltfeil(input, melding, fokus = true) {
  const id = `${input.id || input.name}-feil`;
  const omrade = input.closest('.felt, fieldset') || input.parentElement;
  let hjelp = omrade.querySelector(`#${CSS.escape(id)}`);
  if (!hjelp) {
    hjelp = el('p', { id, class: 'feltfeil' });
    omrade.appendChild(hjelp);
  }
  hjelp.textContent = melding;
  input.setAttribute('aria-invalid', 'true');
  const beskrevet = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
  if (!beskrevet.includes(id)) input.setAttribute('aria-describedby', [...beskrevet, id].join(' '));
  if (fokus) input.focus();
}

/**
 * Shows `error` next to the input of `form` named like its `field` (the input's `name`; for
 * `input.zones[0]` that is `zones`), see `visFeltfeil`; without a matching input, shows it in
 * `fallback` (an element with role="alert" or aria-live). Returns the message shown.
 */
export function visFeil(form, error, fallback = null) {
  const melding = feilmelding(error);
  const felt = error && error.field ? feltnavn(error.field) : null;
  const input = felt && form ? form.querySelector(`[name="${CSS.escape(felt)}"]`) : null;
  if (input) {
    visFeltfeil(input, melding);
  } else if (fallback) {
    fallback.textContent = melding;
  }
  return melding;
}

/** Clears what `visFeil` showed in `form`. */
export function fjernFeil(form) {
  if (!form) return;
  form.querySelectorAll('.feltfeil').forEach((p) => { p.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((i) => i.removeAttribute('aria-invalid'));
}

/** Names of ticket statuses in the page's language. */
export const STATUS = Object.fromEntries(
  ['PENDING', 'UPCOMING', 'ACTIVE', 'ENDING', 'ENDED', 'REJECTED', 'WITHDRAWN', 'CANCELLED_BEFORE_START']
    .map((k) => [k, t(`status.${k}`)]),
);

/** Names of traveller categories in the page's language. */
export const KATEGORI = Object.fromEntries(
  ['ADULT', 'YOUNG_ADULT', 'YOUTH', 'CHILD', 'SENIOR'].map((k) => [k, t(`kategori.${k}`)]),
);

/** Who belongs to each traveller category, in the page's language. */
export const KATEGORIHJELP = Object.fromEntries(
  ['ADULT', 'YOUNG_ADULT', 'YOUTH', 'CHILD', 'SENIOR'].map((k) => [k, t(`kategorihjelp.${k}`)]),
);

/** Names of zone classes in the page's language. */
export const SONEKLASSE = Object.fromEntries(
  ['ONE_ZONE', 'TWO_ZONES', 'WHOLE_REGION'].map((k) => [k, t(`soneklasse.${k}`)]),
);

/** Saves a session token under `key`. */
export function lagreSesjon(key, token) {
  try {
    localStorage.setItem(`bedrift:${key}`, token);
  } catch {
    // Private mode or full storage: the session lasts as long as the page.
  }
}

/** The session token saved under `key`, or null. */
export function hentSesjon(key) {
  try {
    return localStorage.getItem(`bedrift:${key}`);
  } catch {
    return null;
  }
}

/** Forgets the session token saved under `key`. */
export function glemSesjon(key) {
  try {
    localStorage.removeItem(`bedrift:${key}`);
  } catch {
    // Nothing saved.
  }
}
