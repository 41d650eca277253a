// Språkvalg for sidene: bokmål (standard) eller engelsk. Tekstene ligger i én fil per språk
// (i18n-nb.js, i18n-en.js); et tredje språk er en ny fil og en linje i SPRAK under. Portalens
// tekster ligger i egne filer (i18n-portal-*.js) som i18n-portal.js legger til med leggTilTekster.
// Valget tas fra nettleserens språk, kan byttes på siden og huskes i localStorage. Sider som
// ikke er oversatt ennå (uten data-sprakvalg), vises på bokmål. Bare det valgte språkets tekster
// lastes (siden holder seg lett); i18n-check.mjs passer på at språkene har de samme nøklene.

/** The languages offered, by code, with their names in themselves (on the switch). */
const SPRAK = { nb: 'Norsk', en: 'English' };

const NOKKEL = 'bedrift:sprak';

/**
 * The language of this page view. Pages translated in full say so with `data-sprakvalg` on
 * `<html>`; they get the saved choice, else the browser's first known language, else bokmål.
 * Other pages stay in bokmål.
 */
function velgSprak() {
  if (!document.documentElement.hasAttribute('data-sprakvalg')) return 'nb';
  try {
    const lagret = localStorage.getItem(NOKKEL);
    if (lagret && SPRAK[lagret]) return lagret;
  } catch {
    // No storage: fall through to the browser's language.
  }
  for (const tag of navigator.languages || [navigator.language || '']) {
    const kode = String(tag).toLowerCase().split('-')[0];
    if (kode === 'nb' || kode === 'no' || kode === 'nn') return 'nb';
    if (SPRAK[kode]) return kode;
  }
  return 'nb';
}

/** The language of this page view ('nb' or 'en'). */
export const sprak = velgSprak();
document.documentElement.lang = sprak;

/** The texts of the page's language, loaded before any module that imports this one runs. */
const TEKSTER = { ...(await import(`./i18n-${sprak}.js`)).default };

/**
 * Adds a page set's texts in the page's language (the portal's come from i18n-portal.js).
 * Called before any of those texts is asked for.
 */
export function leggTilTekster(tekster) {
  Object.assign(TEKSTER, tekster);
}

/**
 * The text `key` in the page's language (the key itself when there is none, which
 * i18n-check.mjs prevents). Texts that take values are functions: `t('sendtTil', '912 34 567')`.
 */
export function t(key, ...args) {
  const tekst = TEKSTER[key];
  if (tekst === undefined) return key;
  return typeof tekst === 'function' ? tekst(...args) : tekst;
}

/** Saves `kode` as the chosen language and reloads the page in it. */
export function byttSprak(kode) {
  try {
    localStorage.setItem(NOKKEL, kode);
  } catch {
    // Not remembered, but the page still changes.
  }
  location.reload();
}

/**
 * A button that switches to the other language, labelled in that language (with its `lang`),
 * e.g. "English" on a bokmål page. `førBytte()` runs first (to keep what is typed).
 */
export function sprakknapp(el, førBytte = null) {
  const annet = sprak === 'nb' ? 'en' : 'nb';
  return el('button', {
    type: 'button', class: 'lenke sprakvalg', lang: annet, id: 'sprakvalg',
    onclick: () => {
      if (førBytte) førBytte();
      byttSprak(annet);
    },
  }, SPRAK[annet]);
}
