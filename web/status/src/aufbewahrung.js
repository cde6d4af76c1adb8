import { api } from './api.js';
import { h, formatDateTime } from './dom.js';

// What each rule of the daily retention counts (public.apply_retention, docs/datenschutz.md "Speicherdauer").
const RULES = [
  ['open_leads', 'Leads ohne Kontakt (anonymisiert)'],
  ['uncontacted_prospects', 'Nie kontaktierte Prospects (anonymisiert)'],
  ['lost_leads', 'Verlorene Leads (anonymisiert)'],
  ['customers', 'Kunden nach Vertragsende (anonymisiert)'],
  ['incidents', 'Behobene Incidents (gelöscht)'],
  ['alerts', 'Alerts mit Zustellprotokoll (gelöscht)'],
  ['outbox', 'Gesendete Outbox-Nachrichten (gelöscht)'],
  ['rate_limits', 'Ratenbegrenzungs-Fenster (gelöscht)'],
  ['key_handovers', 'Abgelaufene Schlüsselübergaben (gelöscht)'],
];

/** Zahlen → "Aufbewahrung": the latest retention run with its counts per rule (GET /api/retention/runs). */
export function aufbewahrung() {
  const body = h('div', { id: 'aufbewahrung-inhalt', 'aria-busy': 'true' }, h('p', {}, 'Lädt …'));
  const section = h('section', { id: 'aufbewahrung', 'aria-labelledby': 'aufbewahrung-titel' },
    h('h2', { id: 'aufbewahrung-titel' }, 'Aufbewahrung'), body);
  api('/api/retention/runs').then(({ runs }) => {
    const last = runs[0];
    if (!last) {
      body.replaceChildren(h('p', { class: 'muted' }, 'Noch kein Lauf. Die Aufbewahrung läuft täglich um 03:15 UTC.'));
      return;
    }
    body.replaceChildren(
      h('p', { class: 'muted' }, `Letzter Lauf: ${formatDateTime(last.run_at)}${last.took_ms != null ? ` (${last.took_ms} ms)` : ''} · täglich um 03:15 UTC`),
      h('table', { id: 'aufbewahrung-regeln' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Regel'), h('th', { scope: 'col' }, 'Zeilen'))),
        h('tbody', {}, RULES.map(([key, label]) =>
          h('tr', { 'data-rule': key }, h('th', { scope: 'row' }, label), h('td', {}, String(last.counts[key] ?? 0)))))));
  }, (e) => body.replaceChildren(h('p', { class: 'error', role: 'alert' }, e.message)))
    .finally(() => body.setAttribute('aria-busy', 'false'));
  return section;
}
