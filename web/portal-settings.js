// Innstillingene til en bedrift: navn og fakturaadresse, bestillingsordning, bestillingslenke
// (kopier, lag ny), bestillingsskjema, arbeidsgiverandel, lønnsart og administratorer. Innstillingene lagres
// med én knapp, «Lagre endringer», som lagrer hvert kort som er endret; kort med endringer som
// ikke er lagret, er merket, så ingenting går tapt ved at bare ett kort lagres.

import { el, kroner, dato, orgnr, visFeil, fjernFeil } from './common.js';
import { felt, velger, radioer, valgt, feilboks, lokalFeil, kunngjør, nyId, norsk } from './portal-ui.js';
import { administratorer } from './portal-admins.js';
import { t } from './i18n-portal.js';

const INNSTILLINGER = `query($id: ID!) { company(id: $id) { id name orgNumber invoiceEmail orderingPolicy orderLink
  orderForm { employeeNumber extraFields { label required } }
  employerContribution { kind percent amount } payTypeCode departmentField costCentreField endsOn readAccessUntil
  administrators { accountId name email lastLoginAt orderNotice } } }`;

const MAKS_FELT = 10;

function seksjon(tittel, ...innhold) {
  const id = nyId('seksjon');
  return el('section', { class: 'kort', 'aria-labelledby': id }, el('h2', { id, text: tittel }), ...innhold);
}

/** The setting cards of the page shown: each form, its saver, and whether it is changed. */
let innstillingskort = [];

/**
 * A setting card's form: no button of its own (the page's «Lagre endringer» saves every
 * changed card); marked «Ikke lagret» while changed; Enter in it saves too.
 */
function innstilling(innhold, lagre) {
  const boks = feilboks();
  const ok = el('p', { role: 'status', class: 'dempet' });
  const merke = el('p', { class: 'ulagret', hidden: true, text: t('inst.ikkeLagret') });
  const form = el('form', { novalidate: true }, innhold, boks, merke, ok);
  const kort = { form, lagre, boks, ok, merke, endret: false };
  const endret = () => {
    kort.endret = true;
    merke.hidden = false;
    ok.textContent = '';
  };
  form.addEventListener('input', endret);
  form.addEventListener('change', endret);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    lagreEndringer();
  });
  innstillingskort.push(kort);
  return form;
}

/** Saves every changed setting card, in page order; a refusal stays next to its card. */
async function lagreEndringer() {
  const knapp = document.getElementById('lagre-endringer');
  const status = document.getElementById('lagre-status');
  const endrede = innstillingskort.filter((k) => k.endret);
  if (endrede.length === 0) {
    status.textContent = t('inst.ingenEndringer');
    return;
  }
  knapp.disabled = true;
  let feil = 0;
  for (const kort of endrede) {
    fjernFeil(kort.form);
    kort.boks.textContent = '';
    try {
      kort.ok.textContent = await kort.lagre(kort.form);
      kort.endret = false;
      kort.merke.hidden = true;
    } catch (error) {
      feil += 1;
      visFeil(kort.form, error, kort.boks);
      const melding = norsk(error);
      const ugyldig = kort.form.querySelector('[aria-invalid="true"]');
      const hjelp = ugyldig && kort.form.querySelector(`#${CSS.escape(`${ugyldig.id || ugyldig.name}-feil`)}`);
      if (hjelp) hjelp.textContent = melding;
      else kort.boks.textContent = melding;
    }
  }
  knapp.disabled = false;
  status.textContent = feil === 0
    ? t('inst.lagret')
    : t('inst.noenLagret', endrede.length - feil, endrede.length);
  kunngjør(status.textContent);
}

/** Kroner as typed ("250", "250,50", "1 250.5", "1,250.50") to øre, or null. */
export function tilØre(tekst) {
  let renset = tekst.replace(/[\s\u00a0]/g, '').replace(/kr$/i, '');
  // "1,234.50" (English) and "1.234,50": the last mark is the decimal one, the other groups.
  const komma = renset.lastIndexOf(',');
  const punktum = renset.lastIndexOf('.');
  if (komma >= 0 && punktum >= 0) {
    renset = komma > punktum ? renset.replace(/\./g, '').replace(',', '.') : renset.replace(/,/g, '');
  } else {
    renset = renset.replace(',', '.');
  }
  if (!/^\d+(\.\d{1,2})?$/.test(renset)) return null;
  const [kr, øre = ''] = renset.split('.');
  return Number(kr) * 100 + Number(øre.padEnd(2, '0'));
}

