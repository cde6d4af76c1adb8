import { api } from './api.js';
import { h, toast, formatDateTime, berlinInputToIso } from './dom.js';
import { loading, failed, backLink, facts, field, clearErrors, showErrors, berlinInputValue } from './detail.js';

const STATUS = { new: 'Neu (noch kein Heartbeat)', up: 'Läuft', late: 'Verspätet', down: 'Ausgefallen', paused: 'Pausiert' };
const SEVERITY = { info: 'Info', warning: 'Warnung', critical: 'Kritisch' };
const INCIDENT_STATUS = { open: 'offen', acknowledged: 'übernommen', resolved: 'behoben' };
const COMMAND_STATUS = { pending: 'wartet', delivered: 'ausgeliefert', acknowledged: 'bestätigt', expired: 'abgelaufen' };
const minutes = (s) => (s % 60 === 0 ? `${s / 60} Min.` : `${s} s`);
const decimal = new Intl.NumberFormat('de-DE', { maximumFractionDigits: 1 });
const megabytes = (b) => `${decimal.format(b / 1048576)} MB`;
const cpuSeconds = (s) => (s < 60 ? `${decimal.format(s)} s` : s < 3600 ? `${decimal.format(s / 60)} Min.` : `${decimal.format(s / 3600)} Std.`);

/**
 * #/agents/<id>: the agent (status, last heartbeat with the supervised process's restarts, memory and CPU time, its customer and deal), open incidents (links), maintenance
 * windows, recent commands, and the actions: key handover (the key once, with its prefix to compare), rotate,
 * pause/resume, snooze (≤ 7 days), maintenance window, restart. Refusals of the API show at their field/action.
 */
export function agentDetail(main, id) {
  loading(main);
  let gone = false;
  let revealed = null; // a key shown once stays on screen until the view is left

  async function load(focus) {
    let view;
    try {
      view = await api(`/api/agents/${encodeURIComponent(id)}`);
    } catch (e) {
      if (!gone) failed(main, backLink('#/agenten', 'Alle Agenten'), 'Agent', e);
      return;
    }
    if (gone) return;
    const a = view.agent;
    document.title = `${a.name} | Status-Center`;
    const late = a.status === 'late' || a.status === 'down';
    main.replaceChildren(
      h('p', {}, backLink('#/agenten', 'Alle Agenten')),
      h('h1', { id: 'agent-name' }, a.name),
      h('p', { class: 'meta' },
        h('span', { class: `badge${late ? ' late' : ''}`, 'data-field': 'status' }, STATUS[a.status] ?? a.status),
        a.last_heartbeat_at ? `letzter Heartbeat ${formatDateTime(a.last_heartbeat_at)}` : 'noch kein Heartbeat'),
      facts([
        ['Kunde', h('a', { href: `#/leads/${a.lead_id}` }, a.lead_company ? `${a.lead_name} · ${a.lead_company}` : a.lead_name), 'lead'],
        ['Deal', a.deal_id ? h('a', { href: `#/deals/${a.deal_id}` }, 'Deal öffnen') : null, 'deal'],
        ['Status seit', formatDateTime(a.status_changed_at)],
        ['Letzter Heartbeat', a.last_heartbeat_at ? formatDateTime(a.last_heartbeat_at) : 'noch keiner', 'last-heartbeat'],
        ['Letzter Fehler', a.last_error_class],
        ['Version', a.agent_version],
        ['Neustarts', a.restarts != null ? String(a.restarts) : null, 'restarts'],
        ['Speicher', a.memory_bytes != null ? megabytes(a.memory_bytes) : null, 'memory'],
        ['CPU', a.cpu_seconds != null ? `${cpuSeconds(a.cpu_seconds)} CPU-Zeit` : null, 'cpu'],
        ['Schlüssel-Präfix', h('code', {}, a.key_prefix), 'key-prefix'],
        ['Erwartet', `alle ${minutes(a.expected_interval_seconds)}, Kulanz ${minutes(a.grace_period_seconds)}`],
        ['Pausiert', a.paused ? 'ja' : 'nein', 'paused'],
        ['Stumm bis', a.snoozed ? formatDateTime(a.snoozed_until) : null, 'snoozed-until'],
        ['Wartung', a.in_maintenance ? 'läuft gerade' : null, 'in-maintenance'],
        ['Widerrufen', a.revoked_at ? formatDateTime(a.revoked_at) : null],
      ], { id: 'agent-daten' }),
      incidents(view.open_incidents),
      workflows(a.id, view.workflows ?? [], () => load(true)),
      actions(a, view.key_handover, () => load(true), (r) => { revealed = r; }, () => revealed),
      windows(view.maintenance_windows),
      commands(view.commands) ?? '');
    if (focus) main.focus();
  }
  load(false);
  return () => { gone = true; };
}

