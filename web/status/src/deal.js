import { api } from './api.js';
import { h, toast, formatDateTime } from './dom.js';
import { loading, failed, backLink, formatDate, facts, field, clearErrors, showErrors } from './detail.js';

const STATUS = { OPEN: 'offen', WON: 'gewonnen', LOST: 'verloren' };
const PACKAGES = [['SETUP', 'Setup'], ['RETAINER', 'Retainer']];
const FIELDS = { package: 'Paket', amount_cents: 'Betrag', price_reason: 'Preisgrund', starts_on: 'Retainer ab', ends_on: 'Retainer bis', status: 'Status', won_at: 'Gewonnen am' };
const euro = new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' });

function value(name, v) {
  if (v == null || v === '') return '–';
  if (name === 'amount_cents') return euro.format(v / 100);
  if (name === 'status') return STATUS[v] ?? v;
  if (name === 'starts_on' || name === 'ends_on') return formatDate(v);
  if (name === 'won_at') return formatDateTime(v);
  return String(v);
}

/** #/deals/<id>: the deal, its lead, its history of corrections, and the correction form (PATCH /api/deals/<id>). */
export function dealDetail(main, id) {
  loading(main);
  let gone = false;

  async function load(focus) {
    let view;
    try {
      view = await api(`/api/deals/${encodeURIComponent(id)}`);
    } catch (e) {
      if (!gone) failed(main, backLink('#/pipeline', 'Pipeline'), 'Deal', e);
      return;
    }
    if (gone) return;
    const { deal, lead } = view;
    document.title = `Deal ${lead.name} | Status-Center`;
    main.replaceChildren(
      h('p', {}, backLink(`#/leads/${lead.id}`, `Lead ${lead.name}`)),
      h('h1', { id: 'deal-titel' }, `Deal: ${deal.package_name}`),
      h('p', { class: 'meta' },
        h('span', { class: 'badge', 'data-field': 'status' }, STATUS[deal.status] ?? deal.status),
        `für `, h('a', { href: `#/leads/${lead.id}`, 'data-field': 'lead' }, lead.company ? `${lead.name} · ${lead.company}` : lead.name),
        ` (${lead.stage_label})`),
      h('section', { 'aria-labelledby': 'deal-daten-titel' },
        h('h2', { id: 'deal-daten-titel' }, 'Deal'),
        facts([
          ['Paket', `${deal.package_name} (${deal.package})`, 'package'],
          ['Preis', deal.amount_cents === deal.list_price_cents ? euro.format(deal.amount_cents / 100)
            : `${euro.format(deal.amount_cents / 100)} (Paketpreis ${euro.format(deal.list_price_cents / 100)})`, 'amount'],
          ['Preisgrund', deal.price_reason, 'price_reason'],
          ['Status', STATUS[deal.status] ?? deal.status],
          ['Gewonnen am', deal.won_at ? formatDateTime(deal.won_at) : null, 'won_at'],
          ['Retainer ab', formatDate(deal.starts_on), 'starts_on'],
          ['Retainer bis', formatDate(deal.ends_on), 'ends_on'],
          ['Angelegt', formatDateTime(deal.created_at)],
          ['Zuletzt geändert', formatDateTime(deal.updated_at)],
        ], { id: 'deal-daten' })),
      correctionForm(deal, () => load(true)),
      history(view.history));
    if (focus) main.focus();
  }
  load(false);
  return () => { gone = true; };
}

