import { api } from './api.js';
import { h, toast } from './dom.js';
import { field as formField, clearErrors } from './detail.js';

const euro = new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' });
let packagesOnce = null;

/** The packages a deal is made from (GET /api/packages), asked once per page load. */
export function packages() {
  packagesOnce ??= api('/api/packages').then((r) => r.packages).catch((e) => { packagesOnce = null; throw e; });
  return packagesOnce;
}

/** "1490", "1.490,00", "1490,5", "1490.50" → cents; null when it is no amount. */
export function parseEuros(text) {
  let t = String(text ?? '').replace(/[\s€]/g, '');
  if (!t) return null;
  if (t.includes(',')) t = t.replace(/\./g, '').replace(',', '.');
  else if (/^\d{1,3}(\.\d{3})+$/.test(t)) t = t.replace(/\./g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return null;
  return Math.round(Number(t) * 100);
}

const inputEuros = (cents) => (cents / 100).toFixed(2).replace('.', ',');
const priceText = (p) => `${euro.format(p.price_cents / 100)}${p.kind === 'monthly' ? ' im Monat' : ' einmalig'}`;

// The deal fields of POST /api/leads/{id}/stage ("deal.package", …) → the form's fields.
const FIELD_OF = { 'deal.package': 'package', 'deal.amount_cents': 'price', 'deal.price_reason': 'price_reason', 'deal.starts_on': 'starts_on' };

/**
 * "Gewonnen" with its deal, in one step: a package of public.packages, the price prefilled from it (another price
 * needs a reason, which the database asks for at the field), the retainer's start date where the package is
 * monthly; submit = POST /api/leads/{id}/stage with to_stage WON and the deal (one transaction). Shared by the lead
 * view and the pipeline card. <paramref>prefix</paramref> makes the ids unique (#<prefix>-package, …).
 * onWon(answer) after the move; onStale(error) when someone moved the lead in between (409); onCancel().
 */
export function dealForm({ prefix, lead, onWon, onStale, onCancel }) {
  const fields = { inputs: {}, errors: {} };
  const { inputs, errors } = fields;
  const field = (name, label, input, hint) => {
    const div = formField(fields, prefix, name, label, input, hint);
    div.setAttribute('data-field', name);
    return div;
  };
  const pkg = h('select', { required: true }, h('option', { value: '' }, 'Pakete laden …'));
  const price = h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', maxlength: '15' });
  const reason = h('input', { type: 'text', autocomplete: 'off', maxlength: '300' });
  const startsOn = h('input', { type: 'date' });
  const listPrice = h('span', { id: `${prefix}-listenpreis` });
  const start = field('starts_on', 'Start des Retainers (optional, sonst der Tag des Abschlusses)', startsOn);
  start.hidden = true;
  const summary = h('p', { class: 'error', id: `${prefix}-fehler`, role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-action': 'confirm', id: `${prefix}-senden` }, 'Deal anlegen und gewinnen');
  const cancel = h('button', { type: 'button', 'data-action': 'cancel', onclick: () => onCancel?.() }, 'Abbrechen');
  const form = h('form', { class: 'ask deal-form', id: `${prefix}-form`, 'data-ask': 'WON', novalidate: true, 'aria-labelledby': `${prefix}-titel` },
    h('h3', { id: `${prefix}-titel` }, `Gewonnen: Deal für ${lead.name}`),
    field('package', 'Paket', pkg),
    field('price', 'Preis in Euro', price, h('span', {}, 'Listenpreis: ', listPrice)),
    field('price_reason', 'Grund für einen anderen Preis', reason, 'Nur nötig, wenn der Preis vom Listenpreis abweicht.'),
    start,
    h('div', { class: 'actions' }, submit, cancel),
    summary);
  form.addEventListener('keydown', (e) => { if (e.key === 'Escape') onCancel?.(); });

  let list = [];
  const chosen = () => list.find((p) => p.key === pkg.value);
  // A package chosen: its list price in the field. When the packages arrive, a price typed meanwhile stays.
  function choose(loaded = false) {
    const p = chosen();
    listPrice.textContent = p ? priceText(p) : '–';
    if (p && !(loaded && price.value.trim())) price.value = inputEuros(p.price_cents);
    start.hidden = p?.kind !== 'monthly';
    if (start.hidden) startsOn.value = '';
  }
  pkg.addEventListener('change', () => choose());
  packages().then((ps) => {
    list = ps;
    pkg.replaceChildren(h('option', { value: '' }, '– Paket wählen –'), ...ps.map((p) => h('option', { value: p.key }, `${p.name} (${priceText(p)})`)));
    if (ps.length) pkg.value = ps[0].key;
    choose(true);
  }, (e) => { summary.textContent = `Die Pakete konnten nicht geladen werden: ${e.message}`; });

  function show(fieldErrors) {
    let first = null;
    const rest = [];
    for (const [name, messages] of Object.entries(fieldErrors)) {
      const at = FIELD_OF[name] ?? (inputs[name] ? name : null);
      if (!at) { rest.push(...messages); continue; }
      errors[at].textContent = messages.join(' ');
      inputs[at].setAttribute('aria-invalid', 'true');
      first ??= inputs[at];
    }
    if (rest.length) summary.textContent = rest.join(' ');
    first?.focus();
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(fields, summary);
    const p = chosen();
    if (!p) return show({ package: ['Bitte ein Paket wählen.'] });
    const cents = parseEuros(price.value);
    if (cents == null || cents <= 0) return show({ price: ['Bitte den Preis in Euro angeben, z. B. 1490 oder 1.490,00.'] });
    const deal = { package: p.key, amount_cents: cents };
    if (reason.value.trim()) deal.price_reason = reason.value.trim();
    if (!start.hidden && startsOn.value) deal.starts_on = startsOn.value;
    submit.disabled = true;
    try {
      const moved = await api(`/api/leads/${lead.id}/stage`, {
        method: 'POST', body: JSON.stringify({ to_stage: 'WON', from_stage: lead.stage, deal }),
      });
      toast(`${lead.name}: ${moved.stage_label}. Deal angelegt (${euro.format(cents / 100)}).`);
      await onWon?.(moved);
    } catch (err) {
      if (err.status === 409) {
        summary.textContent = err.message;
        await onStale?.(err);
      } else if (Object.keys(err.errors).length) show(err.errors);
      else summary.textContent = err.message;
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