function policy(app, c) {
  return seksjon(t('inst.ordning'), innstilling(
    radioer({
      name: 'policy',
      legend: t('inst.ordningSporsmal'),
      value: c.orderingPolicy,
      valg: [
        ['APPROVAL_REQUIRED', t('inst.ordningGodkjenning')],
        ['AUTOMATIC_APPROVAL', t('inst.ordningAutomatisk')],
        ['CLOSED', t('inst.ordningStengt')],
      ],
    }),
    async (f) => {
      await app.gql('mutation($id: ID!, $p: OrderingPolicy!) { setOrderingPolicy(companyId: $id, policy: $p) { orderingPolicy } }',
        { id: c.id, p: valgt(f, 'policy') });
      return t('inst.ordningLagret');
    }));
}

function lenke(app, c) {
  const id = nyId('lenke');
  const input = el('input', { id, type: 'text', readonly: true, value: c.orderLink, 'aria-describedby': `${id}-hjelp` });
  const status = el('p', { role: 'status', class: 'dempet' });
  const boks = feilboks();
  const kopier = el('button', {
    type: 'button',
    class: 'sekundær',
    text: t('inst.kopier'),
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(input.value);
      } catch {
        input.select();
        document.execCommand('copy');
      }
      status.textContent = t('inst.kopiert');
    },
  });
  const bekreft = el('div', { class: 'melding advarsel', hidden: true },
    el('p', { text: t('inst.gamleLenken') }),
    el('div', { class: 'knapper' },
      el('button', {
        type: 'button',
        class: 'fare',
        text: t('inst.jaNyLenke'),
        onclick: async (e) => {
          e.target.disabled = true;
          try {
            const d = await app.gql('mutation($id: ID!) { rotateOrderLink(companyId: $id) { orderLink } }', { id: c.id });
            input.value = d.rotateOrderLink.orderLink;
            bekreft.hidden = true;
            status.textContent = t('inst.nyLenkeLaget');
            input.focus();
          } catch (error) {
            boks.textContent = norsk(error);
          } finally {
            e.target.disabled = false;
          }
        },
      }),
      el('button', {
        type: 'button',
        class: 'sekundær',
        text: t('avbryt'),
        onclick: () => { bekreft.hidden = true; ny.focus(); },
      })));
  bekreft.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      bekreft.hidden = true;
      ny.focus();
    }
  });
  const ny = el('button', {
    type: 'button',
    class: 'sekundær',
    text: t('inst.lagNyLenke'),
    onclick: () => { bekreft.hidden = false; bekreft.querySelector('button').focus(); },
  });
  return seksjon(t('inst.bestillingslenke'),
    el('div', { class: 'felt' },
      el('label', { for: id, text: t('inst.lenkeEtikett') }),
      el('span', { class: 'hjelp', id: `${id}-hjelp`, text: t('inst.lenkeHjelp') }),
      el('div', { class: 'lenkefelt' }, input, kopier)),
    el('div', { class: 'knapper' }, ny), bekreft, boks, status);
}

