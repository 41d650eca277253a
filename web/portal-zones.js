// Sonevalg fra tariffen: én sone, to soner som grenser til hverandre, eller hele regionen,
// med månedsprisen for valgt kategori.

import { el, kroner } from './common.js';
import { nyId, lokalFeil, sonenavn } from './portal-ui.js';
import { t } from './i18n-portal.js';

function klasse(zones, wholeRegion) {
  if (wholeRegion) return 'WHOLE_REGION';
  return zones.length === 2 ? 'TWO_ZONES' : 'ONE_ZONE';
}

/** The zones that border `kode` in `tariff`, by name. */
export function naboer(tariff, kode) {
  const koder = tariff.neighbours
    .filter(([a, b]) => a === kode || b === kode)
    .map(([a, b]) => (a === kode ? b : a));
  return [...new Set(koder)].sort((x, y) => sonenavn(tariff, x).localeCompare(sonenavn(tariff, y), 'nb'));
}

/** The monthly price in `tariff` for a zone class and category, or null. */
export function pris(tariff, zoneClass, category) {
  const p = tariff.prices.find((x) => x.zoneClass === zoneClass && x.category === category);
  return p ? p.monthly : null;
}

/**
 * A zone picker. `start` is `{ zones, wholeRegion }`; `kategori()` gives the category whose
 * price to show (or null); `prisTariff()` the tariff the price comes from (default `tariff`;
 * null when none is known for the start, then no price is shown). Returns `{ node, verdi, oppdaterPris }`; `verdi()` throws a
 * `lokalFeil` when the choice is incomplete.
 */
export function sonevelger(tariff, start = { zones: [], wholeRegion: false }, kategori = () => null, prisTariff = () => tariff) {
  const alle = [...tariff.zones].sort((a, b) => a.name.localeCompare(b.name, 'nb'));
  const navn = nyId('soneklasse');
  const radio = (verdi, tekst) => {
    const id = nyId('klasse');
    return el('div', { class: 'valg' },
      el('input', { type: 'radio', id, name: navn, value: verdi, checked: klasse(start.zones, start.wholeRegion) === verdi, onchange: oppdater }),
      el('label', { for: id, text: tekst }));
  };
  const førsteId = nyId('sone');
  const andreId = nyId('nabosone');
  const første = el('select', { id: førsteId, name: 'zones', onchange: oppdater },
    el('option', { value: '', text: t('velgSone') }),
    alle.map((z) => el('option', { value: z.id, selected: z.id === start.zones[0], text: z.name })));
  const andre = el('select', { id: andreId, name: 'nabosone', onchange: oppdater });
  const førsteFelt = el('div', { class: 'felt' }, el('label', { for: førsteId, text: t('sone') }), første);
  const andreFelt = el('div', { class: 'felt' },
    el('label', { for: andreId, text: t('nabosone') }),
    el('span', { class: 'hjelp', text: t('nabosoneHjelp') }),
    andre);
  const prislinje = el('p', { 'aria-live': 'polite' });
  const node = el('fieldset', {},
    el('legend', { text: t('soner') }),
    radio('ONE_ZONE', t('enSone')),
    radio('TWO_ZONES', t('sone.toSoner')),
    radio('WHOLE_REGION', t('heleRegionen')),
    førsteFelt, andreFelt, prislinje);

  function valgtKlasse() {
    const r = node.querySelector(`input[name="${navn}"]:checked`);
    return r ? r.value : 'ONE_ZONE';
  }

  function oppdater() {
    const k = valgtKlasse();
    førsteFelt.hidden = k === 'WHOLE_REGION';
    andreFelt.hidden = k !== 'TWO_ZONES';
    const forrige = andre.value || start.zones[1] || '';
    const liste = første.value ? naboer(tariff, første.value) : [];
    andre.replaceChildren(
      el('option', { value: '', text: første.value ? t('sone.nabosoneValg') : t('sone.velgForsteForst') }),
      ...liste.map((z) => el('option', { value: z, selected: z === forrige, text: sonenavn(tariff, z) })));
    const kat = kategori();
    const priser = prisTariff();
    const beløp = kat && priser ? pris(priser, k, kat) : null;
    prislinje.textContent = beløp === null ? '' : t('sone.maanedspris', kroner(beløp));
  }

  function verdi() {
    const k = valgtKlasse();
    if (k === 'WHOLE_REGION') return { zones: [], wholeRegion: true };
    if (!første.value) throw lokalFeil('zones', t('sone.velgEn'));
    if (k === 'ONE_ZONE') return { zones: [første.value], wholeRegion: false };
    if (!andre.value) throw lokalFeil('nabosone', t('sone.velgNabosone'));
    return { zones: [første.value, andre.value], wholeRegion: false };
  }

  const r = node.querySelector(`input[name="${navn}"]:checked`);
  if (!r) node.querySelector(`input[name="${navn}"]`).checked = true;
  oppdater();
  return { node, verdi, oppdaterPris: oppdater };
}