function history(entries) {
  return h('section', { 'aria-labelledby': 'deal-verlauf-titel' },
    h('h2', { id: 'deal-verlauf-titel' }, 'Verlauf der Korrekturen'),
    entries.length
      ? h('ol', { class: 'history', id: 'deal-verlauf' }, [...entries].reverse().map((c) => h('li', { 'data-change': c.change },
        h('span', { class: 'when' }, formatDateTime(c.changed_at)), ' ',
        h('strong', {}, c.change === 'created' ? 'Angelegt' : 'Korrigiert'),
        ` · ${c.changed_by_name ?? (/^[0-9a-f-]{36}$/.test(c.changed_by) ? 'Teammitglied' : 'System')}`,
        h('ul', { class: 'plain small' }, Object.keys(c.new_values ?? {}).filter((k) => k in FIELDS && (c.change !== 'created' || c.new_values[k] != null)).map((k) => h('li', { 'data-field': k },
          `${FIELDS[k]}: `, c.old_values && k in c.old_values ? `${value(k, c.old_values[k])} → ` : '', value(k, c.new_values[k])))),
        c.reason ? h('p', { class: 'details note', 'data-field': 'reason' }, `Grund: ${c.reason}`) : null)))
      : h('p', { class: 'empty' }, 'Noch keine Einträge (der Verlauf beginnt mit der nächsten Änderung).'));
}

/** Only the fields that differ from the deal are sent, with the reason for the history. */
function correctionForm(deal, reload) {
  const form = { errors: {}, inputs: {} };
  const summary = h('p', { class: 'error', id: 'korrektur-fehler', role: 'alert' });
  const packageSelect = h('select', {}, PACKAGES.map(([v, label]) => h('option', { value: v, selected: v === deal.package }, label)));
  const amount = h('input', { type: 'number', min: '0.01', step: '0.01', inputmode: 'decimal', value: (deal.amount_cents / 100).toFixed(2) });
  const priceReason = h('input', { type: 'text', maxlength: '300', value: deal.price_reason ?? '' });
  const startsOn = h('input', { type: 'date', value: deal.starts_on ?? '' });
  const status = h('select', {}, Object.entries(STATUS).map(([v, label]) => h('option', { value: v, selected: v === deal.status }, label)));
  const reason = h('textarea', { maxlength: '300', rows: '2', required: true });
  const el = h('form', { class: 'touchpoint-form', id: 'korrektur-form', novalidate: true },
    field(form, 'korrektur', 'package', 'Paket', packageSelect),
    field(form, 'korrektur', 'amount_cents', 'Betrag in Euro', amount),
    field(form, 'korrektur', 'price_reason', 'Preisgrund (bei abweichendem Betrag)', priceReason),
    field(form, 'korrektur', 'starts_on', 'Retainer ab', startsOn, 'Nur beim Retainer.'),
    field(form, 'korrektur', 'status', 'Status', status),
    field(form, 'korrektur', 'reason', 'Grund der Korrektur', reason, 'Steht im Verlauf, mit dir und der Zeit.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'korrektur-senden' }, 'Korrektur speichern')),
    summary);
  el.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form, summary);
    const body = {};
    if (packageSelect.value !== deal.package) body.package = packageSelect.value;
    const cents = Math.round(Number(String(amount.value).replace(',', '.')) * 100);
    if (!Number.isFinite(cents) || cents <= 0) {
      showErrors(form, summary, { errors: { amount_cents: ['Bitte einen Betrag über 0 € angeben.'] } });
      return;
    }
    if (cents !== deal.amount_cents) body.amount_cents = cents;
    if (priceReason.value.trim() !== (deal.price_reason ?? '')) body.price_reason = priceReason.value.trim();
    if (startsOn.value !== (deal.starts_on ?? '')) body.starts_on = startsOn.value;
    if (status.value !== deal.status) body.status = status.value;
    if (!Object.keys(body).length) {
      summary.textContent = 'Nichts geändert: Bitte mindestens ein Feld ändern.';
      return;
    }
    if (!reason.value.trim()) {
      showErrors(form, summary, { errors: { reason: ['Bitte den Grund der Korrektur angeben.'] } });
      return;
    }
    body.reason = reason.value.trim();
    try {
      await api(`/api/deals/${deal.id}`, { method: 'PATCH', body: JSON.stringify(body) });
      toast('Deal korrigiert.');
      await reload();
    } catch (err) {
      showErrors(form, summary, err);
    }
  });
  return h('details', { class: 'add', id: 'deal-korrigieren' }, h('summary', {}, 'Deal korrigieren'), el);
}
