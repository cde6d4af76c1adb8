import { api } from './api.js';
import { h, toast, formatDateTime, berlinInputToIso, showForm } from './dom.js';
import { CHANNELS } from './heute.js';
import { dealForm } from './deal-form.js';
import { lostReasonFields } from './lost-reason.js';
import { field as formField, clearErrors } from './detail.js';

export const PIPELINE_REFRESH_MS = 30_000;
const HANDLE_CHANNELS = [['instagram', 'Instagram'], ['x', 'X'], ['linkedin', 'LinkedIn'], ['other', 'anderer Kanal']];
const BASES = [['cold', 'Kaltakquise (keine Einwilligung)'], ['referral', 'Empfehlung'], ['existing_customer', 'Bestandskunde'], ['form', 'Formular (mit Einwilligung)']];
const CHANNEL_LABEL = Object.fromEntries(HANDLE_CHANNELS);
const ASKS = {
  lost_reason: { label: 'Grund', button: 'Als verloren markieren' },
  call_at: { label: 'Datum und Uhrzeit (Berliner Zeit)', button: 'Call eintragen' },
};

/** "seit 3 Tagen" from the full hours a lead has been in its stage. */
export function ageText(hours) {
  if (hours < 1) return 'seit weniger als einer Stunde';
  if (hours < 24) return hours === 1 ? 'seit 1 Stunde' : `seit ${hours} Stunden`;
  const days = Math.floor(hours / 24);
  return days === 1 ? 'seit 1 Tag' : `seit ${days} Tagen`;
}