function skjemafelt(app, c) {
  const liste = el('div', {});
  const leggTil = el('button', { type: 'button', class: 'sekundær', text: t('inst.leggTilFelt') });

  function rad(f = { label: '', required: false }) {
    const tekstId = nyId('etikett');
    const kryssId = nyId('pakrevd');
    const boks = el('div', { class: 'ekstrafelt' });
    const fjern = el('button', { type: 'button', class: 'lenke', text: t('inst.fjernFelt') });
    const opp = el('button', { type: 'button', class: 'lenke flytt-opp', text: t('inst.flyttOpp') });
    opp.addEventListener('click', () => {
      const forrige = boks.previousElementSibling;
      if (!forrige) return;
      liste.insertBefore(boks, forrige);
      oppdater();
      opp.focus();
      kunngjør(t('inst.feltNummer', [...liste.children].indexOf(boks) + 1));
    });
    fjern.addEventListener('click', () => {
      boks.remove();
      oppdater();
      kunngjør(t('inst.feltFjernet'));
      leggTil.focus();
    });
    boks.append(
      el('div', { class: 'felt' },
        el('label', { for: tekstId, class: 'etikett-tekst', text: t('inst.ledetekst') }),
        el('input', { id: tekstId, type: 'text', name: 'label', value: f.label, maxlength: '50', 'data-felt': 'ja' })),
      el('div', { class: 'valg' },
        el('input', { id: kryssId, type: 'checkbox', checked: f.required, 'data-krav': 'ja' }),
        el('label', { for: kryssId, text: t('inst.maaFyllesUt') })),
      el('div', { class: 'knapper' }, opp, fjern));
    return boks;
  }

  function oppdater() {
    [...liste.children].forEach((b, i) => {
      b.querySelector('label.etikett-tekst').textContent = t('inst.ledetekstFelt', i + 1);
      b.querySelector('input[data-felt]').name = i === 0 ? 'extraFields' : `label-${i}`;
      b.querySelector('.flytt-opp').hidden = i === 0;
    });
    leggTil.hidden = liste.children.length >= MAKS_FELT;
  }

  c.orderForm.extraFields.forEach((f) => liste.append(rad(f)));
  leggTil.addEventListener('click', () => {
    const r = rad();
    liste.append(r);
    oppdater();
    r.querySelector('input').focus();
  });
  oppdater();

  return seksjon(t('inst.skjema'), innstilling([
    radioer({
      name: 'employeeNumber',
      legend: t('ansattnummer'),
      value: c.orderForm.employeeNumber,
      valg: [['HIDDEN', t('inst.sporIkke')], ['OPTIONAL', t('inst.valgfritt')], ['REQUIRED', t('inst.maaFyllesUt')]],
    }),
    el('fieldset', {},
      el('legend', { text: t('inst.egneFelt') }),
      el('p', { class: 'hjelp', text: t('inst.hoyst', MAKS_FELT) }),
      liste, leggTil),
  ], async (f) => {
    const extraFields = [];
    const sett = new Set();
    for (const b of liste.children) {
      const input = b.querySelector('input[data-felt]');
      const label = input.value.trim();
      if (!label) throw lokalFeil(input.name, t('inst.skrivLedetekst'));
      if (sett.has(label.toLowerCase())) throw lokalFeil(input.name, t('inst.sammeLedetekst'));
      sett.add(label.toLowerCase());
      extraFields.push({ label, required: b.querySelector('input[data-krav]').checked });
    }
    await app.gql('mutation($id: ID!, $input: OrderFormInput!) { configureOrderForm(companyId: $id, input: $input) { id } }',
      { id: c.id, input: { employeeNumber: valgt(f, 'employeeNumber'), extraFields } });
    return t('inst.skjemaLagret');
  }));
}

function andel(app, c) {
  const e = c.employerContribution;
  const prosent = felt({ name: 'percent', label: t('inst.prosent'), type: 'text', value: e.percent ?? '', attrs: { inputmode: 'numeric' } });
  const beløp = felt({
    name: 'amount',
    label: t('inst.belop'),
    type: 'text',
    value: e.amount != null ? kroner(e.amount).replace(/\s*kr$/, '').replace(/\u00a0/g, '') : '',
    hjelp: t('inst.belopHjelp'),
    attrs: { inputmode: 'decimal' },
  });
  const valg = radioer({
    name: 'kind',
    legend: t('inst.hvaBetaler'),
    value: e.kind,
    valg: [['NONE', t('inst.ingenting')], ['PERCENT', t('inst.enProsent')], ['FIXED', t('inst.fastBelop')]],
  });
  const vis = () => {
    const k = valg.querySelector('input:checked').value;
    prosent.hidden = k !== 'PERCENT';
    beløp.hidden = k !== 'FIXED';
  };
  valg.addEventListener('change', vis);
  vis();
  return seksjon(t('arbeidsgiverenBetaler'), innstilling([
    el('p', { class: 'hjelp', text: t('inst.andelHjelp') }),
    valg, prosent, beløp,
  ], async (f) => {
    const kind = valgt(f, 'kind');
    const input = { kind };
    if (kind === 'PERCENT') {
      const p = f.elements.percent.value.trim();
      if (!/^\d{1,3}$/.test(p) || Number(p) > 100) throw lokalFeil('percent', t('inst.helProsent'));
      input.percent = Number(p);
    }
    if (kind === 'FIXED') {
      const øre = tilØre(f.elements.amount.value);
      if (øre === null) throw lokalFeil('amount', t('inst.skrivBelop'));
      input.amount = øre;
    }
    await app.gql('mutation($id: ID!, $input: EmployerContributionInput!) { setEmployerContribution(companyId: $id, input: $input) { id } }',
      { id: c.id, input });
    return t('inst.andelLagret');
  }));
}

