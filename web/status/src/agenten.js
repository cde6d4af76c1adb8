import { api } from './api.js';
import { h, toast, formatDateTime, formatTime } from './dom.js';
import { REFRESH_MS } from './heute.js';

const STATUS = { new: 'Neu (noch kein Heartbeat)', up: 'Läuft', late: 'Verspätet', down: 'Ausgefallen', paused: 'Pausiert' };
const INCIDENT_STATUS = { open: 'offen', acknowledged: 'übernommen', resolved: 'behoben' };
const SEVERITY = { info: 'Info', warning: 'Warnung', critical: 'Kritisch' };
const EVENTS = {
  opened: 'Geöffnet', acknowledged: 'Übernommen', restart_requested: 'Neustart angefordert', restart_delivered: 'Neustart ausgeliefert',
  restart_acknowledged: 'Neustart vom Agenten bestätigt', healthy_again: 'Wieder gesund', escalated: 'Eskaliert', resolved: 'Behoben',
  alert_delivered: 'Alarm zugestellt', alert_failed: 'Alarm nicht zugestellt',
};

const CHANNELS = { slack: 'Slack', teams: 'Teams', telegram: 'Telegram', email: 'E-Mail', webhook: 'Webhook' };

/**
 * #/agenten: every agent with status, last heartbeat, version, open incidents and its workflows (last run, next
 * expected start); below, the alert deliveries that
 * failed (GET /api/alerts/deliveries?state=failed). Refreshes every 20 s while shown (the list not while the focus is
 * in it, nor when it went there while the refresh was on its way; an older answer never overwrites a newer).
 */
export function agenten(main) {
  const list = h('ul', { class: 'tasks', id: 'agenten', 'aria-live': 'polite', 'aria-busy': 'true' });
  const status = h('p', { class: 'muted', id: 'agenten-stand' });
  const failed = h('ul', { class: 'tasks', id: 'zustellfehler', 'aria-busy': 'true' });
  const opened = new Set();
  main.replaceChildren(h('h1', {}, 'Agenten'), status, list,
    h('section', { 'aria-labelledby': 'zustellfehler-titel' },
      h('h2', { id: 'zustellfehler-titel' }, 'Nicht zugestellte Alarme'),
      h('p', { class: 'muted small' }, 'Zustellungen, die nach allen Versuchen gescheitert sind (neueste zuerst). Der Kanal ist zu prüfen; die Alarme selbst stehen in der Zeitleiste ihres Incidents.'),
      failed));

  async function loadFailed() {
    try {
      const { deliveries } = await api('/api/alerts/deliveries?state=failed&limit=20');
      failed.replaceChildren(...(deliveries.length ? deliveries.map(delivery) : [h('li', { class: 'empty' }, 'Keine fehlgeschlagenen Zustellungen.')]));
    } catch (e) {
      failed.replaceChildren(h('li', { class: 'error' }, e.message));
    } finally {
      failed.setAttribute('aria-busy', 'false');
    }
  }

  let latest = 0; // an answer older than the newest load is not drawn
  const busy = () => list.contains(document.activeElement);

  /** refresh: the timer's look; drawn only if the focus has not gone into the list while it was on its way. */
  async function load(refresh = false) {
    const mine = ++latest;
    loadFailed();
    list.setAttribute('aria-busy', 'true');
    try {
      const data = await api('/api/agents');
      if (mine !== latest || (refresh && busy())) return;
      list.replaceChildren(...(data.agents.length ? data.agents.map((a) => card(a, load, opened)) : [h('li', { class: 'empty' }, 'Noch keine Agenten angelegt.')]));
      const incidents = data.agents.reduce((n, a) => n + a.open_incidents.length, 0);
      status.textContent = `${data.agents.length === 1 ? '1 Agent' : `${data.agents.length} Agenten`} · ${incidents === 1 ? '1 offenes Incident' : `${incidents} offene Incidents`} · Stand ${formatTime(new Date())}`;
    } catch (e) {
      if (mine === latest) status.textContent = e.message;
    } finally {
      if (mine === latest) list.setAttribute('aria-busy', 'false');
    }
  }
  load();
  const timer = setInterval(() => {
    if (!document.hidden && !busy()) load(true);
  }, REFRESH_MS);
  return () => clearInterval(timer);
}

function delivery(d) {
  return h('li', { class: 'task delivery overdue', 'data-delivery': `${d.alert_id}:${d.channel}` },
    h('p', { class: 'incident-title' },
      h('span', { class: 'badge late' }, CHANNELS[d.channel] ?? d.channel),
      h('a', { href: `#/alerts/${d.alert_id}` }, h('strong', {}, d.title))),
    h('p', { class: 'meta' }, `${formatDateTime(d.occurred_at)} · ${d.attempts} ${d.attempts === 1 ? 'Versuch' : 'Versuche'}`,
      d.last_error ? h('span', { 'data-field': 'last-error' }, ` · ${d.last_error}`) : null));
}

