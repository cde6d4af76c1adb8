import { api } from './api.js';
import { h, toast, formatDateTime } from './dom.js';
import { loading, failed, backLink, facts } from './detail.js';

const SEVERITY = { info: 'Info', warning: 'Warnung', critical: 'Kritisch' };
const STATUS = { open: 'offen', acknowledged: 'übernommen', resolved: 'behoben' };
const EVENTS = {
  opened: 'Geöffnet', acknowledged: 'Übernommen', restart_requested: 'Neustart angefordert', restart_delivered: 'Neustart ausgeliefert',
  restart_acknowledged: 'Neustart vom Agenten bestätigt', healthy_again: 'Wieder gesund', escalated: 'Eskaliert', resolved: 'Behoben',
  alert_delivered: 'Alarm zugestellt', alert_failed: 'Alarm nicht zugestellt',
};
const docsBase = (import.meta.env.VITE_DOCS_URL ?? '').replace(/\/$/, '');

/** #/incidents/<id>: the incident with its timeline, its agent, its workflow (a workflow's incident), its error class with the runbook, and "Übernehmen". */
export function incidentDetail(main, id) {
  loading(main);
  let gone = false;

  async function load(focus) {
    let view;
    try {
      view = await api(`/api/incidents/${encodeURIComponent(id)}`);
    } catch (e) {
      if (!gone) failed(main, backLink('#/agenten', 'Alle Agenten'), 'Incident', e);
      return;
    }
    // The agent's name for the link (the incident names only its id); without it the link still opens the agent.
    const agent = await api(`/api/agents/${view.incident.agent_id}`).then((r) => r.agent).catch(() => null);
    if (gone) return;
    const i = view.incident;
    document.title = `${i.error_class_title} | Status-Center`;
    const error = h('p', { class: 'error', id: 'uebernehmen-fehler', role: 'alert' });
    const acknowledge = async () => {
      error.textContent = '';
      try {
        const r = await api(`/api/incidents/${i.id}/acknowledge`, { method: 'POST' });
        toast(r.note ?? `Übernommen: ${i.error_class_title}.`);
        await load(true);
      } catch (e) {
        error.textContent = e.message;
      }
    };
    main.replaceChildren(
      h('p', {}, backLink(`#/agents/${i.agent_id}`, agent ? agent.name : 'Agent')),
      h('h1', { id: 'incident-titel' }, i.error_class_title),
      h('p', { class: 'meta' },
        h('span', { class: `badge${i.severity === 'critical' ? ' late' : ''}`, 'data-field': 'severity' }, SEVERITY[i.severity] ?? i.severity),
        h('span', { 'data-field': 'incident-status' }, STATUS[i.status] ?? i.status), ` · seit ${formatDateTime(i.opened_at)}`),
      i.status === 'open'
        ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'uebernehmen', 'data-action': 'acknowledge', onclick: acknowledge }, 'Übernehmen'))
        : '',
      error,
      facts([
        ['Agent', h('a', { href: `#/agents/${i.agent_id}` }, agent ? agent.name : 'Agent öffnen'), 'agent'],
        ['Workflow', i.workflow_key ? [i.workflow_name ?? i.workflow_key, ' ', h('code', {}, i.workflow_key)] : null, 'workflow'],
        ['Fehlerklasse', [h('code', {}, i.error_class), ' · ', runbook(view.runbook)], 'error-class'],
        ['Letzter Fehlercode', i.last_error_code],
        ['Vorkommen', String(i.occurrences)],
        ['Zuletzt gesehen', formatDateTime(i.last_seen_at)],
        ['Übernommen', i.acknowledged_at ? formatDateTime(i.acknowledged_at) : null],
        ['Eskaliert', i.escalated_at ? formatDateTime(i.escalated_at) : null],
        ['Behoben', i.resolved_at ? formatDateTime(i.resolved_at) : null],
      ], { id: 'incident-daten' }),
      h('section', { 'aria-labelledby': 'incident-verlauf-titel' },
        h('h2', { id: 'incident-verlauf-titel' }, 'Verlauf'),
        view.timeline.length
          ? h('ol', { class: 'timeline', id: 'incident-verlauf' }, view.timeline.map((e) => h('li', { class: e.kind === 'alert_failed' ? 'failed' : null, 'data-kind': e.kind },
            h('time', { datetime: e.at }, formatDateTime(e.at)), ' ', EVENTS[e.kind] ?? e.kind, e.detail ? ` – ${e.detail}` : '')))
          : h('p', { class: 'empty' }, 'Noch keine Einträge.')));
    if (focus) main.focus();
  }
  load(false);
  return () => { gone = true; };
}

function runbook(path) {
  return docsBase
    ? h('a', { href: `${docsBase}/${path}`, target: '_blank', rel: 'noopener noreferrer', 'data-field': 'runbook' }, 'Runbook')
    : h('span', { 'data-field': 'runbook' }, `Runbook: ${path}`);
}
