import { api } from './api.js';
import { h, toast, copyButton, formatDateTime, berlinInputToIso, showForm } from './dom.js';
import { CHANNELS } from './heute.js';
import { dealForm } from './deal-form.js';
import { onboardingSection } from './onboarding.js';
import { privacySection } from './datenschutz.js';
import { leadInstalls } from './installs.js';
import { lostReasonFields } from './lost-reason.js';
import { erasureSection } from './erasure.js';
import { field as formField, clearErrors, showErrors } from './detail.js';

export const SEARCH_DEBOUNCE_MS = 250;
const CHANNEL_LABEL = Object.fromEntries(CHANNELS);
const HANDLE_CHANNELS = { instagram: 'Instagram', x: 'X', linkedin: 'LinkedIn', other: 'anderer Kanal' };
const PROFILE_URL = {
  instagram: (handle) => `https://instagram.com/${encodeURIComponent(handle)}`,
  x: (handle) => `https://x.com/${encodeURIComponent(handle)}`,
  linkedin: (handle) => `https://www.linkedin.com/in/${encodeURIComponent(handle)}`,
};
const BASES = { cold: 'Kaltakquise (keine Einwilligung)', referral: 'Empfehlung', existing_customer: 'Bestandskunde', form: 'Formular (mit Einwilligung)' };
const DEAL_STATUS = { open: 'offen', won: 'gewonnen', lost: 'verloren' };
export const NOTE_HINT = 'Nur geschäftliche Notizen – keine Chatinhalte, keine sensiblen Daten.';
const euro = new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' });
/** After "Gewonnen": how often and how long the view looks for the onboarding tasks the pipeline creates. */
export const ONBOARDING_POLL_MS = 3000;
const ONBOARDING_POLLS = 40;
const ONBOARDING_KINDS = new Set(['onboarding', 'install']);
export const STALE_EDIT = 'Dieser Lead wurde inzwischen geändert (von jemand anderem oder in einem anderen Tab). Deine Änderung wurde nicht gespeichert, nichts wurde überschrieben. Bitte neu laden und die Änderung erneut eintragen.';

/**
 * #/leads: search as you type (debounced), filters by stage and source, 50 a page with "Weitere laden"; each row
 * links to #/leads/<id>.
 */
export function leads(main) {
  const q = h('input', { id: 'lead-suche', name: 'q', type: 'search', maxlength: '200', autocomplete: 'off', placeholder: 'Name, Firma, E-Mail, Telefon, Handle' });
  const stage = h('select', { id: 'lead-stufe', name: 'stage' }, h('option', { value: '' }, 'Alle Stufen'));
  const source = h('input', { id: 'lead-quelle', name: 'source', type: 'text', maxlength: '100', autocomplete: 'off', placeholder: 'z. B. landing-page' });
  const status = h('p', { class: 'muted', id: 'leads-stand', role: 'status' });
  const list = h('ul', { class: 'lead-list', id: 'leads', 'aria-busy': 'true' });
  const more = h('button', { type: 'button', id: 'weitere-laden', hidden: true }, 'Weitere laden');
  main.replaceChildren(h('h1', {}, 'Leads'),
    h('form', { class: 'filters', role: 'search', onsubmit: (e) => { e.preventDefault(); search(); } },
      h('div', { class: 'field' }, h('label', { for: q.id }, 'Suche'), q),
      h('div', { class: 'field' }, h('label', { for: stage.id }, 'Stufe'), stage),
      h('div', { class: 'field' }, h('label', { for: source.id }, 'Quelle'), source)),
    status, list, more);

  api('/api/stages').then((r) => stage.append(...r.stages.map((s) => h('option', { value: s.code }, s.label)))).catch(() => {});

  let cursor = null;
  let generation = 0; // answers of an older search are dropped
  let timer = null;
  let shown = 0;

  async function load(append) {
    const mine = ++generation;
    const params = new URLSearchParams();
    if (q.value.trim()) params.set('q', q.value.trim());
    if (stage.value) params.set('stage', stage.value);
    if (source.value.trim()) params.set('source', source.value.trim());
    if (append && cursor) params.set('cursor', cursor);
    list.setAttribute('aria-busy', 'true');
    try {
      const data = await api(`/api/leads?${params}`);
      if (mine !== generation) return;
      const rows = data.items.map(row);
      // A lead's link in focus (a search answering after the person tabbed into the list) keeps it in the new list.
      const focused = list.contains(document.activeElement) ? document.activeElement.closest('[data-lead]')?.dataset.lead : null;
      if (append) list.append(...rows);
      else list.replaceChildren(...(rows.length ? rows : [h('li', { class: 'empty' }, 'Keine Leads gefunden.')]));
      if (focused && !list.contains(document.activeElement)) list.querySelector(`[data-lead="${focused}"] a`)?.focus();
      shown = (append ? shown : 0) + data.items.length;
      cursor = data.next_cursor;
      more.hidden = !cursor;
      status.textContent = shown === 1 ? '1 Lead' : `${shown} Leads${cursor ? ' (weitere vorhanden)' : ''}`;
    } catch (e) {
      if (mine === generation) status.textContent = e.message;
    } finally {
      if (mine === generation) list.setAttribute('aria-busy', 'false');
    }
  }
  function search() {
    clearTimeout(timer);
    cursor = null;
    load(false);
  }
  const later = () => { clearTimeout(timer); timer = setTimeout(search, SEARCH_DEBOUNCE_MS); };
  q.addEventListener('input', later);
  source.addEventListener('input', later);
  stage.addEventListener('change', search);
  more.addEventListener('click', () => load(true));
  load(false);
  return () => { clearTimeout(timer); generation++; };
}