/** Pay type code, and which form fields are the department and cost centre in the import files. */
function lønnsart(app, c) {
  const felter = [['', t('inst.ingen')], ...c.orderForm.extraFields.map((f) => [f.label, f.label])];
  return seksjon(t('inst.lonnsart'), innstilling([
    felt({
      name: 'payTypeCode',
      label: t('inst.lonnsartEtikett'),
      value: c.payTypeCode || '',
      hjelp: t('inst.lonnsartHjelp'),
    }),
    velger({
      name: 'departmentField', label: t('inst.avdelingFra'), valg: felter, value: c.departmentField || '',
      hjelp: t('inst.avdelingHjelp'),
    }),
    velger({
      name: 'costCentreField', label: t('inst.koststedFra'), valg: felter, value: c.costCentreField || '',
      hjelp: t('inst.koststedHjelp'),
    }),
  ],
  async (f) => {
    const payTypeCode = f.elements.payTypeCode.value.trim();
    if (!payTypeCode) throw lokalFeil('payTypeCode', t('inst.skrivLonnsart'));
    const departmentField = f.elements.departmentField.value || null;
    const costCentreField = f.elements.costCentreField.value || null;
    await app.gql(`mutation($id: ID!, $code: String!, $dep: String, $cost: String) {
      setPayrollSettings(companyId: $id, payTypeCode: $code, departmentField: $dep, costCentreField: $cost) { payTypeCode } }`,
    { id: c.id, code: payTypeCode, dep: departmentField, cost: costCentreField });
    return t('inst.lonnsartLagret');
  }));
}

/**
 * How the administrator themself hears of orders waiting for approval: an e-mail per order, or
 * one each morning. Each administrator's own choice, so only shown to one of them.
 */
function varsel(app, c) {
  const meg = c.administrators.find((a) => a.accountId === app.viewer.accountId);
  if (!meg) return null;
  return seksjon(t('inst.varsel'), innstilling(
    radioer({
      name: 'orderNotice',
      legend: t('inst.varselSporsmal'),
      value: meg.orderNotice,
      valg: [
        ['IMMEDIATELY', t('inst.varselHver')],
        ['DAILY_DIGEST', t('inst.varselDaglig'), t('inst.varselDagligHjelp')],
      ],
    }),
    async (f) => {
      await app.gql('mutation($id: ID!, $n: OrderNotice!) { setOrderNotice(companyId: $id, notice: $n) { id } }',
        { id: c.id, n: valgt(f, 'orderNotice') });
      return t('inst.varselLagret');
    }));
}

/** The company's name and invoice address. */
function firma(app, c) {
  return seksjon(t('inst.bedriften'), innstilling([
    felt({ name: 'name', label: t('bill.navn'), value: c.name, autocomplete: 'organization' }),
    felt({ name: 'invoiceEmail', label: t('inst.fakturaadresse'), type: 'email', value: c.invoiceEmail, autocomplete: 'email' }),
  ],
  async (f) => {
    const name = f.elements.name.value.trim();
    if (!name) throw lokalFeil('name', t('inst.skrivBedriftsnavn'));
    const invoiceEmail = f.elements.invoiceEmail.value.trim();
    if (!invoiceEmail) throw lokalFeil('invoiceEmail', t('inst.skrivFakturaEpost'));
    await app.gql(`mutation($id: ID!, $name: String!, $email: String!) {
      updateCompanyDetails(companyId: $id, name: $name, invoiceEmail: $email) { name } }`,
    { id: c.id, name, email: invoiceEmail });
    return t('inst.bedriftLagret');
  }));
}

/** The settings page of company `id`. */
export async function innstillinger(app, id) {
  const erAktuell = app.vakt();
  const d = await app.gql(INNSTILLINGER, { id });
  if (!erAktuell()) return;
  const c = d.company;
  innstillingskort = [];
  if (c.endsOn) {
    // A deactivated company changes no more; its administrators only read.
    app.vis(t('inst.tittel', c.name),
      el('p', { class: 'melding advarsel' },
        t('inst.avsluttet', dato(c.endsOn), dato(c.readAccessUntil))));
    return;
  }
  const kolonner = el('div', { class: 'to-kolonner' },
    el('div', {}, firma(app, c), policy(app, c), lenke(app, c), andel(app, c), lønnsart(app, c)),
    el('div', {}, skjemafelt(app, c), varsel(app, c), administratorer(app, c, seksjon)));
  app.vis(t('inst.tittel', c.name),
    el('p', { class: 'dempet', text: t('inst.orgnr', orgnr(c.orgNumber), c.invoiceEmail) }),
    kolonner,
    el('div', { class: 'lagre-linje' },
      el('button', { type: 'button', id: 'lagre-endringer', text: t('inst.lagreEndringer'), onclick: lagreEndringer }),
      el('p', { role: 'status', id: 'lagre-status', class: 'dempet' })));
}
