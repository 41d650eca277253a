// Checks the company portal's texts without a browser (run by `cargo test --test browser`, or
// `node web/tests/i18n-check.mjs`):
//   1. the bokmål and English dictionaries have the same keys, and a text that takes values is
//      a function taking as many in both;
//   2. every `t('key')` in the portal's modules names a text that exists;
//   3. no portal module has a visible text of its own: a string literal (or the fixed part of
//      a template) that holds æ, ø or å, starts with a capitalised word, or is a phrase with a
//      common Norwegian word, is reported, unless it is a CSS class list or one of the few code
//      words in ALLOWED.
// A simple check, not a parser: it reads string literals, template parts and comments by hand.

import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Literals that are code or names, not text: DOM keys, HTTP headers, a time zone, products, and
 * the bulk-add file's column headings (a file format the server reads, the same in every language).
 */
const ALLOWED = new Set(['Escape', 'Enter', 'Authorization', 'Content-Disposition', 'Content-Type', 'Bearer',
  'Europe/Oslo', 'Excel', 'Tripletex',
  'Fornavn', 'Etternavn', 'Mobil', 'Kategori', 'Soner', 'Startdato', 'Ansattnummer']);

/** Common Norwegian words; a literal with a space and one of these is a phrase. */
const NORSKE_ORD = new Set(['og', 'ikke', 'er', 'på', 'til', 'med', 'av', 'en', 'ett', 'et', 'du', 'det',
  'den', 'som', 'har', 'kan', 'fra', 'eller', 'ingen', 'ny', 'nye', 'nytt', 'ble', 'blir', 'skal', 'må',
  'vil', 'hvis', 'når', 'hva', 'etter', 'før', 'alle', 'bare', 'denne', 'dette', 'sist', 'ennå', 'vis',
  'velg', 'skriv', 'lagre', 'avbryt', 'godkjenn', 'avvis', 'bestilling', 'billett', 'abonnement']);

/** The modules of the portal: portal.js, portal-*.js and operator.js. */
async function portalModules() {
  const files = await readdir(web);
  return files.filter((f) => f === 'portal.js' || f === 'operator.js' || (f.startsWith('portal-') && f.endsWith('.js')))
    .sort();
}

/** Every CSS class name of the pages' style sheets. */
async function cssClasses() {
  const classes = new Set();
  for (const f of (await readdir(web)).filter((x) => x.endsWith('.css'))) {
    const css = await readFile(path.join(web, f), 'utf8');
    for (const m of css.matchAll(/\.([A-Za-z_\u00c0-\u024f][\w\u00c0-\u024f-]*)/g)) classes.add(m[1]);
  }
  return classes;
}

/**
 * The string literals of `source` with their line: `'…'` and `"…"` whole, templates as their
 * fixed parts (the `${…}` parts are code and are read as such). Comments and regular
 * expressions are skipped.
 */
function literals(source) {
  const found = [];
  let i = 0;
  let line = 1;
  const braces = []; // for each open `${`, the depth of braces inside it
  let previous = ''; // the last significant character, to tell a regex from a division
  const step = () => {
    if (source[i] === '\n') line += 1;
    i += 1;
  };
  const template = () => {
    // At the character after ` or }: reads up to ` or ${.
    let part = '';
    const start = line;
    while (i < source.length) {
      if (source[i] === '\\') { part += source[i + 1]; step(); step(); continue; }
      if (source[i] === '`') { step(); found.push({ text: part, line: start }); previous = '`'; return; }
      if (source[i] === '$' && source[i + 1] === '{') {
        step(); step();
        found.push({ text: part, line: start });
        braces.push(0);
        previous = '{';
        return;
      }
      part += source[i];
      step();
    }
  };
  while (i < source.length) {
    const c = source[i];
    if (c === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') step();
    } else if (c === '/' && source[i + 1] === '*') {
      while (i < source.length && !(source[i] === '*' && source[i + 1] === '/')) step();
      step(); step();
    } else if (c === '/' && (previous === '' || '(,=:[!&|?{};+-*%<>~^'.includes(previous) || /\b(return|typeof)$/.test(source.slice(Math.max(0, i - 8), i).trimEnd()))) {
      // A regular expression literal.
      step();
      let inClass = false;
      while (i < source.length && (inClass || source[i] !== '/')) {
        if (source[i] === '\\') step();
        else if (source[i] === '[') inClass = true;
        else if (source[i] === ']') inClass = false;
        step();
      }
      step();
      while (/[a-z]/.test(source[i] || '')) step();
      previous = '/';
    } else if (c === '\'' || c === '"') {
      const start = line;
      step();
      let text = '';
      while (i < source.length && source[i] !== c) {
        if (source[i] === '\\') { text += source[i + 1]; step(); step(); continue; }
        text += source[i];
        step();
      }
      step();
      found.push({ text, line: start });
      previous = c;
    } else if (c === '`') {
      step();
      template();
    } else if (c === '{' && braces.length) {
      braces[braces.length - 1] += 1;
      previous = c;
      step();
    } else if (c === '}' && braces.length) {
      if (braces[braces.length - 1] === 0) {
        braces.pop();
        step();
        template();
      } else {
        braces[braces.length - 1] -= 1;
        previous = c;
        step();
      }
    } else {
      if (!/\s/.test(c)) previous = c;
      step();
    }
  }
  return found;
}