function row(lead) {
  return h('li', { class: 'lead-row', 'data-lead': lead.id },
    h('a', { href: `#/leads/${lead.id}` },
      h('span', { class: 'lead-name' }, lead.name),
      lead.company ? h('span', { class: 'muted' }, ` · ${lead.company}`) : null),
    h('p', { class: 'meta' },
      h('span', { class: 'badge', 'data-field': 'stage' }, lead.stage_label ?? lead.stage),
      lead.source ? `${lead.source} · ` : null,
      lead.last_activity_at ? `zuletzt ${formatDateTime(lead.last_activity_at)}` : 'noch keine Aktivität'));
}

/**
 * #/leads/<id>: everything about one lead, "Bearbeiten" of its contact data, the stage moves the pipeline allows
 * (with "Gewonnen" and its deal form), and "Kontakt notieren".
 */
export function leadDetail(main, id) {
  main.replaceChildren(h('p', { class: 'muted', 'aria-busy': 'true' }, 'Lädt …'));
  let gone = false;
  let poll = null;
  let latest = 0; // an answer older than the newest load is not drawn
  const codes = api('/api/touchpoint-note-codes').then((r) => r.note_codes).catch(() => []);
  // Something being filled in: typing in a form of the view (the install booking opens by itself for a won lead
  // without install: only typing in it counts), a form with changes, an open section, a question of "Stufe ändern".
  const busy = () => {
    const typing = document.activeElement?.closest('#inhalt form') && /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
    return typing || document.querySelector('#inhalt form[data-dirty], #inhalt details[open]:not(#installation-neu), #stufe-formular form');
  };

  /**
   * The lead drawn anew (its answer, or null). polled: the onboarding poll's look, drawn only if nothing is being filled
   * in by the time it answers (else undefined: look again later).
   */
  async function load(focus, after, polled = false) {
    const mine = ++latest;
    if (polled) main.setAttribute('aria-busy', 'true');
    const settled = () => { if (mine === latest) main.removeAttribute('aria-busy'); };
    let lead;
    try {
      lead = await api(`/api/leads/${encodeURIComponent(id)}`);
    } catch (e) {
      if (gone) return null;
      if (mine !== latest) return polled ? undefined : null;
      settled();
      main.replaceChildren(h('p', {}, h('a', { href: '#/leads' }, '← Alle Leads')),
        h('h1', {}, e.status === 404 || e.status === 400 ? 'Lead nicht gefunden' : 'Lead'),
        h('p', { class: 'error', role: 'alert', id: 'lead-fehler' }, e.status === 404 || e.status === 400
          ? 'Diesen Lead gibt es nicht (mehr). Bitte in der Liste suchen.' : e.message));
      return null;
    }
    if (gone) return null;
    if (mine !== latest) return polled ? undefined : null;
    settled();
    if (polled && busy()) return undefined;
    document.title = `${lead.name} | Status-Center`;
    const reload = (f, a) => load(f ?? true, a);
    main.replaceChildren(
      h('p', {}, h('a', { href: '#/leads' }, '← Alle Leads')),
      h('h1', { id: 'lead-name' }, lead.name),
      h('p', { class: 'meta' },
        h('span', { class: 'badge', 'data-field': 'stage', 'data-stage': lead.stage }, lead.stage_label),
        `seit ${formatDateTime(lead.stage_changed_at)}`,
        lead.call_at ? ` · Call ${formatDateTime(lead.call_at)}` : null,
        lead.lost_reason_label ? ` · Grund: ${lead.lost_reason_label}` : null,
        lead.lost_reason ? ` (${lead.lost_reason})` : null),
      stageMoves(lead, { reload, won: () => reload(true, 'won') }),
      contact(lead, reload),
      consent(lead, reload),
      touchpointForm(lead, await codes, () => load(true)),
      timeline(lead),
      tasks(lead),
      deals(lead),
      onboardingSection(lead, () => load(true)),
      leadInstalls(lead, () => load(true)),
      privacySection(lead),
      erasureSection(lead, () => load(true)));
    if (after === 'won') awaitOnboarding(lead);
    if (focus) main.focus();
    return lead;
  }

  // The onboarding and install tasks come from the pipeline's reaction to WON (a moment later, at the latest with
  // the next run of ProcessPipelineEvents): look again until they are there.
  function awaitOnboarding(lead, left = ONBOARDING_POLLS) {
    clearTimeout(poll);
    if (lead.stage !== 'WON' || lead.open_tasks.some((t) => ONBOARDING_KINDS.has(t.kind)) || left <= 0) return;
    document.getElementById('aufgaben-stand')?.replaceChildren('Die Onboarding-Aufgaben werden gerade angelegt …');
    poll = setTimeout(async () => {
      if (gone) return;
      // not while something is being filled in (nor when it began while the look was on its way): look again later
      if (busy()) { awaitOnboarding(lead, left - 1); return; }
      const next = await load(false, undefined, true);
      if (next) awaitOnboarding(next, left - 1);
      else if (next === undefined && !gone) awaitOnboarding(lead, left - 1);
    }, ONBOARDING_POLL_MS);
  }

  load(false);
  return () => { gone = true; clearTimeout(poll); main.removeAttribute('aria-busy'); };
}

