import { api } from './api.js';
import { h, formatDateTime, toast } from './dom.js';

/** The reason codes of POST /api/leads/{id}/erase with their German labels (as the API's reason_label). */
export const ERASURE_REASONS = [
  ['request', 'Antrag der Person (Art. 17 Abs. 1 lit. a)'],
  ['objection', 'Widerspruch (Art. 21, Art. 17 Abs. 1 lit. c)'],
  ['consent_withdrawn', 'Einwilligung widerrufen (Art. 17 Abs. 1 lit. b)'],
  ['other', 'Anderer Grund'],
];

/** What an erasure does, said before it is done. */
export const ERASURE_CONSEQUENCES = [
  'Name, E-Mail, Telefon, Handle, Firma, Nachricht und Herkunft der Einwilligung werden entfernt; der Lead heißt danach „Gelöscht (Art. 17)“.',
  'Notizen der Kontakte, Onboarding-Antworten und der Onboarding-Link werden gelöscht; Aufgaben werden neutral benannt und offene geschlossen.',
  'Agenten des Kunden werden angehalten und neutral benannt (bei Widerspruch zusätzlich gesperrt).',
  'Ein gewonnener Deal bleibt als Buchungsbeleg (Betrag, Datum, Paket) 10 Jahre ab Jahresende gesperrt erhalten (§ 257 HGB, § 147 AO).',
  'Die Zahlen im KPI-Board bleiben gleich. Die Löschung lässt sich nicht rückgängig machen.',
];

const TABLE_LABELS = {
  leads: 'Lead', lead_touchpoints: 'Kontakte', tasks: 'Aufgaben', lead_stage_history: 'Stufenverlauf', kpi_period_figures: 'KPI-Zahlen',
  pipeline_events: 'Pipeline-Ereignisse', deals: 'Deals', deal_history: 'Deal-Verlauf', agents: 'Agenten', agent_workflows: 'Workflows',
  incident_events: 'Incident-Ereignisse', agent_commands: 'Agent-Befehle', onboarding_answers: 'Onboarding-Antworten',
  onboarding_links: 'Onboarding-Links', install_run_items: 'Installationspunkte', alerts: 'Alerts', alert_deliveries: 'Zustellprotokoll',
  outbox_messages: 'Nachrichten',
};

function countsText(counts) {
  const parts = Object.entries(counts ?? {}).filter(([, n]) => n > 0).map(([t, n]) => `${TABLE_LABELS[t] ?? t}: ${n}`);
  return parts.length ? parts.join(' · ') : 'keine Zeilen';
}

function record(e) {
  return h('dl', { class: 'erasure', 'data-erasure': e.id },
    h('dt', {}, 'Gelöscht am'), h('dd', { 'data-field': 'erased_at' }, formatDateTime(e.erased_at)),
    h('dt', {}, 'Von'), h('dd', {}, e.erased_by_name ?? 'unbekannt'),
    h('dt', {}, 'Grund'), h('dd', { 'data-field': 'reason' }, e.reason_label),
    h('dt', {}, 'Geänderte Zeilen'), h('dd', { 'data-field': 'counts' }, countsText(e.counts)));
}

/** The list of all erasures (GET /api/erasures), loaded when opened. */
function allErasures() {
  const list = h('div', { id: 'loeschungen-liste' }, h('p', { class: 'muted' }, 'Lädt …'));
  const details = h('details', { id: 'loeschungen' }, h('summary', {}, 'Alle Löschungen'), list);
  details.addEventListener('toggle', async () => {
    if (!details.open) return;
    try {
      const { erasures } = await api('/api/erasures');
      list.replaceChildren(erasures.length
        ? h('ul', { class: 'list' }, erasures.map((e) => h('li', {},
          h('a', { href: `#/leads/${e.lead_id}` }, formatDateTime(e.erased_at)), ` · ${e.reason_label} · ${e.erased_by_name ?? 'unbekannt'}`)))
        : h('p', { class: 'empty' }, 'Noch keine Löschung.'));
    } catch (e) {
      list.replaceChildren(h('p', { class: 'error', role: 'alert' }, e.message));
    }
  });
  return details;
}

/**
 * "Löschen (Art. 17)" in the lead view: a confirmation that names the consequences, then POST /api/leads/{id}/erase;
 * an erased lead shows its erasure record instead. Below, the list of all erasures.
 */
export function erasureSection(lead, reload) {
  const body = h('div', { id: 'loeschung-inhalt' }, h('p', { class: 'muted' }, 'Lädt …'));
  const section = h('section', { 'aria-labelledby': 'loeschung-titel', id: 'loeschung' },
    h('h2', { id: 'loeschung-titel' }, 'Datenschutz: Löschen (Art. 17)'), body, allErasures());

  function confirmForm(button) {
    const error = h('p', { class: 'error', role: 'alert', id: 'loeschung-fehler' });
    const reason = h('select', { id: 'loeschung-grund', name: 'reason' },
      ERASURE_REASONS.map(([code, label]) => h('option', { value: code }, label)));
    const form = h('form', { class: 'ask', id: 'loeschung-bestaetigen' },
      h('p', {}, h('strong', {}, `„${lead.name}“ endgültig löschen?`)),
      h('ul', { id: 'loeschung-folgen' }, ERASURE_CONSEQUENCES.map((c) => h('li', {}, c))),
      h('label', { for: reason.id }, 'Grund'), reason,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'danger', 'data-action': 'confirm' }, 'Endgültig löschen'),
        h('button', { type: 'button', 'data-action': 'cancel', onclick: () => { form.remove(); button.hidden = false; button.focus(); } }, 'Abbrechen')),
      error);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.textContent = '';
      try {
        await api(`/api/leads/${encodeURIComponent(lead.id)}/erase`, { method: 'POST', body: JSON.stringify({ reason: reason.value }) });
        toast('Der Lead wurde gelöscht (Art. 17).');
        await reload();
      } catch (err) {
        error.textContent = err.message;
      }
    });
    return form;
  }

  api(`/api/erasures?lead_id=${encodeURIComponent(lead.id)}`).then(({ erasures }) => {
    if (erasures.length) {
      body.replaceChildren(h('p', {}, 'Die personenbezogenen Daten dieses Leads wurden gelöscht.'), record(erasures[0]));
      return;
    }
    const button = h('button', { type: 'button', class: 'danger', id: 'loeschen' }, 'Löschen (Art. 17)');
    button.addEventListener('click', () => {
      button.hidden = true;
      const form = confirmForm(button);
      body.append(form);
      form.querySelector('select').focus();
    });
    body.replaceChildren(h('p', { class: 'muted' }, 'Entfernt alle personenbezogenen Daten dieses Leads überall; die Zahlen bleiben.'), button);
  }).catch((e) => body.replaceChildren(h('p', { class: 'error', role: 'alert' }, e.message)));
  return section;
}