function incidents(list) {
  return h('section', { 'aria-labelledby': 'agent-incidents-titel' },
    h('h2', { id: 'agent-incidents-titel' }, 'Offene Incidents'),
    list.length
      ? h('ul', { class: 'incidents', id: 'agent-incidents' }, list.map((i) => h('li', { class: `incident ${i.severity}`, 'data-incident': i.id },
        h('p', { class: 'incident-title' },
          h('span', { class: `badge${i.severity === 'critical' ? ' late' : ''}` }, SEVERITY[i.severity] ?? i.severity),
          h('a', { href: `#/incidents/${i.id}` }, h('strong', {}, i.title)),
          ` · ${INCIDENT_STATUS[i.status] ?? i.status} · seit ${formatDateTime(i.opened_at)}`))))
      : h('p', { class: 'empty' }, 'Keine offenen Incidents.'));
}

const RUN_STATE = { in_progress: 'läuft', ok: 'erfolgreich', error: 'fehlgeschlagen' };
const seconds = (s) => (s < 60 ? `${Math.round(s)} s` : s < 3600 ? `${Math.round(s / 60)} Min.` : `${(s / 3600).toFixed(1).replace('.', ',')} Std.`);
const rhythm = (w) => (w.schedule ? `Zeitplan ${w.schedule} (Berliner Zeit)` : `alle ${seconds(w.interval_seconds)}`);

/**
 * The agent's workflows (check-ins): last run (state, time, duration, code), next expected start, open incident, and a
 * form for grace and longest run (and the rhythm of a workflow the agent registered itself).
 */
function workflows(agentId, list, reload) {
  return h('section', { 'aria-labelledby': 'workflows-titel' },
    h('h2', { id: 'workflows-titel' }, 'Workflows'),
    list.length
      ? h('ul', { class: 'plain', id: 'workflows' }, list.map((w) => h('li', { 'data-workflow': w.key },
        h('p', {},
          h('strong', {}, w.name), ' ', h('code', {}, w.key), ` · ${rhythm(w)}`, w.origin === 'client' ? ' · vom Agenten angemeldet' : ' · aus dem Onboarding'),
        h('p', { class: 'meta', 'data-field': 'last-run' },
          w.last_state
            ? h('span', { class: `badge${w.last_state === 'error' ? ' late' : ''}` }, RUN_STATE[w.last_state] ?? w.last_state)
            : 'noch kein Lauf',
          w.last_started_at ? ` · Start ${formatDateTime(w.last_started_at)}` : null,
          w.last_duration_seconds != null ? ` · Dauer ${seconds(w.last_duration_seconds)}` : null,
          w.last_error_code ? ` · Fehlercode ${w.last_error_code}` : null,
          ` · nächster Lauf erwartet: ${w.next_expected_at ? formatDateTime(w.next_expected_at) : 'wird berechnet'}`),
        w.open_incident_id
          ? h('p', { 'data-field': 'workflow-incident' }, h('a', { href: `#/incidents/${w.open_incident_id}` }, `Offenes Incident: ${w.open_incident_title}`))
          : null,
        h('p', { class: 'muted small', 'data-field': 'workflow-limits' }, `Kulanz ${seconds(w.grace_seconds)} · längste Laufzeit ${seconds(w.max_runtime_seconds)}`),
        workflowForm(agentId, w, reload))))
      : h('p', { class: 'empty' }, 'Keine Workflows: Sie kommen aus dem abgeschickten Onboarding oder mit dem ersten Check-in des Agenten.'));
}

const wholeMinutes = (text, min, max, label) => {
  const n = Number(text);
  return text.trim() !== '' && Number.isInteger(n) && n >= min && n <= max ? null : `${label}: ganze Minuten von ${min} bis ${max}.`;
};