const now = () => new Date().toLocaleTimeString('de-DE', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/**
 * #/pipeline: a column per stage (scrolls sideways on a phone), per card the moves the database allows, a form
 * for a new prospect and per card "Kontakt notieren". Refreshes every 30 s while shown, not while one of the
 * forms is open (nor when one was opened while the refresh was on its way); an older answer never overwrites a newer.
 */
export function pipeline(main) {
  main.classList.add('wide');
  const status = h('p', { class: 'muted', id: 'pipeline-stand' });
  const board = h('div', { class: 'board', id: 'pipeline', role: 'region', 'aria-label': 'Stufen der Pipeline', tabindex: '0', 'aria-busy': 'true' });
  const state = {
    notes: new Map(), // lead id → the German reason of a refused move, shown again when the card is drawn anew
    labels: {},
    codes: api('/api/touchpoint-note-codes').then((d) => d.note_codes).catch(() => []),
    focusLead: null, // after drawing: the card (and move button) to give the focus back to
    focusMove: null,
    reload: () => load(),
  };
  const add = prospectForm(state);
  main.replaceChildren(h('h1', {}, 'Pipeline'), add, status, board);
  let latest = 0; // an answer older than the newest load is not drawn
  // Something being filled in: the new prospect, a card's question (call, reason, deal) or its "Kontakt notieren".
  const busy = () => add.open || board.querySelector('form.ask, details[open]');

  /** refresh: the timer's look; drawn only if no form was opened while it was on its way. */
  async function load(refresh = false) {
    const mine = ++latest;
    board.setAttribute('aria-busy', 'true');
    try {
      const data = await api('/api/pipeline');
      if (mine !== latest || (refresh && busy())) return;
      if (refresh) {
        // A focused card keeps its focus across the refresh.
        state.notes.clear();
        if (board.contains(document.activeElement)) {
          state.focusLead = document.activeElement.closest('[data-lead]')?.dataset.lead ?? null;
          state.focusMove = document.activeElement.dataset.move ?? null;
        }
      }
      state.labels = Object.fromEntries(data.stages.map((c) => [c.stage, c.label]));
      board.replaceChildren(...data.stages.map((c) => column(c, state)));
      const open = data.stages.filter((c) => c.stage !== 'WON' && c.stage !== 'LOST').reduce((n, c) => n + c.total, 0);
      status.textContent = `${open === 1 ? '1 offener Lead' : `${open} offene Leads`} · Gewonnen und Verloren der letzten ${data.closed_within_days} Tage · höchstens ${data.limit_per_stage} je Stufe · Stand ${now()}`;
      const card = state.focusLead ? board.querySelector(`[data-lead="${state.focusLead}"]`) : null;
      ((state.focusMove && card?.querySelector(`[data-move="${state.focusMove}"]`)) || card)?.focus();
      state.focusLead = state.focusMove = null;
    } catch (e) {
      if (mine === latest) status.textContent = e.message;
    } finally {
      if (mine === latest) board.setAttribute('aria-busy', 'false');
    }
  }
  load();
  const timer = setInterval(() => {
    // Not while something is being filled in.
    if (document.hidden || busy()) return;
    load(true);
  }, PIPELINE_REFRESH_MS);
  return () => {
    clearInterval(timer);
    main.classList.remove('wide');
  };
}

function column(col, state) {
  const id = `spalte-${col.stage}`;
  return h('section', { class: `column stage-${col.stage.toLowerCase()}`, 'data-stage': col.stage, 'aria-labelledby': id },
    h('h2', { id }, h('span', {}, col.label), h('span', { class: 'count', 'data-field': 'total' }, String(col.total))),
    col.truncated ? h('p', { class: 'muted small' }, `${col.leads.length} von ${col.total} gezeigt, zuletzt bewegte zuerst.`) : null,
    col.leads.length
      ? h('ul', { class: 'cards' }, col.leads.map((lead) => card(lead, col, state)))
      : h('p', { class: 'empty small' }, 'Keine Leads.'));
}

function card(lead, col, state) {
  const id = lead.id;
  const error = h('p', { class: 'error', id: `pipeline-fehler-${id}`, role: 'alert' }, state.notes.get(id) ?? '');
  const slot = h('div', { class: 'ask-slot' });

  async function move(m, extra = {}) {
    error.textContent = '';
    state.notes.delete(id);
    try {
      const moved = await api(`/api/leads/${id}/stage`, { method: 'POST', body: JSON.stringify({ to_stage: m.to_stage, from_stage: lead.stage, ...extra }) });
      toast(`${lead.name}: ${col.label} → ${moved.stage_label}.`);
      state.focusLead = id;
      await state.reload();
    } catch (e) {
      state.notes.set(id, e.message);
      error.textContent = e.message;
      if (e.status === 409) { // someone moved it: show where it is now, with the reason at its card
        state.focusLead = id;
        await state.reload();
      }
    }
  }

  function ask(m, button) {
    const what = ASKS[m.requires];
    const inputId = `${m.requires}-${id}`;
    const reason = m.requires === 'lost_reason' ? lostReasonFields(inputId) : null;
    const input = reason ? reason.first : h('input', { id: inputId, name: 'call_at', type: 'datetime-local', required: true });
    const close = () => { slot.replaceChildren(); button.focus(); };
    const form = h('form', { class: 'ask', 'data-ask': m.to_stage },
      h('label', { for: input.id }, `${what.label} für „${m.label}“`), ...(reason ? reason.fields : [input]),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary', 'data-action': 'confirm' }, what.button),
        h('button', { type: 'button', 'data-action': 'cancel', onclick: close }, 'Abbrechen')));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      move(m, reason ? reason.body() : { call_at: berlinInputToIso(input.value) });
    });
    form.addEventListener('keydown', (e) => { if (e.key === 'Escape') close(); });
    slot.replaceChildren(form);
    input.focus();
  }

  // "Gewonnen" without a deal yet: the deal form (deal-form.js), deal and move in one step.
  function askDeal(button) {
    const close = () => { slot.replaceChildren(); button.focus(); };
    showForm(slot, dealForm({
      prefix: `deal-${id}`,
      lead: { id, name: lead.name, stage: lead.stage },
      onWon: async () => { state.focusLead = id; await state.reload(); },
      onStale: async (e) => { state.notes.set(id, e.message); state.focusLead = id; await state.reload(); },
      onCancel: close,
    }));
  }

  const buttons = col.moves.map((m) => {
    const button = h('button', { type: 'button', 'data-move': m.to_stage, title: m.meaning }, `→ ${m.label}`);
    button.addEventListener('click', () => (m.requires === 'deal' && !lead.has_deal ? askDeal(button) : ASKS[m.requires] ? ask(m, button) : move(m)));
    return button;
  });
  const where = [lead.company, lead.handle_channel ? CHANNEL_LABEL[lead.handle_channel] ?? lead.handle_channel : null, lead.source].filter(Boolean).join(' · ');

  return h('li', { class: 'card', 'data-lead': id, tabindex: '-1', 'aria-labelledby': `lead-${id}` },
    h('h3', { id: `lead-${id}` }, h('a', { href: `#/leads/${id}`, 'data-field': 'lead-link' }, lead.name)),
    where ? h('p', { class: 'meta' }, where) : null,
    h('p', { class: 'meta' },
      h('span', { 'data-field': 'age' }, ageText(lead.hours_in_stage)),
      lead.call_at ? ` · Call ${formatDateTime(lead.call_at)}` : null,
      lead.open_tasks ? ` · ${lead.open_tasks === 1 ? '1 offene Aufgabe' : `${lead.open_tasks} offene Aufgaben`}` : null),
    buttons.length ? h('div', { class: 'actions moves', role: 'group', 'aria-label': `${lead.name} verschieben` }, buttons) : null,
    slot,
    touchpoint(lead, state),
    error);
}

