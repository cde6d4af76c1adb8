import { api } from './api.js';
import { h, toast, formatDateTime } from './dom.js';

const STAGES = { NEW: 'Neu', CONTACTED: 'Kontaktiert', REPLIED: 'Geantwortet', QUALIFIED: 'Qualifiziert', CALL_BOOKED: 'Call gebucht', WON: 'Gewonnen', LOST: 'Verloren' };
export const CHANNELS = [['dm', 'Direktnachricht'], ['email', 'E-Mail'], ['call', 'Anruf'], ['meeting', 'Termin']];
export const REFRESH_MS = 20_000;

/** #/heute: today's and overdue tasks; refreshes itself every 20 s while shown (not while a card has the focus). */
export function heute(main) {
  const list = h('ul', { class: 'tasks', id: 'aufgaben', 'aria-live': 'polite', 'aria-busy': 'true' });
  const status = h('p', { class: 'muted', id: 'heute-stand' });
  main.replaceChildren(h('h1', {}, 'Heute'), status, list);

  async function load() {
    try {
      const data = await api('/api/tasks?view=day');
      list.replaceChildren(...(data.tasks.length ? data.tasks.map((t) => card(t, load)) : [h('li', { class: 'empty' }, 'Nichts offen – gut gemacht.')]));
      status.textContent = `${data.tasks.length} offen · Stand ${new Date().toLocaleTimeString('de-DE', { hour: '2-digit', minute: '2-digit', second: '2-digit' })}${data.truncated ? ' · gekürzt' : ''}`;
    } catch (e) {
      status.textContent = e.message;
    } finally {
      list.setAttribute('aria-busy', 'false');
    }
  }
  load();
  const timer = setInterval(() => {
    if (!document.hidden && !list.contains(document.activeElement)) load();
  }, REFRESH_MS);
  return () => clearInterval(timer);
}

function card(task, reload) {
  const id = task.id;
  const channel = h('select', { id: `kanal-${id}`, name: 'channel' },
    h('option', { value: '' }, '– Kanal wählen –'), ...CHANNELS.map(([v, label]) => h('option', { value: v }, label)));
  const error = h('p', { class: 'error', id: `fehler-${id}`, role: 'alert' });

  async function complete(outcome) {
    error.textContent = '';
    const body = outcome === 'done' ? { outcome, ...(channel.value ? { channel: channel.value } : {}) } : { outcome };
    try {
      const result = await api(`/api/tasks/${id}/complete`, { method: 'POST', body: JSON.stringify(body) });
      const moved = result.to_stage && result.to_stage !== result.from_stage
        ? ` ${task.lead?.name ?? 'Lead'}: ${STAGES[result.from_stage] ?? result.from_stage} → ${STAGES[result.to_stage] ?? result.to_stage}.` : '';
      toast((outcome === 'done' ? 'Erledigt.' : 'Übersprungen.') + moved);
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
      lead ? ` · ${lead.name} (${lead.stage_label ?? STAGES[lead.stage] ?? lead.stage})` : null,
      task.assignee?.display_name ? ` · ${task.assignee.display_name}` : null),
    task.details ? h('p', { class: 'details' }, task.details) : null,
    task.playbook?.title ? h('p', { class: 'playbook' }, 'Playbook: ', task.playbook.title, task.playbook.step ? ` (Schritt ${task.playbook.step})` : '') : null,
    h('div', { class: 'actions' },
      h('label', { for: `kanal-${id}` }, 'Kanal'), channel,
      h('button', { type: 'button', class: 'primary', 'data-action': 'done', onclick: () => complete('done') }, 'Erledigt'),
      h('button', { type: 'button', 'data-action': 'skip', onclick: () => complete('skipped') }, 'Überspringen')),
    error);
}