/** The moves the pipeline allows from the lead's stage (lead.moves), each asking what its stage rule needs. */
function stageMoves(lead, { reload, won }) {
  const error = h('p', { class: 'error', id: 'stufe-fehler', role: 'alert' });
  const slot = h('div', { class: 'ask-slot', id: 'stufe-formular' });
  const hasDeal = lead.deals.some((d) => d.status === 'open' || d.status === 'won');

  async function move(m, extra = {}) {
    error.textContent = '';
    try {
      const moved = await api(`/api/leads/${lead.id}/stage`, { method: 'POST', body: JSON.stringify({ to_stage: m.to_stage, from_stage: lead.stage, ...extra }) });
      toast(`${lead.name}: ${lead.stage_label} → ${moved.stage_label}.`);
      await (m.to_stage === 'WON' ? won() : reload());
    } catch (e) {
      if (e.status === 409) {
        await reload();
        document.getElementById('stufe-fehler')?.replaceChildren(e.message);
      } else {
        error.textContent = e.message;
      }
    }
  }

  function ask(m, button) {
    const close = () => { slot.replaceChildren(); button.focus(); };
    const lost = m.requires === 'lost_reason';
    const reason = lost ? lostReasonFields('stufe') : null;
    const input = lost
      ? reason.first
      : h('input', { id: 'stufe-call_at', name: 'call_at', type: 'datetime-local', required: true });
    const form = h('form', { class: 'ask', 'data-ask': m.to_stage },
      h('label', { for: input.id }, `${lost ? 'Grund' : 'Datum und Uhrzeit (Berliner Zeit)'} für „${m.label}“`), ...(lost ? reason.fields : [input]),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary', 'data-action': 'confirm' }, lost ? 'Als verloren markieren' : 'Call eintragen'),
        h('button', { type: 'button', 'data-action': 'cancel', onclick: close }, 'Abbrechen')));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      move(m, lost ? reason.body() : { call_at: berlinInputToIso(input.value) });
    });
    form.addEventListener('keydown', (e) => { if (e.key === 'Escape') close(); });
    slot.replaceChildren(form);
    input.focus();
  }

  function askDeal(button) {
    error.textContent = '';
    showForm(slot, dealForm({
      prefix: 'deal',
      lead,
      onWon: won,
      onStale: () => reload(),
      onCancel: () => { slot.replaceChildren(); button.focus(); },
    }));
  }

  const buttons = lead.moves.map((m) => {
    const button = h('button', { type: 'button', 'data-move': m.to_stage, title: m.meaning }, `→ ${m.label}`);
    button.addEventListener('click', () => (m.requires === 'deal' && !hasDeal ? askDeal(button)
      : m.requires === 'lost_reason' || m.requires === 'call_at' ? ask(m, button) : move(m)));
    return button;
  });
  return h('section', { 'aria-labelledby': 'stufe-titel', id: 'stufe' },
    h('h2', { id: 'stufe-titel' }, 'Stufe ändern'),
    buttons.length
      ? h('div', { class: 'actions moves', role: 'group', 'aria-label': `${lead.name} verschieben` }, buttons)
      : h('p', { class: 'empty' }, `„${lead.stage_label}“ ist eine Endstufe.`),
    slot, error);
}