function card(agent, reload, opened) {
  const error = h('p', { class: 'error', id: `agent-fehler-${agent.id}`, role: 'alert' });

  async function restart() {
    error.textContent = '';
    try {
      const result = await api(`/api/agents/${agent.id}/restart`, { method: 'POST' });
      toast(result.note ?? 'Neustart angefordert.');
      await reload();
    } catch (e) {
      error.textContent = e.message;
    }
  }

  const late = agent.status === 'late' || agent.status === 'down';
  return h('li', { class: `task agent${late || agent.open_incidents.length ? ' overdue' : ''}`, 'data-agent': agent.id },
    h('h2', {}, h('a', { href: `#/agents/${agent.id}`, 'data-field': 'agent-link' }, agent.name)),
    agent.customer ? h('p', { class: 'meta' }, 'Kunde: ', h('a', { href: `#/leads/${agent.lead_id}`, 'data-field': 'customer' }, agent.customer)) : null,
    h('p', { class: 'meta' },
      h('span', { class: `badge${late ? ' late' : ''}`, 'data-field': 'status' }, STATUS[agent.status] ?? agent.status),
      agent.last_heartbeat_at ? `letzter Heartbeat ${formatDateTime(agent.last_heartbeat_at)}` : 'noch kein Heartbeat',
      agent.agent_version ? ` · Version ${agent.agent_version}` : null),
    agent.open_incidents.length
      ? h('ul', { class: 'incidents' }, ...agent.open_incidents.map((i) => incident(i, reload, opened)))
      : h('p', { class: 'muted small' }, 'Keine offenen Incidents.'),
    workflowLines(agent.workflows ?? []),
    h('div', { class: 'actions' },
      h('button', { type: 'button', 'data-action': 'restart', onclick: restart }, 'Neustart anfordern')),
    error);
}

const RUN_STATE = { in_progress: 'läuft', ok: 'erfolgreich', error: 'fehlgeschlagen' };
const duration = (s) => (s < 60 ? `${Math.round(s)} s` : s < 3600 ? `${Math.round(s / 60)} Min.` : `${(s / 3600).toFixed(1).replace('.', ',')} Std.`);

/** Per workflow one line: last run (state, time, duration) and the next expected start. */
function workflowLines(list) {
  if (!list.length) return null;
  return h('ul', { class: 'plain small', 'data-field': 'workflows' }, list.map((w) => h('li', { 'data-workflow': w.key },
    h('strong', {}, w.name), ': ',
    w.last_state
      ? h('span', { class: `badge${w.last_state === 'error' || w.open_incident ? ' late' : ''}` }, RUN_STATE[w.last_state] ?? w.last_state)
      : 'noch kein Lauf',
    w.last_started_at ? ` ${formatDateTime(w.last_started_at)}` : null,
    w.last_duration_seconds != null ? ` (${duration(w.last_duration_seconds)})` : null,
    w.next_expected_at ? ` · nächster ${formatDateTime(w.next_expected_at)}` : null)));
}

function incident(item, reload, opened) {
  const error = h('p', { class: 'error', id: `incident-fehler-${item.id}`, role: 'alert' });
  const timeline = h('ol', { class: 'timeline', id: `verlauf-${item.id}` });
  const details = h('details', { 'data-timeline': item.id }, h('summary', {}, 'Verlauf anzeigen'), timeline);

  async function loadTimeline() {
    try {
      const view = await api(`/api/incidents/${item.id}`);
      timeline.replaceChildren(...view.timeline.map((e) => h('li', { class: e.kind === 'alert_failed' ? 'failed' : null, 'data-kind': e.kind },
        h('time', { datetime: e.at }, formatDateTime(e.at)), ' ', EVENTS[e.kind] ?? e.kind, e.detail ? ` – ${e.detail}` : '')));
    } catch (e) {
      timeline.replaceChildren(h('li', { class: 'error' }, e.message));
    }
  }
  details.addEventListener('toggle', () => {
    if (details.open) { opened.add(item.id); loadTimeline(); } else opened.delete(item.id);
  });
  if (opened.has(item.id)) details.open = true;

  async function acknowledge() {
    error.textContent = '';
    try {
      await api(`/api/incidents/${item.id}/acknowledge`, { method: 'POST' });
      toast(`Übernommen: ${item.title}.`);
      await reload();
    } catch (e) {
      error.textContent = e.message;
    }
  }

  return h('li', { class: `incident ${item.severity}`, 'data-incident': item.id },
    h('p', { class: 'incident-title' },
      h('span', { class: `badge${item.severity === 'critical' ? ' late' : ''}` }, SEVERITY[item.severity] ?? item.severity),
      h('a', { href: `#/incidents/${item.id}` }, h('strong', {}, item.title)),
      ' · ', h('span', { 'data-field': 'incident-status' }, INCIDENT_STATUS[item.status] ?? item.status),
      ` · seit ${formatDateTime(item.opened_at)}`),
    item.status === 'open'
      ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', 'data-action': 'acknowledge', onclick: acknowledge }, 'Übernehmen'))
      : null,
    details, error);
}
