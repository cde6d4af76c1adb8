import { api } from './api.js';
import { h, toast, formatDateTime, formatTime } from './dom.js';

export const CHANNELS = [['dm', 'Direktnachricht'], ['email', 'E-Mail'], ['call', 'Anruf'], ['meeting', 'Termin']];
const CHANNEL_LABEL = Object.fromEntries(CHANNELS);
const docsBase = (import.meta.env.VITE_DOCS_URL ?? '').replace(/\/$/, '');
export const REFRESH_MS = 20_000;

/**
 * #/heute: today's and overdue tasks, each with its playbook step; complete (outcome, channel, note code) or skip;
 * below, what was closed today, with "Wieder öffnen". Refreshes itself every 20 s while shown (not while the
 * focus is inside a list, nor when it went there while the refresh was on its way, so nothing moves under the
 * person's hands; an answer older than the newest load is never drawn).
 */
export function heute(main) {
  const list = h('ul', { class: 'tasks', id: 'aufgaben', 'aria-live': 'polite', 'aria-busy': 'true' });
  const done = h('ul', { class: 'tasks done', id: 'erledigt', 'aria-busy': 'true' });
  const status = h('p', { class: 'muted', id: 'heute-stand' });
  main.replaceChildren(h('h1', {}, 'Heute'), status, list,
    h('section', { 'aria-labelledby': 'erledigt-titel' }, h('h2', { id: 'erledigt-titel' }, 'Heute abgeschlossen'), done));
  let noteCodes = null;
  let stageLabels = null; // stage code → German label, from the database's catalogue (GET /api/stages)
  let latest = 0; // an answer older than the newest load is not drawn
  const busy = () => list.contains(document.activeElement) || done.contains(document.activeElement);

  /** refresh: the timer's look; drawn only if the focus has not gone into a list while it was on its way. */
  async function load(refresh = false) {
    const mine = ++latest;
    list.setAttribute('aria-busy', 'true');
    done.setAttribute('aria-busy', 'true');
    try {
      noteCodes ??= api('/api/touchpoint-note-codes').then((r) => r.note_codes).catch(() => { noteCodes = null; return []; });
      stageLabels ??= api('/api/stages').then((r) => Object.fromEntries(r.stages.map((s) => [s.code, s.label])))
        .catch(() => { stageLabels = null; return {}; });
      const [open, closed, codes, labels] = await Promise.all([api('/api/tasks?view=day'), api('/api/tasks?view=done'), noteCodes, stageLabels]);
      if (mine !== latest || (refresh && busy())) return;
      list.replaceChildren(...(open.tasks.length ? open.tasks.map((t) => card(t, codes, labels, load)) : [h('li', { class: 'empty' }, 'Nichts offen – gut gemacht.')]));
      done.replaceChildren(...(closed.tasks.length ? closed.tasks.map((t) => closedItem(t, codes, load)) : [h('li', { class: 'empty' }, 'Heute noch nichts abgeschlossen.')]));
      status.textContent = `${open.tasks.length} offen · ${closed.tasks.length} abgeschlossen · Stand ${formatTime(new Date())}${open.truncated ? ' · gekürzt' : ''}`;
    } catch (e) {
      if (mine === latest) status.textContent = e.message;
    } finally {
      if (mine === latest) {
        list.setAttribute('aria-busy', 'false');
        done.setAttribute('aria-busy', 'false');
      }
    }
  }
  load();
  const timer = setInterval(() => {
    if (!document.hidden && !busy()) load(true);
  }, REFRESH_MS);
  return () => clearInterval(timer);
}

function playbook(task) {
  const p = task.playbook;
  if (!p?.title && !p?.document) return null;
  const name = `${p.title ?? p.key}${p.step ? ` · Schritt ${p.step}` : ''}`;
  return h('p', { class: 'playbook' }, 'Playbook: ',
    p.document && docsBase
      ? h('a', { href: `${docsBase}/${p.document}`, target: '_blank', rel: 'noopener noreferrer', 'data-field': 'playbook-link' }, name)
      : name,
    p.document && !docsBase ? h('span', { class: 'muted small' }, ` (${p.document})`) : null);
}

const dueDate = new Intl.DateTimeFormat('de-DE', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'Europe/Berlin' });
const LISTED_MARK = { done: 'erledigt', skipped: 'übersprungen', cancelled: 'abgebrochen', gone: 'gelöscht' };

/** open, done, skipped, cancelled or gone: what became of a task the overdue summary lists. */
function listedState(item) {
  if (item.gone) return 'gone';
  if (item.status === 'open') return 'open';
  return item.outcome === 'skipped' ? 'skipped' : item.status === 'done' ? 'done' : 'cancelled';
}

/**
 * The overdue summary's tasks (listed_tasks, names read now) as a list: an open one links to its lead; a done,
 * skipped or cancelled one, or one whose lead is gone, is greyed with a mark and no link. The summary's own text
 * around its list (the request and "… und 3 weitere.") stays as text.
 */