function contact(lead, reload) {
  const rows = [];
  const add = (label, field, value, link) => {
    if (!value) return;
    rows.push(h('dt', {}, label), h('dd', { 'data-field': field },
      link ? h('a', { href: link, ...(link.startsWith('https:') ? { target: '_blank', rel: 'noopener noreferrer' } : {}) }, value) : h('span', {}, value),
      ' ', copyButton(label, value)));
  };
  add('Name', 'name', lead.name);
  add('Firma', 'company', lead.company);
  add('E-Mail', 'email', lead.email, lead.email ? `mailto:${lead.email}` : null);
  add('Telefon', 'phone', lead.phone, lead.phone ? `tel:${lead.phone.replace(/[^\d+]/g, '')}` : null);
  if (lead.handle) {
    const profile = PROFILE_URL[lead.handle_channel]?.(lead.handle);
    add(`Handle (${HANDLE_CHANNELS[lead.handle_channel] ?? lead.handle_channel})`, 'handle', lead.handle, profile);
  }
  const facts = rows.length ? h('dl', { class: 'facts contact-facts' }, rows) : h('p', { class: 'empty' }, 'Keine Kontaktdaten.');
  const edit = h('button', { type: 'button', id: 'kontakt-bearbeiten', 'aria-expanded': 'false' }, 'Bearbeiten');
  const slot = h('div', { id: 'bearbeiten-slot' });
  edit.addEventListener('click', () => {
    const open = !slot.firstChild;
    edit.setAttribute('aria-expanded', String(open));
    facts.hidden = open;
    if (open) showForm(slot, editForm(lead, reload, () => { slot.replaceChildren(); facts.hidden = false; edit.setAttribute('aria-expanded', 'false'); edit.focus(); }));
    else slot.replaceChildren();
  });
  return h('section', { 'aria-labelledby': 'kontakt-titel', id: 'kontakt' },
    h('div', { class: 'section-head' }, h('h2', { id: 'kontakt-titel' }, 'Kontakt'), edit),
    facts, slot,
    lead.message ? h('div', {}, h('h3', {}, 'Nachricht aus dem Formular'), h('p', { class: 'details', 'data-field': 'message' }, lead.message)) : null);
}

