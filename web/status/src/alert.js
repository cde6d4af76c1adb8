import { api } from './api.js';
import { h, formatDateTime } from './dom.js';
import { loading, failed, backLink, facts } from './detail.js';

const SEVERITY = { info: 'Info', warning: 'Warnung', critical: 'Kritisch' };
const STATE = { pending: 'wartet', sending: 'wird gesendet', delivered: 'zugestellt', failed: 'fehlgeschlagen', suppressed: 'unterdrückt' };
const SUBJECT = { incident: 'Incident öffnen', agent: 'Agent öffnen', lead: 'Lead öffnen', deal: 'Deal öffnen', alert: 'Betroffenen Alarm öffnen' };

/** #/alerts/<id>: an alert (kind, severity, title, text, time, its subject's link) and its delivery per channel. */
export function alertDetail(main, id) {
  loading(main);
  let gone = false;
  (async () => {
    let view;
    try {
      view = await api(`/api/alerts/${encodeURIComponent(id)}`);
    } catch (e) {
      if (!gone) failed(main, backLink('#/agenten', 'Agenten und Zustellungen'), 'Alarm', e);
      return;
    }
    if (gone) return;
    const a = view.alert;
    document.title = `${a.title} | Status-Center`;
    main.replaceChildren(
      h('p', {}, backLink('#/agenten', 'Agenten und Zustellungen')),
      h('h1', { id: 'alarm-titel' }, a.title),
      h('p', { class: 'meta' },
        h('span', { class: `badge${a.severity === 'critical' ? ' late' : ''}`, 'data-field': 'severity' }, SEVERITY[a.severity] ?? a.severity),
        h('span', { 'data-field': 'kind' }, a.kind_label), ` · ${formatDateTime(a.occurred_at)}`),
      h('p', { class: 'details', 'data-field': 'text' }, a.text),
      facts([
        ['Art', `${a.kind_label} (${a.kind})`],
        ['Betrifft', a.link.startsWith('#/') ? h('a', { href: a.link, 'data-field': 'subject-link' }, SUBJECT[a.subject_type] ?? 'Öffnen') : null, 'subject'],
        ['Geschehen', formatDateTime(a.occurred_at)],
        ['Erfasst', formatDateTime(a.created_at)],
      ], { id: 'alarm-daten' }),
      h('section', { 'aria-labelledby': 'zustellungen-titel' },
        h('h2', { id: 'zustellungen-titel' }, 'Zustellung je Kanal'),
        view.deliveries.length
          ? h('ul', { class: 'tasks', id: 'zustellungen' }, view.deliveries.map((d) => h('li', {
            class: `task delivery${d.state === 'failed' ? ' overdue' : ''}`, 'data-channel': d.channel },
            h('p', { class: 'incident-title' },
              h('strong', {}, d.channel_title), ' ',
              h('span', { class: `badge${d.state === 'failed' ? ' late' : ''}`, 'data-field': 'state' }, STATE[d.state] ?? d.state)),
            h('p', { class: 'meta' },
              `${d.attempts} ${d.attempts === 1 ? 'Versuch' : 'Versuche'}`,
              d.first_attempt_at ? ` · erster ${formatDateTime(d.first_attempt_at)}` : null,
              d.delivered_at ? ` · zugestellt ${formatDateTime(d.delivered_at)}` : null,
              !d.delivered_at && d.state !== 'failed' ? ` · fällig ${formatDateTime(d.due_at)}` : null),
            d.last_error ? h('p', { class: 'meta', 'data-field': 'last-error' }, `Letzter Fehler: ${d.last_error}`) : null)))
          : h('p', { class: 'empty' }, 'Noch keine Zustellung geplant (kein Kanal nimmt diese Art, oder sie steht noch aus).')));
  })();
  return () => { gone = true; };
}
