// Bedriftsportalens tekster: legger tekstene i i18n-portal-nb.js og i18n-portal-en.js til
// språkene i i18n.js (som velger, bytter og husker språket) og gir portalens moduler `t`.
// Importeres av hver portalmodul før den bruker en tekst, så tekstene er der når modulen kjører.

import { leggTilTekster, t, sprak, sprakknapp } from './i18n.js';
import nb from './i18n-portal-nb.js';
import en from './i18n-portal-en.js';

leggTilTekster({ nb, en });

export { t, sprak, sprakknapp };
