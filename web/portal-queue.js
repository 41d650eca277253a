// Godkjenningskøen: ventende bestillinger, eldste først, som oppdateres over websocket
// (approvalQueueChanged) uten at siden lastes på nytt. Godkjenn, eller avvis med begrunnelse.

import { el, dato, tidspunkt, telefon, kroner, subscribe } from './common.js';
import { felt, feilboks, vedInnsending, lokalFeil, kunngjør, soner, kategori, norsk } from './portal-ui.js';
import { massegodkjenning } from './portal-bulk.js';
import { t } from './i18n-portal.js';

/** The fields of a queued order. */
export const ORDRE = `id firstName lastName phone employeeNumber orderedAt startDate zones wholeRegion
  zoneClass category extraFields { label value } zoneChangeRequest { zones wholeRegion from requestedAt }`;

const KØ = `query($id: ID!) { company(id: $id) { id name orderingPolicy
  employerContribution { kind percent amount } approvalQueue(first: 20) { nodes { ${ORDRE} } } } }`;
const PRISER = 'query($on: Date) { tariff(on: $on) { prices { zoneClass category monthly } } }';
const LIVE = `subscription($id: ID!) { approvalQueueChanged(companyId: $id) { pendingCount orders { ${ORDRE} } } }`;
const GODKJENN = 'mutation($id: ID!) { approveSubscription(id: $id) { id status validFrom } }';
const AVVIS = 'mutation($id: ID!, $reason: String!) { rejectSubscription(id: $id, reason: $reason) { id status } }';

function navn(o) {
  return `${o.firstName} ${o.lastName}`;
}