/** Grace and longest run in minutes; the rhythm (cron in Berlin time or an interval in minutes) only for a workflow the agent registered. */
function workflowForm(agentId, w, reload) {
  const form = { errors: {}, inputs: {} };
  const prefix = `workflow-${w.key}`;
  const summary = h('p', { class: 'error', id: `${prefix}-fehler`, role: 'alert' });
  const grace = h('input', { type: 'number', min: '0', max: '1440', step: '1', inputmode: 'numeric', value: String(Math.round(w.grace_seconds / 60)) });
  const maxRuntime = h('input', { type: 'number', min: '1', max: '1440', step: '1', inputmode: 'numeric', value: String(Math.round(w.max_runtime_seconds / 60)) });
  const own = w.origin === 'client';
  const schedule = own ? h('input', { type: 'text', maxlength: '100', value: w.schedule ?? '', placeholder: '0 8 * * 1-5' }) : null;
  const interval = own ? h('input', { type: 'number', min: '1', max: '44640', step: '1', inputmode: 'numeric', value: w.interval_seconds ? String(Math.round(w.interval_seconds / 60)) : '' }) : null;
  const el = h('form', { class: 'workflow-form', id: `${prefix}-form`, novalidate: true, 'data-workflow-form': w.key },
    field(form, prefix, 'grace_seconds', 'Kulanz nach dem erwarteten Start (Minuten)', grace),
    field(form, prefix, 'max_runtime_seconds', 'Längste Laufzeit (Minuten)', maxRuntime),
    own ? field(form, prefix, 'schedule', 'Zeitplan (Cron, Berliner Zeit)', schedule, 'Entweder Zeitplan oder Intervall; das andere Feld leer lassen.') : null,
    own ? field(form, prefix, 'interval_seconds', 'oder Intervall (Minuten)', interval) : null,
    h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-action': 'edit-workflow' }, 'Workflow speichern')),
    summary);
  el.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form, summary);
    const problems = {};
    const graceProblem = wholeMinutes(grace.value, 0, 1440, 'Kulanz');
    if (graceProblem) problems.grace_seconds = [graceProblem];
    const runtimeProblem = wholeMinutes(maxRuntime.value, 1, 1440, 'Längste Laufzeit');
    if (runtimeProblem) problems.max_runtime_seconds = [runtimeProblem];
    const body = { version: w.version };
    if (!graceProblem && Number(grace.value) * 60 !== w.grace_seconds) body.grace_seconds = Number(grace.value) * 60;
    if (!runtimeProblem && Number(maxRuntime.value) * 60 !== w.max_runtime_seconds) body.max_runtime_seconds = Number(maxRuntime.value) * 60;
    if (own) {
      const cron = schedule.value.trim();
      const every = interval.value.trim();
      if (cron && every) problems.schedule = ['Entweder Zeitplan oder Intervall, nicht beides.'];
      else if (!cron && !every) problems.schedule = ['Bitte einen Zeitplan oder ein Intervall angeben.'];
      else if (every) {
        const p = wholeMinutes(every, 1, 44640, 'Intervall');
        if (p) problems.interval_seconds = [p];
        else if (Number(every) * 60 !== w.interval_seconds) body.interval_seconds = Number(every) * 60;
      } else if (cron !== w.schedule) body.schedule = cron;
    }
    if (Object.keys(problems).length) { showErrors(form, summary, { errors: problems }); return; }
    if (Object.keys(body).length === 1) { summary.textContent = 'Nichts geändert.'; return; }
    try {
      await api(`/api/agents/${agentId}/workflows/${encodeURIComponent(w.key)}`, { method: 'PATCH', body: JSON.stringify(body) });
      toast(`Workflow „${w.name}“ gespeichert.`);
      await reload();
    } catch (err) { showErrors(form, summary, err); }
  });
  return h('details', { class: 'workflow-settings' }, h('summary', {}, 'Einstellungen ändern'), el);
}

function windows(list) {
  return h('section', { 'aria-labelledby': 'wartung-titel' },
    h('h2', { id: 'wartung-titel' }, 'Wartungsfenster'),
    list.length
      ? h('ul', { class: 'plain', id: 'wartungsfenster' }, list.map((w) => h('li', { 'data-window': w.id },
        `${formatDateTime(w.starts_at)} – ${formatDateTime(w.ends_at)}`, w.active ? h('span', { class: 'badge' }, ' läuft') : null,
        w.reason ? ` · ${w.reason}` : null)))
      : h('p', { class: 'empty' }, 'Keine Wartungsfenster (geplant, laufend oder der letzten 7 Tage).'));
}