/** "Kontakt notieren": channel and a note code (never the chat's contents); the code says the direction. */
function touchpoint(lead, state) {
  const id = lead.id;
  const channel = h('select', { id: `kontakt-kanal-${id}`, name: 'channel', required: true },
    h('option', { value: '' }, '– Kanal wählen –'), CHANNELS.map(([v, label]) => h('option', { value: v }, label)));
  const code = h('select', { id: `kontakt-notiz-${id}`, name: 'note_code', required: true }, h('option', { value: '' }, '– Was ist passiert? –'));
  state.codes.then((codes) => {
    for (const [direction, label] of [['outbound', 'Ausgehend'], ['inbound', 'Eingehend']]) {
      const group = codes.filter((c) => c.direction === direction);
      if (group.length) code.append(h('optgroup', { label }, group.map((c) => h('option', { value: c.code, 'data-direction': c.direction }, c.label))));
    }
  });
  const error = h('p', { class: 'error', id: `kontakt-fehler-${id}`, role: 'alert' });
  const form = h('form', { class: 'touchpoint', 'data-touchpoint': id },
    h('label', { for: channel.id }, 'Kanal'), channel,
    h('label', { for: code.id }, 'Notiz'), code,
    h('button', { type: 'submit', class: 'primary', 'data-action': 'log' }, 'Kontakt speichern'), error);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    const direction = code.selectedOptions[0]?.dataset.direction;
    try {
      const logged = await api(`/api/leads/${id}/touchpoints`, {
        method: 'POST', body: JSON.stringify({ channel: channel.value, note_code: code.value, ...(direction ? { direction } : {}) }),
      });
      const moved = logged.to_stage !== logged.from_stage
        ? ` ${state.labels[logged.from_stage] ?? logged.from_stage} → ${state.labels[logged.to_stage] ?? logged.to_stage}.` : '';
      toast(`Kontakt notiert: ${lead.name}.${moved}`);
      state.focusLead = id;
      await state.reload();
    } catch (err) {
      error.textContent = err.message;
    }
  });
  return h('details', { class: 'contact', 'data-contact': id }, h('summary', {}, 'Kontakt notieren'), form);
}

/** "Interessent hinzufügen": POST /api/prospects with the fields of shared/Leads/ProspectValidator.cs, errors per field. */
function prospectForm(state) {
  const fields = { inputs: {}, errors: {} };
  const { inputs, errors } = fields;
  const field = (name, label, input, hint) => formField(fields, 'neu', name, label, input, hint);
  const text = (attrs = {}) => h('input', { type: 'text', autocomplete: 'off', ...attrs });
  const basis = h('select', { required: true }, BASES.map(([v, label]) => h('option', { value: v }, label)));
  const consent = h('div', { class: 'consent', hidden: true },
    field('consent_text_version', 'Version des Einwilligungstextes', text({ maxlength: '40' })),
    field('consent_source', 'Wo eingewilligt (z. B. landing-page:/)', text({ maxlength: '300' })));
  basis.addEventListener('change', () => { consent.hidden = basis.value !== 'form'; });
  const summary = h('p', { class: 'error', id: 'neu-fehler', role: 'alert' });
  const form = h('form', { id: 'interessent-form', class: 'prospect' },
    field('name', 'Name (Pflicht)', text({ required: true, maxlength: '120' })),
    field('company', 'Firma', text({ maxlength: '120' })),
    field('email', 'E-Mail-Adresse', h('input', { type: 'email', autocomplete: 'off', maxlength: '254' })),
    field('handle_channel', 'Kanal des Handles', h('select', {}, h('option', { value: '' }, '– kein Handle –'), HANDLE_CHANNELS.map(([v, label]) => h('option', { value: v }, label)))),
    field('handle', 'Handle oder Profil-URL', text({ maxlength: '300' })),
    field('source', 'Quelle (z. B. instagram-outreach)', text({ maxlength: '100' })),
    field('contact_basis', 'Kontaktgrundlage (Pflicht)', basis),
    consent,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'interessent-senden' }, 'Interessent anlegen')),
    summary);
  const details = h('details', { class: 'add', id: 'interessent' }, h('summary', {}, 'Interessent hinzufügen'), form);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(fields, summary);
    const body = {};
    for (const [name, el] of Object.entries(inputs)) {
      if (consent.hidden && name.startsWith('consent_')) continue;
      if (el.value.trim()) body[name] = el.value.trim();
    }
    try {
      const added = await api('/api/prospects', { method: 'POST', body: JSON.stringify(body) });
      toast(`Angelegt: ${body.name} (${state.labels.NEW ?? 'NEW'})${added.first_contact_task_id ? ', der Erstkontakt steht auf der Liste für heute' : ''}.`);
      form.reset();
      consent.hidden = true;
      details.open = false;
      state.focusLead = added.lead_id;
      await state.reload();
    } catch (err) {
      let first = null;
      for (const [name, messages] of Object.entries(err.errors ?? {})) {
        if (!errors[name]) continue;
        errors[name].textContent = messages.join(' ');
        inputs[name].setAttribute('aria-invalid', 'true');
        first ??= inputs[name];
      }
      summary.textContent = err.message;
      first?.focus();
    }
  });
  return details;
}
