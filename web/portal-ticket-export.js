// Nedlasting av billettlisten (CSV eller Excel) med søket og statusfilteret som vises nå,
// fra /reports/tickets med innloggingen som bearer-token.

import { el } from './common.js';
import { lastNed } from './portal-ui.js';
import { t } from './i18n-portal.js';

const FORMATER = [
  { ending: 'csv', tekst: t('eksport.csv') },
  { ending: 'xlsx', tekst: t('eksport.excel') },
];

/**
 * Buttons that download company `id`'s ticket list; `filter()` gives the list's current
 * `{ søk, status }`, so the file has what the list shows.
 */
export function billettnedlasting(app, id, filter) {
  const status = el('p', { role: 'status' });
  const knapper = FORMATER.map((f) => el('button', {
    type: 'button',
    class: 'sekundær',
    'data-format': f.ending,
    text: t('lonn.lastNed', f.tekst),
    onclick: async (e) => {
      e.target.disabled = true;
      status.className = '';
      status.textContent = t('lonn.henter', f.tekst);
      const { søk, status: valgt } = filter();
      const p = new URLSearchParams();
      if (valgt) p.set('status', valgt);
      if (søk) p.set('search', søk);
      const rest = p.toString();
      const url = `/reports/tickets/${encodeURIComponent(id)}.${f.ending}${rest ? `?${rest}` : ''}`;
      const { feil, fil } = await lastNed(url, app.token, t('eksport.fil', f.ending));
      e.target.disabled = false;
      if (feil) {
        status.className = 'melding feil';
        status.textContent = feil;
      } else {
        status.textContent = t('lonn.lastetNed', fil);
      }
    },
  }));
  return el('div', {}, el('div', { class: 'knapper' }, knapper), status);
}
