// Godkjenning av mange bestillinger på én gang i godkjenningskøen: velg bestillinger med
// avkrysningsbokser, eller godkjenn alle som vises, med approveSubscriptions. Bestillinger som
// ikke kunne godkjennes, blir stående med grunnen.

import { el } from './common.js';
import { norsk } from './portal-ui.js';
import { t } from './i18n-portal.js';

/** Why one order of many was not approved, in the page's language. */
const GRUNN = {
  INVALID_STATE: t('bulk.INVALID_STATE'),
  FORBIDDEN: t('bulk.FORBIDDEN'),
  NOT_FOUND: t('bulk.NOT_FOUND'),
};

const GODKJENN_MANGE = `mutation($ids: [ID!]!) { approveSubscriptions(ids: $ids) {
  approved { id } failed { id code message } } }`;

/**
 * The bulk tools of the queue. `rader` is the queue's Map of id -> row (li), `navn(id)` an
 * order's name, `ferdig(id, tekst)` removes an approved row, `status` shows the outcome.
 * Returns `{ verktøy, merk }`: the toolbar, and `merk(li, id)` to give a row its checkbox.
 */
export function massegodkjenning(app, { rader, navn, ferdig, status }) {
  const valgte = new Set();
  const valgt = el('button', { type: 'button', text: t('bulk.valgte'), disabled: true });
  const alle = el('button', { type: 'button', class: 'sekundær', text: t('bulk.alle') });

  function oppdater() {
    valgt.disabled = valgte.size === 0;
    valgt.textContent = valgte.size ? t('bulk.valgteAntall', valgte.size) : t('bulk.valgte');
    alle.disabled = rader.size === 0;
  }

  async function godkjenn(ider) {
    if (!ider.length) return;
    valgt.disabled = true;
    alle.disabled = true;
    try {
      const d = await app.gql(GODKJENN_MANGE, { ids: ider });
      const r = d.approveSubscriptions;
      for (const s of r.approved) {
        valgte.delete(s.id);
        ferdig(s.id, '');
      }
      const deler = [t('bulk.godkjent', r.approved.length)];
      for (const f of r.failed) deler.push(`${navn(f.id)}: ${GRUNN[f.code] || t('bulk.ikkeGodkjent')}.`);
      status.replaceChildren(el('p', { class: r.failed.length ? 'melding feil' : 'melding ok', text: deler.join(' ') }));
    } catch (error) {
      status.replaceChildren(el('p', { class: 'melding feil', text: norsk(error) }));
    } finally {
      oppdater();
    }
  }

  valgt.addEventListener('click', () => godkjenn([...valgte].filter((id) => rader.has(id))));
  alle.addEventListener('click', () => godkjenn([...rader.keys()]));

  function merk(li, id) {
    const boks = el('input', {
      type: 'checkbox',
      'aria-label': t('bulk.velg', navn(id)),
      onchange: (e) => {
        if (e.target.checked) valgte.add(id); else valgte.delete(id);
        oppdater();
      },
    });
    const overskrift = li.querySelector('h2');
    if (overskrift) overskrift.prepend(boks, ' ');
    oppdater();
  }

  oppdater();
  return { verktøy: el('div', { class: 'knapper' }, valgt, alle), merk };
}