function commands(list) {
  if (!list.length) return null;
  return h('section', { 'aria-labelledby': 'befehle-titel' },
    h('h2', { id: 'befehle-titel' }, 'Letzte Befehle'),
    h('ul', { class: 'plain small', id: 'befehle' }, list.slice(0, 5).map((c) => h('li', {},
      `${formatDateTime(c.requested_at)} · ${c.kind === 'restart' ? 'Neustart' : c.kind} · ${COMMAND_STATUS[c.status] ?? c.status}`,
      c.automatic ? ' · automatisch' : ` · ${c.requested_by}`, c.reason ? ` · ${c.reason}` : null))));
}

/** One action: a button (or form) and its own error line; the API's German refusal shows there. */
function run(error, work) {
  return async (e) => {
    e?.preventDefault?.();
    error.textContent = '';
    try { await work(); } catch (err) { error.textContent = err.message; }
  };
}

function keyBox(result) {
  return h('div', { class: 'key-box', id: 'schluessel', role: 'status' },
    h('p', {}, h('strong', {}, 'Nur dieses eine Mal sichtbar: '), 'Bitte jetzt beim Agenten eintragen (Keychain/Passwort-Manager). Danach zeigt ihn niemand mehr an.'),
    h('p', {}, 'Schlüssel: ', h('code', { 'data-field': 'key' }, result.key), ' ',
      h('button', { type: 'button', class: 'copy', onclick: async () => {
        try { await navigator.clipboard.writeText(result.key); toast('Schlüssel kopiert.'); } catch { toast('Schlüssel konnte nicht kopiert werden.'); }
      } }, 'Kopieren')),
    h('p', {}, 'Zum Vergleichen beginnt er mit ', h('code', { 'data-field': 'key-prefix-shown' }, result.key_prefix), '.'),
    result.previous_key_valid_until ? h('p', { class: 'muted small' }, `Der alte Schlüssel gilt noch bis ${formatDateTime(result.previous_key_valid_until)}.`) : null);
}

