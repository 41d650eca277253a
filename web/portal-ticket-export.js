// Nedlasting av billettlisten (CSV eller Excel) med søket og statusfilteret som vises nå,
// fra /reports/tickets med innloggingen som bearer-token.

import { el } from './common.js';
import { lastNed } from './portal-ui.js';

const FORMATER = [
  { ending: 'csv', tekst: 'billettlisten (CSV)' },
  { ending: 'xlsx', tekst: 'billettlisten (Excel)' },
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
    text: `Last ned ${f.tekst}`,
    onclick: async (e) => {
      e.target.disabled = true;
      status.className = '';
      status.textContent = `Henter ${f.tekst} …`;
      const { søk, status: valgt } = filter();
      const p = new URLSearchParams();
      if (valgt) p.set('status', valgt);
      if (søk) p.set('search', søk);
      const rest = p.toString();
      const url = `/reports/tickets/${encodeURIComponent(id)}.${f.ending}${rest ? `?${rest}` : ''}`;
      const { feil, fil } = await lastNed(url, app.token, `billetter.${f.ending}`);
      e.target.disabled = false;
      if (feil) {
        status.className = 'melding feil';
        status.textContent = feil;
      } else {
        status.textContent = `${fil} er lastet ned.`;
      }
    },
  }));
  return el('div', {}, el('div', { class: 'knapper' }, knapper), status);
}