/** The approval queue of company `id`. */
export async function kø(app, id) {
  const erAktuell = app.vakt();
  const [d, tariff] = await Promise.all([app.gql(KØ, { id }), app.tariff()]);
  if (!erAktuell()) return;

  const liste = el('ul', { class: 'kø', 'aria-labelledby': 'ko-overskrift' });
  // While ordering is closed no employee can order: the empty queue says where to open it.
  const tom = d.company.orderingPolicy === 'CLOSED'
    ? el('div', { class: 'kort' },
      el('p', { text: t('ko.stengt') }),
      el('p', {}, t('ko.aapneUnder'),
        el('a', { href: `#/firma/${id}/innstillinger`, text: t('meny.innstillinger') }), '.'))
    : el('p', { class: 'kort', text: t('ko.tom') });
  /** Price lists by start date, fetched once each: the price an order will be charged. */
  const priser = new Map();
  const prisliste = (dag) => {
    if (!priser.has(dag)) priser.set(dag, app.gql(PRISER, { on: dag }).then((p) => p.tariff.prices).catch(() => null));
    return priser.get(dag);
  };
  const bidrag = d.company.employerContribution;
  /** What the company pays of `pris` øre (R14), as the order page computes it. */
  const bedriftensDel = (pris) => {
    if (!bidrag) return 0;
    if (bidrag.kind === 'PERCENT') return Math.min(pris, Math.floor((pris * bidrag.percent + 50) / 100));
    if (bidrag.kind === 'FIXED') return Math.min(pris, bidrag.amount);
    return 0;
  };
  const teller = el('p', { class: 'teller' });
  const status = el('div', { role: 'status' });
  const live = el('p', { class: 'liten dempet', text: t('ko.live') });
  const rader = new Map();
  const navnPå = new Map();
  let kjente = null;

  function fokusEtter(li) {
    const neste = li.nextElementSibling || li.previousElementSibling;
    const mål = neste ? neste.querySelector('button') : teller;
    if (mål) {
      if (mål === teller) teller.setAttribute('tabindex', '-1');
      mål.focus();
    }
  }

  function ferdig(o, li, tekst) {
    rader.delete(o.id);
    fokusEtter(li);
    li.remove();
    status.replaceChildren(el('p', { class: 'melding ok', text: tekst }));
    oppdaterTeller(rader.size);
  }

  const mange = massegodkjenning(app, {
    rader,
    navn: (oid) => navnPå.get(oid) || t('ko.bestillingen'),
    ferdig: (oid) => {
      const li = rader.get(oid);
      if (!li) return;
      rader.delete(oid);
      if (li.contains(document.activeElement)) fokusEtter(li);
      li.remove();
      oppdaterTeller(rader.size);
    },
    status,
  });

  function rad(o) {
    navnPå.set(o.id, navn(o));
    const li = el('li', { dataset: { id: o.id } });
    const handlinger = el('div', { class: 'knapper' });
    const godkjenn = el('button', {
      type: 'button',
      'aria-label': t('ko.godkjennFra', navn(o)),
      text: t('ko.godkjenn'),
      onclick: async () => {
        godkjenn.disabled = true;
        try {
          await app.gql(GODKJENN, { id: o.id });
          ferdig(o, li, t('ko.godkjent', navn(o)));
        } catch (error) {
          godkjenn.disabled = false;
          feil.textContent = norsk(error);
        }
      },
    });
    const feil = el('div', { class: 'melding feil', role: 'alert' });
    const avvisSkjema = avvisning(o, li, () => {
      avvisSkjema.hidden = true;
      handlinger.hidden = false;
      avvis.focus();
    });
    avvisSkjema.hidden = true;
    const avvis = el('button', {
      type: 'button',
      class: 'sekundær',
      'aria-label': t('ko.avvisFra', navn(o)),
      text: t('ko.avvis'),
      onclick: () => {
        avvisSkjema.hidden = false;
        handlinger.hidden = true;
        avvisSkjema.querySelector('textarea').focus();
      },
    });
    handlinger.append(godkjenn, avvis);
    const månedspris = el('dd', { text: '…' });
    const trekk = el('dd', { text: '…' });
    prisliste(o.startDate).then((liste) => {
      const pris = liste && liste.find((p) => p.zoneClass === o.zoneClass && p.category === o.category);
      månedspris.textContent = pris ? kroner(pris.monthly) : '–';
      trekk.textContent = pris ? kroner(pris.monthly - bedriftensDel(pris.monthly)) : '–';
    });
    // A ticket whose holder asks for new zones (R8): decided with the same buttons.
    const ønske = o.zoneChangeRequest;
    const fakta = el('dl', { class: 'fakta' },
      ønske ? [el('dt', { text: t('ko.onskerSoner') }), el('dd', {
        text: `${soner(tariff, ønske)}, ${ønske.from === 'IMMEDIATELY' ? t('ui.fraGodkjenningsdagen') : t('ui.fraMaanedenEtter')}`,
      })] : null,
      el('dt', { text: t('ko.mobil') }), el('dd', { text: telefon(o.phone) }),
      el('dt', { text: ønske ? t('ko.sonerNaa') : t('soner') }), el('dd', { text: soner(tariff, o) }),
      el('dt', { text: t('reisende') }), el('dd', { text: kategori(o.category) }),
      el('dt', { text: t('ko.starter') }), el('dd', { text: dato(o.startDate) }),
      el('dt', { text: t('maanedspris') }), månedspris,
      el('dt', { text: t('ko.trekk') }), trekk,
      o.employeeNumber ? [el('dt', { text: t('ko.ansattnr') }), el('dd', { text: o.employeeNumber })] : null,
      o.extraFields.map((a) => [el('dt', { text: a.label }), el('dd', { text: a.value })]),
      el('dt', { text: t('ko.bestilt') }), el('dd', { text: tidspunkt(o.orderedAt) }));
    li.append(el('article', { class: 'kort', 'aria-label': navn(o) },
      el('h2', { text: navn(o) }), fakta, handlinger, avvisSkjema, feil));
    mange.merk(li, o.id);
    return li;
  }

  function avvisning(o, li, avbryt) {
    const boks = feilboks();
    const form = el('form', { novalidate: true },
      felt({
        name: 'reason',
        label: t('ko.begrunnelseFor', navn(o)),
        type: 'textarea',
        hjelp: t('ko.begrunnelseSms'),
        attrs: { maxlength: '500', rows: '3' },
      }),
      boks,
      el('div', { class: 'knapper' },
        el('button', { type: 'submit', class: 'fare', text: t('ko.avvisBestillingen') }),
        el('button', { type: 'button', class: 'sekundær', text: t('avbryt'), onclick: avbryt })));
    form.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') avbryt();
    });
    vedInnsending(form, boks, async (f) => {
      const reason = f.elements.reason.value.trim();
      if (!reason) throw lokalFeil('reason', t('ko.skrivHvorfor'));
      await app.gql(AVVIS, { id: o.id, reason });
      ferdig(o, li, t('ko.avvist', navn(o)));
    });
    return form;
  }

  function oppdaterTeller(antall) {
    teller.textContent = t('ko.venter', antall);
    teller.hidden = antall === 0;
    tom.hidden = antall > 0;
  }

  /** Puts `ordre` on the page, keeping rows already shown in place (and focus in them). */
  function vis(ordre, antall) {
    const ider = new Set(ordre.map((o) => o.id));
    for (const [oid, li] of rader) {
      if (!ider.has(oid)) {
        if (li.contains(document.activeElement)) fokusEtter(li);
        li.remove();
        rader.delete(oid);
      }
    }
    const nye = [];
    ordre.forEach((o, i) => {
      let li = rader.get(o.id);
      if (!li) {
        li = rad(o);
        rader.set(o.id, li);
        if (kjente && !kjente.has(o.id)) nye.push(o);
      }
      if (liste.children[i] !== li) liste.insertBefore(li, liste.children[i] || null);
    });
    kjente = new Set([...(kjente || []), ...ider]);
    oppdaterTeller(antall);
    if (antall > ordre.length) {
      teller.textContent += t('ko.eldste', ordre.length);
    }
    if (nye.length === 1) kunngjør(t('ko.ny', navn(nye[0])));
    else if (nye.length > 1) kunngjør(t('ko.nye', nye.length));
  }

  vis(d.company.approvalQueue.nodes, d.company.approvalQueue.nodes.length);
  const stopp = subscribe(LIVE, { id }, app.token, (data) => {
    if (!erAktuell()) return;
    const q = data.approvalQueueChanged;
    vis(q.orders, q.pendingCount);
    live.textContent = t('ko.live');
  }, (error) => {
    if (!erAktuell()) return;
    live.textContent = error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN'
      ? t('ko.ikkeLiveLoggInn')
      : t('ko.ikkeLive');
  });
  app.vedForlat(stopp);

  app.vis(t('ko.tittel', d.company.name),
    el('h2', { id: 'ko-overskrift', class: 'skjult', text: t('ko.ventende') }),
    teller, live, mange.verktøy, status, tom, liste);
}