function actions(a, handover, reload, remember, remembered) {
  const keyError = h('p', { class: 'error', id: 'schluessel-fehler', role: 'alert' });
  const keyArea = h('div', {}, remembered() ? keyBox(remembered()) : null);
  const show = (path, message) => run(keyError, async () => {
    const result = await api(`/api/agents/${a.id}/${path}`, { method: 'POST' });
    remember(result);
    toast(message);
    await reload();
  });
  const keySection = h('section', { 'aria-labelledby': 'schluessel-titel', class: 'action-group' },
    h('h3', { id: 'schluessel-titel' }, 'Schlüssel'),
    handover.pending
      ? h('p', { class: 'muted small' }, `Ein neuer Schlüssel wartet auf die einmalige Anzeige (bis ${formatDateTime(handover.expires_at)}).`)
      : h('p', { class: 'muted small' }, 'Der Schlüssel wird nur einmal angezeigt. Verloren? Dann einen neuen erzeugen; der alte gilt noch eine Weile weiter.'),
    h('div', { class: 'actions' },
      handover.pending ? h('button', { type: 'button', class: 'primary', 'data-action': 'key-handover', onclick: show('key-handover', 'Schlüssel angezeigt.') }, 'Schlüssel einmalig anzeigen') : null,
      h('button', { type: 'button', 'data-action': 'rotate', onclick: show('keys/rotate', 'Neuer Schlüssel erzeugt.') }, 'Neuen Schlüssel erzeugen (rotieren)')),
    keyArea, keyError);

  const pauseError = h('p', { class: 'error', id: 'pause-fehler', role: 'alert' });
  const pauseSection = h('section', { 'aria-labelledby': 'pause-titel', class: 'action-group' },
    h('h3', { id: 'pause-titel' }, a.paused ? 'Pausiert' : 'Pausieren'),
    h('p', { class: 'muted small' }, a.paused ? 'Solange pausiert, entstehen keine Incidents.' : 'Für längere Unterbrechungen: keine Incidents, bis du fortsetzt.'),
    h('div', { class: 'actions' },
      h('button', { type: 'button', 'data-action': a.paused ? 'resume' : 'pause', onclick: run(pauseError, async () => {
        const r = await api(`/api/agents/${a.id}/${a.paused ? 'resume' : 'pause'}`, { method: 'POST' });
        toast(r.note ?? (a.paused ? 'Fortgesetzt.' : 'Pausiert.'));
        await reload();
      }) }, a.paused ? 'Fortsetzen' : 'Pausieren')),
    pauseError);

  // Snooze: until (≤ 7 days).
  const snooze = { errors: {}, inputs: {} };
  const snoozeSummary = h('p', { class: 'error', id: 'stumm-fehler', role: 'alert' });
  const until = h('input', { type: 'datetime-local', required: true, value: berlinInputValue(new Date(Date.now() + 2 * 3600_000)) });
  const snoozeForm = h('form', { class: 'action-group', id: 'stumm-form', novalidate: true, 'aria-labelledby': 'stumm-titel' },
    h('h3', { id: 'stumm-titel' }, 'Stummschalten'),
    field(snooze, 'stumm', 'until', 'Stumm bis (höchstens 7 Tage)', until, 'Bis dahin entstehen für diesen Agenten keine neuen Incidents.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-action': 'snooze' }, 'Stummschalten')),
    snoozeSummary);
  snoozeForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(snooze, snoozeSummary);
    if (!until.value) { showErrors(snooze, snoozeSummary, { errors: { until: ['Bitte angeben, bis wann.'] } }); return; }
    try {
      await api(`/api/agents/${a.id}/snooze`, { method: 'POST', body: JSON.stringify({ until: berlinInputToIso(until.value) }) });
      toast(`Stumm bis ${formatDateTime(berlinInputToIso(until.value))}.`);
      await reload();
    } catch (err) { showErrors(snooze, snoozeSummary, err); }
  });

  // Maintenance window: start, end, reason (≤ 200).
  const maint = { errors: {}, inputs: {} };
  const windowSummary = h('p', { class: 'error', id: 'wartung-fehler', role: 'alert' });
  const startsAt = h('input', { type: 'datetime-local', required: true, value: berlinInputValue(new Date()) });
  const endsAt = h('input', { type: 'datetime-local', required: true, value: berlinInputValue(new Date(Date.now() + 3600_000)) });
  const reason = h('input', { type: 'text', maxlength: '200' });
  const windowForm = h('form', { class: 'action-group touchpoint-form', id: 'wartung-form', novalidate: true, 'aria-labelledby': 'wartung-form-titel' },
    h('h3', { id: 'wartung-form-titel' }, 'Wartungsfenster eintragen'),
    field(maint, 'wartung', 'starts_at', 'Beginn', startsAt),
    field(maint, 'wartung', 'ends_at', 'Ende', endsAt),
    field(maint, 'wartung', 'reason', 'Grund (optional, höchstens 200 Zeichen)', reason),
    h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-action': 'maintenance' }, 'Wartungsfenster speichern')),
    windowSummary);
  windowForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(maint, windowSummary);
    const missing = {};
    if (!startsAt.value) missing.starts_at = ['Bitte den Beginn angeben.'];
    if (!endsAt.value) missing.ends_at = ['Bitte das Ende angeben.'];
    if (Object.keys(missing).length) { showErrors(maint, windowSummary, { errors: missing }); return; }
    try {
      await api(`/api/agents/${a.id}/maintenance-windows`, { method: 'POST', body: JSON.stringify({
        starts_at: berlinInputToIso(startsAt.value), ends_at: berlinInputToIso(endsAt.value), ...(reason.value.trim() ? { reason: reason.value.trim() } : {}),
      }) });
      toast('Wartungsfenster gespeichert.');
      await reload();
    } catch (err) { showErrors(maint, windowSummary, err); }
  });

  // Restart: with the next heartbeat.
  const restart = { errors: {}, inputs: {} };
  const restartSummary = h('p', { class: 'error', id: 'neustart-fehler', role: 'alert' });
  const restartReason = h('input', { type: 'text', maxlength: '200' });
  const restartForm = h('form', { class: 'action-group', id: 'neustart-form', novalidate: true, 'aria-labelledby': 'neustart-titel' },
    h('h3', { id: 'neustart-titel' }, 'Neustart'),
    field(restart, 'neustart', 'reason', 'Grund (optional)', restartReason, 'Wird mit dem nächsten Heartbeat an den Agenten ausgeliefert.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-action': 'restart' }, 'Neustart anfordern')),
    restartSummary);
  restartForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(restart, restartSummary);
    try {
      const r = await api(`/api/agents/${a.id}/restart`, { method: 'POST', body: JSON.stringify(restartReason.value.trim() ? { reason: restartReason.value.trim() } : {}) });
      toast(r.note ?? 'Neustart angefordert.');
      await reload();
    } catch (err) { showErrors(restart, restartSummary, err); }
  });

  return h('section', { 'aria-labelledby': 'aktionen-titel', id: 'agent-aktionen' },
    h('h2', { id: 'aktionen-titel' }, 'Aktionen'),
    keySection, pauseSection, snoozeForm, windowForm, restartForm);
}