/**
 * "Einwilligung und Herkunft": the consent (version, when, source; the exact text of its version on click) and, for a
 * consent not withdrawn, "Einwilligung widerrufen" (POST /api/leads/{id}/consent/withdraw, after a confirmation:
 * open tasks end at once, the lead leaves the sequence).
 */
function consent(lead, reload) {
  const c = lead.consent;
  const origin = lead.origin?.source;
  const error = h('p', { class: 'error', id: 'einwilligung-fehler', role: 'alert' });
  let withdraw = null;
  if (c?.at && !c.withdrawn_at) {
    const confirm = h('button', { type: 'button', class: 'primary', id: 'einwilligung-widerruf-eintragen' }, 'Widerruf eintragen');
    const ask = h('div', { id: 'einwilligung-widerruf-frage', hidden: true },
      h('p', {}, 'Die Person widerruft ihre Einwilligung: Alle offenen Aufgaben enden sofort, der Lead verlässt die Sequenz (Verloren, Grund „einwilligung_widerrufen“). Der Lead bleibt für die gesetzliche Aufbewahrung gespeichert.'),
      confirm);
    const open = h('button', { type: 'button', id: 'einwilligung-widerrufen', onclick: () => { ask.hidden = false; confirm.focus(); } }, 'Einwilligung widerrufen');
    confirm.addEventListener('click', async () => {
      error.textContent = '';
      confirm.disabled = true;
      try {
        const r = await api(`/api/leads/${lead.id}/consent/withdraw`, { method: 'POST' });
        toast(`Widerruf eingetragen${r.tasks_cancelled ? `, ${r.tasks_cancelled === 1 ? '1 Aufgabe' : `${r.tasks_cancelled} Aufgaben`} abgebrochen` : ''}.`);
        await reload();
      } catch (err) {
        error.textContent = err.message;
        confirm.disabled = false;
      }
    });
    withdraw = h('div', { class: 'actions' }, open, ask);
  }
  return h('section', { 'aria-labelledby': 'einwilligung-titel', id: 'einwilligung' },
    h('h2', { id: 'einwilligung-titel' }, 'Einwilligung und Herkunft'),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Kontaktgrundlage'), h('dd', { 'data-field': 'contact_basis' }, BASES[lead.contact_basis] ?? lead.contact_basis),
      c ? [h('dt', {}, 'Einwilligung'), h('dd', { 'data-field': 'consent' },
        [c.at ? formatDateTime(c.at) : null, c.text_version ? `Textversion ${c.text_version}` : null, c.source].filter(Boolean).join(' · '))]
        : [h('dt', {}, 'Einwilligung'), h('dd', { 'data-field': 'consent' }, 'keine erfasst')],
      c?.withdrawn_at ? [h('dt', {}, 'Widerrufen'), h('dd', { 'data-field': 'consent_withdrawn' }, formatDateTime(c.withdrawn_at))] : null,
      origin ? [h('dt', {}, 'Quelle'), h('dd', {}, origin)] : null),
    c?.text ? h('details', { id: 'einwilligungstext' }, h('summary', {}, `Einwilligungstext (Version ${c.text_version}) anzeigen`),
      h('blockquote', { 'data-field': 'consent_text' }, c.text)) : null,
    withdraw, error);
}

