import { h } from './dom.js';

/** The shared parts of the detail views (#/deals/<id>, #/agents/<id>, #/incidents/<id>, #/alerts/<id>). */

export function loading(main) {
  main.replaceChildren(h('p', { class: 'muted', 'aria-busy': 'true' }, 'Lädt …'));
}

/** An unknown or malformed id: "<what> nicht gefunden"; any other failure: its message. */
export function failed(main, back, what, e) {
  const gone = e.status === 404 || e.status === 400;
  main.replaceChildren(h('p', {}, back),
    h('h1', {}, gone ? `${what} nicht gefunden` : what),
    h('p', { class: 'error', role: 'alert', id: 'detail-fehler' }, gone ? `Das gibt es nicht (mehr). Bitte über die Übersicht suchen.` : e.message));
}

export const backLink = (href, text) => h('a', { href }, `← ${text}`);

/** 2027-01-01 → 01.01.2027 */
export const formatDate = (iso) => (iso ? iso.split('-').reverse().join('.') : '');

/** dt/dd pairs of the given [label, value, field] rows, skipping empty values. */
export function facts(rows, attrs = {}) {
  return h('dl', { class: 'facts', ...attrs }, rows.filter((r) => r && r[1] != null && r[1] !== '').flatMap(([label, value, field]) => [
    h('dt', {}, label), h('dd', field ? { 'data-field': field } : {}, value)]));
}

/**
 * A form field with its label, optional hint and error line (ids <prefix>-<name>, …-hinweis, …-fehler); the
 * input is registered in form.inputs, its error line in form.errors.
 */
export function field(form, prefix, name, label, input, hint) {
  input.id = `${prefix}-${name}`;
  input.name = name;
  const error = h('p', { class: 'error', id: `${prefix}-${name}-fehler` });
  const help = hint ? h('p', { class: 'muted small', id: `${prefix}-${name}-hinweis` }, hint) : null;
  input.setAttribute('aria-describedby', [help?.id, error.id].filter(Boolean).join(' '));
  form.errors[name] = error;
  form.inputs[name] = input;
  return h('div', { class: 'field' }, h('label', { for: input.id }, label), input, help, error);
}

export function clearErrors(form, summary) {
  summary.textContent = '';
  for (const el of Object.values(form.errors)) el.textContent = '';
  for (const el of Object.values(form.inputs)) el.removeAttribute('aria-invalid');
}

/** The API's refusal at its fields (German, from the problem's errors), else in the summary; focuses the first field. */
export function showErrors(form, summary, err) {
  let first = null;
  for (const [name, messages] of Object.entries(err.errors ?? {})) {
    const at = form.errors[name] ?? summary;
    at.textContent = [at.textContent, messages.join(' ')].filter(Boolean).join(' ');
    form.inputs[name]?.setAttribute('aria-invalid', 'true');
    first ??= form.inputs[name];
  }
  if (!first && !summary.textContent) summary.textContent = err.message;
  first?.focus();
}

/** Now in Berlin wall time as an <input type=datetime-local> value, plus minutes. */
export function berlinInputValue(date) {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
    .formatToParts(date).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}