/** Why `text` looks like a visible text of its own, or null. */
function norskTekst(text, classes) {
  const trimmed = text.trim();
  if (!trimmed || ALLOWED.has(trimmed)) return null;
  const tokens = trimmed.split(/\s+/);
  if (tokens.every((tok) => classes.has(tok))) return null;
  if (/[æøåÆØÅ]/.test(trimmed)) return 'has æ, ø or å';
  if (/^[A-ZÆØÅ][a-zæøå]/.test(trimmed)) return 'starts with a capitalised word';
  const words = trimmed.toLowerCase().split(/[^a-zæøå]+/).filter(Boolean);
  if (tokens.length > 1 && words.some((w) => NORSKE_ORD.has(w))) return 'is a phrase with a Norwegian word';
  return null;
}

async function main() {
  const problems = [];
  const dictionaries = {};
  for (const code of ['nb', 'en']) {
    const base = (await import(path.join(web, `i18n-${code}.js`))).default;
    const portal = (await import(path.join(web, `i18n-portal-${code}.js`))).default;
    dictionaries[code] = { base, portal, all: { ...base, ...portal } };
  }
  for (const [set, label] of [['base', 'i18n-*.js'], ['portal', 'i18n-portal-*.js']]) {
    const nb = dictionaries.nb[set];
    const en = dictionaries.en[set];
    for (const key of Object.keys(nb)) {
      if (!(key in en)) problems.push(`${label}: "${key}" is in bokmål but not in English`);
      else if ((typeof nb[key] === 'function') !== (typeof en[key] === 'function')) {
        problems.push(`${label}: "${key}" is a function in one language only`);
      } else if (typeof nb[key] === 'function' && nb[key].length !== en[key].length) {
        problems.push(`${label}: "${key}" takes ${nb[key].length} values in bokmål, ${en[key].length} in English`);
      }
    }
    for (const key of Object.keys(en)) {
      if (!(key in nb)) problems.push(`${label}: "${key}" is in English but not in bokmål`);
    }
  }

  const classes = await cssClasses();
  const modules = await portalModules();
  let checked = 0;
  for (const file of modules) {
    const source = await readFile(path.join(web, file), 'utf8');
    for (const m of source.matchAll(/\bt\(\s*'([^']+)'/g)) {
      if (!(m[1] in dictionaries.nb.all)) problems.push(`${file}: t('${m[1]}') names no text`);
    }
    for (const { text, line } of literals(source)) {
      checked += 1;
      if (/^[\w.]+$/.test(text) && text in dictionaries.nb.all) continue; // a key given to t()
      const why = norskTekst(text, classes);
      if (why) problems.push(`${file}:${line}: "${text.trim()}" ${why}: move it to i18n-portal-*.js`);
    }
  }

  if (problems.length) {
    console.error(`${problems.length} problem(s) with the portal's texts:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`portal texts: ${Object.keys(dictionaries.nb.portal).length} in each language, same keys; `
    + `${checked} literals in ${modules.length} modules, none of them a text of its own`);
}

main().catch((error) => {
  console.error(error.stack || error);
  process.exit(2);
});
