import { api } from './api.js';
import { h } from './dom.js';

// The LOST move takes a reason from the fixed list (GET /api/stages, lost_reasons: what the KPI figures count, never
// free text) and an optional note that stays on the lead.
let reasons;
const loadReasons = () => (reasons ??= api('/api/stages').then((r) => r.lost_reasons ?? []).catch((e) => { reasons = undefined; throw e; }));

/** The fields of the LOST form (ids <prefix>-lost_reason_code and <prefix>-lost_reason); body() is the move's body. */
export function lostReasonFields(prefix) {
  const select = h('select', { id: `${prefix}-lost_reason_code`, name: 'lost_reason_code', required: true },
    h('option', { value: '' }, 'Grund wählen …'));
  loadReasons().then((list) => select.append(...list.map((r) => h('option', { value: r.code }, r.label)))).catch(() => {});
  const note = h('input', { id: `${prefix}-lost_reason`, name: 'lost_reason', type: 'text', maxlength: '500', autocomplete: 'off' });
  return {
    first: select,
    fields: [select, h('label', { for: note.id }, 'Notiz (optional, bleibt nur beim Lead)'), note],
    body: () => ({ lost_reason_code: select.value, ...(note.value.trim() ? { lost_reason: note.value } : {}) }),
  };
}
