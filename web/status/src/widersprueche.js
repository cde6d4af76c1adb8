import { api } from './api.js';
import { h, toast, formatDateTime } from './dom.js';
import { field as formField, clearErrors, showErrors } from './detail.js';

const KINDS = { email: 'E-Mail-Adresse', handle: 'Handle' };
const CHANNELS = [['instagram', 'Instagram'], ['linkedin', 'LinkedIn'], ['x', 'X'], ['other', 'anderer Kanal']];

/**
 * #/widersprueche: record an objection (Art. 21 DSGVO) by e-mail or by handle and channel (POST /api/objections), and
 * the list (GET /api/objections): kind, when and by whom, lifted by a new consent. The list holds no personal data:
 * only keyed hashes are stored, so what was entered is not shown again.
 */
export function widersprueche(main) {
  const fields = { inputs: {}, errors: {} };
  const { inputs } = fields;
  const field = (name, label, input, hint) => formField(fields, 'widerspruch', name, label, input, hint);
  const summary = h('p', { class: 'error', id: 'widerspruch-fehler', role: 'alert' });
  const form = h('form', { class: 'edit-form', id: 'widerspruch-form' },
    field('email', 'E-Mail-Adresse', h('input', { type: 'email', autocomplete: 'off' })),
    field('handle', 'oder Handle', h('input', { type: 'text', autocomplete: 'off' }), 'Name oder Profil-URL, mit Kanal'),
    field('channel', 'Kanal des Handles', h('select', {}, h('option', { value: '' }, '– Kanal wählen –'), CHANNELS.map(([v, label]) => h('option', { value: v }, label)))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'widerspruch-senden' }, 'Widerspruch eintragen')),
    summary);
  const list = h('ul', { class: 'tasks', id: 'widersprueche', 'aria-busy': 'true' });
  const counts = h('p', { class: 'muted', id: 'widersprueche-stand' });
  main.replaceChildren(h('h1', {}, 'Widersprüche'),
    h('p', {}, 'Widerspricht jemand der Kontaktaufnahme (Art. 21 DSGVO), hier die E-Mail-Adresse oder den Handle mit Kanal eintragen. Alle offenen Aufgaben dieser Person enden sofort, ihre Leads verlassen die Sequenz, und sie kann nicht erneut als Prospect angelegt werden. Gespeichert wird nur ein verschlüsselter Prüfwert, nie die Angabe selbst. Erst eine neue Einwilligung über das Formular hebt den Widerspruch auf.'),
    form,
    h('section', { 'aria-labelledby': 'widersprueche-titel' }, h('h2', { id: 'widersprueche-titel' }, 'Eingetragene Widersprüche'), counts, list));

  async function load() {
    try {
      const data = await api('/api/objections');
      counts.textContent = `${data.active} aktiv · ${data.lifted} aufgehoben`;
      list.replaceChildren(...(data.items.length ? data.items.map(item) : [h('li', { class: 'empty' }, 'Noch keine Widersprüche eingetragen.')]));
    } catch (e) {
      counts.textContent = e.message;
    } finally {
      list.setAttribute('aria-busy', 'false');
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(fields, summary);
    const body = {};
    for (const name of ['email', 'handle', 'channel']) if (inputs[name].value.trim()) body[name] = inputs[name].value.trim();
    try {
      const r = await api('/api/objections', { method: 'POST', body: JSON.stringify(body) });
      form.reset();
      toast(`Widerspruch eingetragen: ${r.leads_stopped === 1 ? '1 Lead' : `${r.leads_stopped} Leads`} gestoppt, ${r.tasks_cancelled === 1 ? '1 Aufgabe' : `${r.tasks_cancelled} Aufgaben`} abgebrochen.`);
      await load();
    } catch (err) {
      showErrors(fields, summary, err);
    }
  });
  load();
}

function item(o) {
  return h('li', { class: 'task', 'data-objection': o.id },
    h('h3', {}, KINDS[o.kind] ?? o.kind),
    h('p', { class: 'meta' },
      `eingetragen ${formatDateTime(o.created_at)}${o.created_by_name ? ` von ${o.created_by_name}` : ''}`,
      ' · ',
      h('span', { 'data-field': 'state' }, o.lifted_at ? `aufgehoben ${formatDateTime(o.lifted_at)} (neue Einwilligung über das Formular)` : 'aktiv')));
}