function timeline(lead) {
  const entries = [
    ...lead.stage_history.map((s) => ({
      at: s.changed_at,
      el: h('li', { 'data-kind': 'stage' },
        h('span', { class: 'when' }, formatDateTime(s.changed_at)), ' ',
        h('strong', {}, s.from_label ? `${s.from_label} → ${s.to_label}` : `Angelegt: ${s.to_label}`),
        s.changed_by_name ? ` · ${s.changed_by_name}` : null,
        s.lost_reason ? ` · Grund: ${s.lost_reason}` : null),
    })),
    ...lead.touchpoints.map((t) => ({
      at: t.occurred_at,
      el: h('li', { 'data-kind': 'touchpoint', 'data-touchpoint': t.id },
        h('span', { class: 'when' }, formatDateTime(t.occurred_at)), ' ',
        h('strong', {}, t.note_label ?? t.note_code ?? 'Kontakt'),
        ` · ${t.direction === 'inbound' ? 'eingehend' : 'ausgehend'} · ${CHANNEL_LABEL[t.channel] ?? HANDLE_CHANNELS[t.channel] ?? t.channel}`,
        t.note ? h('p', { class: 'details note', 'data-field': 'note' }, t.note) : null),
    })),
  ].sort((a, b) => new Date(b.at) - new Date(a.at));
  return h('section', { 'aria-labelledby': 'verlauf-titel' },
    h('h2', { id: 'verlauf-titel' }, 'Verlauf'),
    entries.length ? h('ol', { class: 'history', id: 'verlauf' }, entries.map((e) => e.el)) : h('p', { class: 'empty' }, 'Noch nichts passiert.'));
}

function tasks(lead) {
  return h('section', { 'aria-labelledby': 'aufgaben-titel' },
    h('h2', { id: 'aufgaben-titel' }, 'Offene Aufgaben'),
    h('p', { class: 'muted small', id: 'aufgaben-stand', role: 'status' }),
    lead.open_tasks.length
      ? h('ul', { class: 'plain', id: 'lead-aufgaben' }, lead.open_tasks.map((t) => h('li', { 'data-task': t.id },
        h('strong', {}, t.title), ` · fällig ${formatDateTime(t.due_at)}`, t.assignee_name ? ` · ${t.assignee_name}` : null)))
      : h('p', { class: 'empty' }, 'Keine offenen Aufgaben.'));
}

function deals(lead) {
  return h('section', { 'aria-labelledby': 'deals-titel' },
    h('h2', { id: 'deals-titel' }, 'Deals'),
    lead.deals.length
      ? h('ul', { class: 'plain', id: 'lead-deals' }, lead.deals.map((d) => h('li', { 'data-deal': d.id },
        h('a', { href: `#/deals/${d.id}`, 'data-field': 'deal-link' }, h('strong', {}, d.package_name)),
        ` · ${euro.format(d.amount_cents / 100)} · ${DEAL_STATUS[d.status] ?? d.status}`,
        d.starts_on ? ` · ab ${d.starts_on.split('-').reverse().join('.')}` : null)))
      : h('p', { class: 'empty' }, 'Noch kein Deal.'));
}

/** "Kontakt notieren": channel, note code, optional short note (≤ 500); errors at their field. */
function touchpointForm(lead, codes, reload) {
  const fields = { inputs: {}, errors: {} };
  const { inputs } = fields;
  const field = (name, label, input, hint) => formField(fields, 'kontakt', name, label, input, hint);
  const code = h('select', { required: true }, h('option', { value: '' }, '– Was ist passiert? –'),
    [['outbound', 'Ausgehend'], ['inbound', 'Eingehend']].map(([direction, label]) => {
      const group = codes.filter((c) => c.direction === direction);
      return group.length ? h('optgroup', { label }, group.map((c) => h('option', { value: c.code }, c.label))) : null;
    }));
  const summary = h('p', { class: 'error', id: 'kontakt-fehler', role: 'alert' });
  const form = h('form', { class: 'touchpoint-form', id: 'kontakt-form' },
    field('channel', 'Kanal', h('select', { required: true }, h('option', { value: '' }, '– Kanal wählen –'), CHANNELS.map(([v, label]) => h('option', { value: v }, label)))),
    field('note_code', 'Notiz-Code', code),
    field('note', 'Notiz (optional, höchstens 500 Zeichen)', h('textarea', { maxlength: '500', rows: '3' }), NOTE_HINT),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'kontakt-senden' }, 'Kontakt speichern')),
    summary);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(fields, summary);
    const note = inputs.note.value.trim();
    try {
      await api(`/api/leads/${lead.id}/touchpoints`, {
        method: 'POST', body: JSON.stringify({ channel: inputs.channel.value, note_code: inputs.note_code.value, ...(note ? { note } : {}) }),
      });
      toast(`Kontakt notiert: ${lead.name}.`);
      await reload();
    } catch (err) {
      showErrors(fields, summary, err);
    }
  });
  return h('details', { class: 'add', id: 'kontakt-notieren' }, h('summary', {}, 'Kontakt notieren'), form);
}

