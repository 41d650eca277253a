// Bedriftsportalens tekster: legger tekstene på sidens språk (i18n-portal-nb.js eller
// i18n-portal-en.js) til tekstene i i18n.js (som velger, bytter og husker språket) og gir
// portalens moduler `t`. Importeres av hver portalmodul før den bruker en tekst, så tekstene er
// der når modulen kjører; bare det valgte språket lastes.

import { leggTilTekster, t, sprak, sprakknapp } from './i18n.js';

leggTilTekster((await import(`./i18n-portal-${sprak}.js`)).default);

export { t, sprak, sprakknapp };