function overdueList(task) {
  const lines = (task.details ?? '').split('\n');
  const first = lines.findIndex((l) => l.startsWith('- '));
  const intro = first < 0 ? lines : lines.slice(0, first);
  const rest = first < 0 ? [] : lines.slice(first + task.listed_tasks.length);
  const text = (l) => (l.length ? h('p', { class: 'details' }, l.join('\n')) : null);
  return [
    text(intro),
    h('ul', { class: 'listed-tasks', 'aria-label': 'Überfällige Aufgaben' }, task.listed_tasks.map((item) => {
      const state = listedState(item);
      const title = item.title ?? 'Aufgabe eines gelöschten Leads';
      const due = h('span', { class: 'listed-due' }, `fällig ${dueDate.format(new Date(item.due_at))}`);
      const who = item.lead_name && !title.includes(item.lead_name) ? ` (${item.lead_name})` : '';
      return h('li', { class: `listed${state === 'open' ? '' : ' closed'}`, 'data-listed-task': item.task_id, 'data-state': state },
        state === 'open' && item.lead_id
          ? h('a', { href: `#/leads/${item.lead_id}`, 'data-field': 'listed-link' }, title)
          : h('span', { class: 'listed-title' }, title),
        who, ' · ', due,
        state === 'open' ? null : [' ', h('span', { class: 'badge', 'data-field': 'listed-mark' }, LISTED_MARK[state])]);
    })),
    text(rest),
  ];
}

function card(task, codes, labels, reload) {
  const id = task.id;
  const channel = h('select', { id: `kanal-${id}`, name: 'channel' },
    h('option', { value: '' }, '– Kanal –'), ...CHANNELS.map(([v, label]) => h('option', { value: v }, label)));
  const note = h('select', { id: `notiz-${id}`, name: 'note_code' }, h('option', { value: '' }, '– Notiz –'),
    ...[['outbound', 'Ausgehend'], ['inbound', 'Eingehend']].map(([direction, label]) =>
      h('optgroup', { label }, ...codes.filter((c) => c.direction === direction).map((c) => h('option', { value: c.code }, c.label)))));
  const error = h('p', { class: 'error', id: `fehler-${id}`, role: 'alert' });

  async function complete(outcome) {
    error.textContent = '';
    const body = outcome === 'done'
      ? { outcome, ...(channel.value ? { channel: channel.value } : {}), ...(note.value ? { note_code: note.value } : {}) }
      : { outcome };
    try {
      const result = await api(`/api/tasks/${id}/complete`, { method: 'POST', body: JSON.stringify(body) });
      const moved = result.to_stage && result.to_stage !== result.from_stage
        ? ` ${task.lead?.name ?? 'Lead'}: ${labels[result.from_stage] ?? result.from_stage} → ${labels[result.to_stage] ?? result.to_stage}.` : '';
      toast((outcome === 'done' ? 'Erledigt.' : 'Übersprungen.') + moved);
      document.getElementById('inhalt').focus();
      await reload();
    } catch (e) {
      error.textContent = e.message;
    }
  }

  const lead = task.lead;
  return h('li', { class: `task${task.overdue ? ' overdue' : ''}`, 'data-task': id },
    h('h2', {}, task.title),
    h('p', { class: 'meta' },
      task.priority === 'high' ? h('span', { class: 'badge high' }, 'Priorität hoch') : null,
      task.overdue ? h('span', { class: 'badge late' }, 'überfällig') : null,
      `fällig ${formatDateTime(task.due_at)}`,
      lead ? [' · ', h('a', { href: `#/leads/${lead.id}`, 'data-field': 'lead-link' }, lead.name), ` (${lead.stage_label ?? labels[lead.stage] ?? lead.stage})`] : null,
      task.assignee?.display_name ? ` · ${task.assignee.display_name}` : null),
    task.listed_tasks?.length ? overdueList(task) : task.details ? h('p', { class: 'details' }, task.details) : null,
    playbook(task),
    h('div', { class: 'actions', role: 'group', 'aria-label': `Abschließen: ${task.title}` },
      h('label', { for: `kanal-${id}` }, 'Kanal'), channel,
      h('label', { for: `notiz-${id}` }, 'Notiz'), note,
      h('button', { type: 'button', class: 'primary', 'data-action': 'done', onclick: () => complete('done') }, 'Erledigt'),
      h('button', { type: 'button', 'data-action': 'skip', onclick: () => complete('skipped') }, 'Überspringen')),
    error);
}

function closedItem(task, codes, reload) {
  const id = task.id;
  const error = h('p', { class: 'error', id: `fehler-${id}`, role: 'alert' });
  const o = task.outcome ?? {};
  const label = codes.find((c) => c.code === o.note_code)?.label;
  const what = task.status === 'cancelled'
    ? `abgebrochen${o.reason ? ` (${o.reason})` : ''}`
    : [o.outcome === 'skipped' ? 'übersprungen' : 'erledigt', CHANNEL_LABEL[o.channel], label].filter(Boolean).join(' · ');

  async function reopen() {
    error.textContent = '';
    try {
      const result = await api(`/api/tasks/${id}/reopen`, { method: 'POST' });
      toast(result.note ?? 'Wieder offen.');
      document.getElementById('inhalt').focus();
      await reload();
    } catch (e) {
      error.textContent = e.message;
    }
  }

  return h('li', { class: 'task closed', 'data-task': id, 'data-status': task.status },
    h('h3', {}, task.title),
    h('p', { class: 'meta' }, h('span', { 'data-field': 'outcome' }, what), o.at ? ` · ${formatTime(new Date(o.at))}` : null),
    h('div', { class: 'actions' },
      h('button', { type: 'button', 'data-action': 'reopen', onclick: reopen }, 'Wieder öffnen')),
    error);
}