/**
 * "Bearbeiten": the contact fields PATCH /api/leads/{id} takes, with the version the view loaded. Only changed
 * fields are sent (empty clears a field). 422: the German message at each field; 409 on the version: someone
 * changed the lead in between, nothing is overwritten, "Neu laden" shows their change.
 */
function editForm(lead, reload, close) {
  const fields = { inputs: {}, errors: {} };
  const { inputs } = fields;
  const field = (name, label, input, hint) => formField(fields, 'bearbeiten', name, label, input, hint);
  const text = (value, attrs = {}) => h('input', { type: 'text', autocomplete: 'off', value: value ?? '', ...attrs });
  const channel = h('select', {}, h('option', { value: '' }, '– kein Handle –'),
    Object.entries(HANDLE_CHANNELS).map(([v, label]) => h('option', { value: v, selected: v === lead.handle_channel }, label)));
  const summary = h('p', { class: 'error', id: 'bearbeiten-fehler', role: 'alert' });
  const stale = h('div', { class: 'stale', id: 'bearbeiten-veraltet', hidden: true },
    h('p', { role: 'alert' }, STALE_EDIT),
    h('button', { type: 'button', id: 'bearbeiten-neu-laden', onclick: () => reload(true) }, 'Neu laden'));
  const submit = h('button', { type: 'submit', class: 'primary', id: 'bearbeiten-senden' }, 'Speichern');
  const form = h('form', { class: 'edit-form', id: 'bearbeiten-form', novalidate: true },
    field('name', 'Name', text(lead.name, { required: true, maxlength: '120' })),
    field('company', 'Firma', text(lead.company, { maxlength: '120' })),
    field('email', 'E-Mail-Adresse', h('input', { type: 'email', autocomplete: 'off', maxlength: '254', value: lead.email ?? '' })),
    field('phone', 'Telefon', h('input', { type: 'tel', autocomplete: 'off', maxlength: '40', value: lead.phone ?? '' })),
    field('handle_channel', 'Kanal des Handles', channel),
    field('handle', 'Handle oder Profil-URL', text(lead.handle, { maxlength: '300' })),
    h('div', { class: 'actions' }, submit, h('button', { type: 'button', id: 'bearbeiten-abbrechen', onclick: close }, 'Abbrechen')),
    summary, stale);
  form.addEventListener('input', () => form.setAttribute('data-dirty', ''));
  form.addEventListener('keydown', (e) => { if (e.key === 'Escape') close(); });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(fields, summary);
    const body = { version: lead.version };
    for (const [name, el] of Object.entries(inputs)) {
      const value = el.value.trim();
      if (value !== (lead[name] ?? '')) body[name] = value || null;
    }
    // handle and channel belong together: a change of one sends both
    if ('handle' in body || 'handle_channel' in body) {
      body.handle = inputs.handle.value.trim() || null;
      body.handle_channel = inputs.handle_channel.value || null;
    }
    if (Object.keys(body).length === 1) { close(); return; }
    submit.disabled = true;
    try {
      const saved = await api(`/api/leads/${lead.id}`, { method: 'PATCH', body: JSON.stringify(body) });
      toast(`Kontaktdaten gespeichert: ${saved.name}.`);
      await reload(true);
    } catch (err) {
      if (err.status === 409 && err.errors.version) {
        stale.hidden = false;
        stale.querySelector('button').focus();
        return;
      }
      showErrors(fields, summary, err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
