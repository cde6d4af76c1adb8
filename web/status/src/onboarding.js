import { api } from './api.js';
import { h, toast, copyButton, formatDateTime } from './dom.js';

const UNITS = { M: ['jede Minute', 'Minuten'], H: ['jede Stunde', 'Stunden'], D: ['jeden Tag', 'Tage'] };

/**
 * The lead view's section "Onboarding" (#/leads/<id>): the customer's questionnaire (Fulfilment) with its state and
 * answers, labelled by the template of their version; "Link erstellen" shows the customer's link once, with a copy
 * button; "Link widerrufen"; "Zur Bearbeitung öffnen" gives submitted answers back to the customer.
 */
export function onboardingSection(lead, reload) {
  const o = lead.onboarding;
  const status = h('p', { class: 'error', id: 'onboarding-fehler', role: 'alert' });
  const linkBox = h('div', { id: 'onboarding-link' });
  const linkState = h('p', { class: 'muted', id: 'onboarding-link-stand' }, linkText(o?.link));
  const actions = h('div', { class: 'actions' });

  if (lead.stage === 'WON') {
    actions.append(h('button', { type: 'button', class: 'primary', id: 'onboarding-link-erstellen', onclick: async (e) => {
      status.textContent = '';
      e.target.disabled = true;
      try {
        const link = await api(`/api/leads/${lead.id}/onboarding-link`, { method: 'POST' });
        const field = h('input', { id: 'onboarding-link-url', type: 'text', readonly: true, value: link.url, 'aria-label': 'Link für den Kunden' });
        linkBox.replaceChildren(
          h('label', { for: 'onboarding-link-url' }, 'Link für den Kunden (nur jetzt sichtbar; ein neuer Link macht ihn ungültig)'),
          h('div', { class: 'copy-row' }, field, copyButton('Link', link.url)));
        linkState.textContent = linkText({ expires_at: link.expires_at, active: true });
        document.getElementById('onboarding-leer')?.remove();
        toast('Onboarding-Link erstellt.');
      } catch (err) {
        status.textContent = err.message;
      } finally {
        e.target.disabled = false;
      }
    } }, o?.link?.active ? 'Neuen Link erstellen' : 'Link erstellen'));
    if (o?.link?.active) {
      actions.append(h('button', { type: 'button', id: 'onboarding-link-widerrufen', onclick: () => act(`/api/leads/${lead.id}/onboarding-link/revoke`, 'Link widerrufen.') }, 'Link widerrufen'));
    }
  }
  if (o?.state === 'submitted') {
    actions.append(h('button', { type: 'button', id: 'onboarding-oeffnen', onclick: () => act(`/api/leads/${lead.id}/onboarding/reopen`,
      'Zur Bearbeitung geöffnet: Der Kunde kann die Antworten über seinen Link ändern.') }, 'Zur Bearbeitung öffnen'));
  }

  async function act(path, done) {
    status.textContent = '';
    try {
      await api(path, { method: 'POST' });
      toast(done);
      await reload();
    } catch (err) {
      status.textContent = err.message;
    }
  }

  return h('section', { 'aria-labelledby': 'onboarding-titel', id: 'onboarding' },
    h('h2', { id: 'onboarding-titel' }, 'Onboarding'),
    o ? h('p', { class: 'meta' },
      h('span', { class: 'badge', 'data-field': 'onboarding-state', 'data-state': o.state }, o.state === 'submitted' ? 'Abgeschickt' : 'Entwurf'),
      o.submitted_at ? ` am ${formatDateTime(o.submitted_at)}` : ` · zuletzt gespeichert ${formatDateTime(o.updated_at)}`,
      ` · Fragebogen Version ${o.template_version}`)
      : h('p', { class: 'empty', id: 'onboarding-leer' }, lead.stage === 'WON' ? 'Noch kein Fragebogen: Link erstellen und dem Kunden schicken.'
        : 'Den Onboarding-Fragebogen gibt es, sobald der Lead gewonnen ist.'),
    o || lead.stage === 'WON' ? linkState : null,
    actions, linkBox, status,
    o ? answers(o) : null);
}

function linkText(link) {
  if (!link) return 'Kein Link für den Kunden.';
  return link.active ? `Der Link des Kunden gilt bis ${formatDateTime(link.expires_at)}.` : 'Der Link des Kunden gilt nicht mehr (abgelaufen oder widerrufen).';
}

/** The answers, section by section, with the template's labels. */
function answers(o) {
  const a = o.answers ?? {};
  const show = (field, item) => {
    if (!item) return '–';
    if (field.type === 'frequency') {
      if (item.schedule) return `Zeitplan ${item.schedule} (Berliner Zeit)`;
      const m = /^P(?:T(\d+)([MH])|(\d+)(D))$/.exec(item.interval ?? '');
      if (!m) return '–';
      const n = Number(m[1] ?? m[3]);
      const [one, many] = UNITS[m[2] ?? m[4]];
      return n === 1 ? one : `alle ${n} ${many}`;
    }
    const value = item[field.key];
    if (value == null || value === '') return '–';
    if (field.type === 'choice') return field.options?.find((x) => x.value === value)?.label ?? value;
    if (field.type === 'date') return value.split('-').reverse().join('.');
    return value;
  };
  const sections = (o.template?.sections ?? []).map((s) => {
    const rows = [];
    const add = (label, value, key) => rows.push(h('dt', {}, label), h('dd', { class: 'details', 'data-answer': key }, value));
    if (s.kind === 'table') {
      for (const row of s.rows ?? []) {
        const item = (a[s.key] ?? []).find((x) => x[s.row_key ?? 'key'] === row.key);
        if (!item || !item.rights || item.rights === 'none') continue;
        add(row.label, s.fields.map((f) => show(f, item)).join(' – '), `${s.key}.${row.key}`);
      }
      if (!rows.length) rows.push(h('dd', {}, '–'));
    } else if (s.kind === 'repeat') {
      (a[s.key] ?? []).forEach((item, i) => {
        for (const f of s.fields) add(`Workflow ${i + 1} – ${f.label}`, show(f, item), `${s.key}.${i + 1}.${f.key}`);
      });
    } else {
      for (const r of s.fixed ?? []) add(r.label, 'immer nur mit Freigabe', `${s.key}.${r.key}`);
      for (const f of s.fields) add(f.label, show(f, a[s.key]), `${s.key}.${f.key}`);
    }
    return h('div', {}, h('h3', {}, s.title), h('dl', { class: 'facts' }, rows));
  });
  return h('div', { id: 'onboarding-antworten' }, sections);
}
