// Utkast: når økten utløper midt i et skjema, tas det som er skrevet vare på (i sessionStorage,
// bare i denne fanen), og etter ny innlogging går portalen tilbake til samme side og fyller
// skjemaene ut igjen. Det samme gjelder et bytte av språk, som laster siden på nytt. Passord tas
// aldri vare på.

const NØKKEL = 'bedrift:portal:utkast';

/** The fields worth keeping: what a person types or chooses, never passwords or files. */
function felter(rot) {
  return [...rot.querySelectorAll('input[name], select[name], textarea[name]')]
    .filter((f) => !['password', 'file', 'hidden', 'submit', 'button'].includes(f.type));
}

/**
 * A field's place on the page that survives a re-render (element ids are counters): the
 * form's index in `rot`, the field's name and which of that name in the form it is.
 */
function plasser(rot) {
  const former = [...rot.querySelectorAll('form')];
  const tellere = new Map();
  return felter(rot).map((f) => {
    const skjema = former.indexOf(f.form);
    const nøkkel = `${skjema}|${f.name}`;
    const nr = tellere.get(nøkkel) || 0;
    tellere.set(nøkkel, nr + 1);
    return { f, skjema, name: f.name, nr };
  });
}

/** Keeps what is typed in `rot` for `konto` on route `rute` (returns whether anything was). */
export function taVare(rot, rute, konto) {
  const verdier = plasser(rot).map(({ f, skjema, name, nr }) => ({
    skjema, name, nr,
    ...(f.type === 'checkbox' || f.type === 'radio' ? { checked: f.checked } : { value: f.value }),
  }));
  const skrevet = verdier.some((v) => v.value || v.checked);
  try {
    sessionStorage.setItem(NØKKEL, JSON.stringify({ rute, konto, verdier }));
  } catch {
    return false;
  }
  return skrevet;
}

/** The route kept with the draft of `konto`, or null (a draft of someone else is forgotten). */
export function lagretRute(konto) {
  let utkast = null;
  try {
    utkast = JSON.parse(sessionStorage.getItem(NØKKEL) || 'null');
  } catch {
    return null;
  }
  if (!utkast) return null;
  if (utkast.konto !== konto) {
    glem();
    return null;
  }
  return utkast.rute;
}

const SPRÅKBYTTE = 'bedrift:portal:sprakbytte';

/** Marks the draft as kept for a switch of language (not an expired session). */
export function merkSpråkbytte() {
  try {
    sessionStorage.setItem(SPRÅKBYTTE, '1');
  } catch {
    // Without storage there is no draft either.
  }
}

/** Whether the page was loaded again after a switch of language with a draft kept (asked once). */
export function etterSpråkbytte() {
  try {
    const merket = sessionStorage.getItem(SPRÅKBYTTE) === '1';
    sessionStorage.removeItem(SPRÅKBYTTE);
    return merket;
  } catch {
    return false;
  }
}

/** Forgets the draft. */
export function glem() {
  try {
    sessionStorage.removeItem(NØKKEL);
  } catch {
    // Nothing kept.
  }
}

/**
 * Fills the forms of `rot` from the draft kept for `konto` on `rute`, as if typed (input and
 * change events, so dependent parts of the form follow), and forgets it. Returns whether a
 * draft was restored.
 */
export function fyllInn(rot, rute, konto) {
  let utkast;
  try {
    utkast = JSON.parse(sessionStorage.getItem(NØKKEL) || 'null');
  } catch {
    utkast = null;
  }
  if (!utkast || utkast.rute !== rute) return false;
  glem();
  if (utkast.konto !== konto) return false;
  const her = plasser(rot);
  for (const v of utkast.verdier) {
    const treff = her.find((p) => p.skjema === v.skjema && p.name === v.name && p.nr === v.nr);
    if (!treff) continue;
    const { f } = treff;
    if ('checked' in v) {
      if (f.checked === v.checked) continue;
      f.checked = v.checked;
    } else {
      if (f.value === v.value) continue;
      f.value = v.value;
    }
    f.dispatchEvent(new Event('input', { bubbles: true }));
    f.dispatchEvent(new Event('change', { bubbles: true }));
  }
  return true;
}
