import { api, apiBlob } from './api.js';
import { h, formatDateTime, toast } from './dom.js';

const CHANNELS = { '': 'alle Kanäle', instagram: 'Instagram', x: 'X', linkedin: 'LinkedIn', other: 'anderer Kanal' };

/**
 * "Auskunft (Art. 15)" for one lead: fetches the export with the session's token, downloads the JSON
 * (auskunft-<id>.json) and opens the German page in a new tab as a Blob URL (the page needs the token, a plain link
 * would have none). The tab is opened at the click, so no popup blocker stops it; the links stay in the status line
 * (data-auskunft="json" / "html") in case the tab was blocked anyway.
 */
export function auskunftButton(lead, status) {
  const button = h('button', { type: 'button', 'data-action': 'auskunft', 'data-lead': lead.id }, 'Auskunft (Art. 15)');
  button.addEventListener('click', async () => {
    const tab = window.open('', '_blank');
    button.disabled = true;
    status.replaceChildren('Auskunft wird erstellt …');
    try {
      const [json, html] = await Promise.all([
        apiBlob(`/api/leads/${encodeURIComponent(lead.id)}/export`, 'application/json'),
        apiBlob(`/api/leads/${encodeURIComponent(lead.id)}/export?format=html`, 'text/html'),
      ]);
      const jsonUrl = URL.createObjectURL(json);
      const htmlUrl = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
      const download = h('a', { href: jsonUrl, download: `auskunft-${lead.id}.json`, 'data-auskunft': 'json' }, 'JSON herunterladen');
      const page = h('a', { href: htmlUrl, target: '_blank', rel: 'noopener', 'data-auskunft': 'html' }, 'Seite öffnen');
      status.replaceChildren('Auskunft erstellt: ', download, ' · ', page);
      download.click();
      if (tab) tab.location.href = htmlUrl;
    } catch (e) {
      tab?.close();
      status.replaceChildren();
      toast(`Auskunft nicht möglich: ${e.message}`);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

/** The lead view's section: the person's data protection requests (Auskunft; erasure and objections come later). */
export function privacySection(lead) {
  const status = h('p', { class: 'muted', role: 'status', id: 'auskunft-status' });
  return h('section', { 'aria-labelledby': 'datenschutz-titel', id: 'datenschutz' },
    h('h2', { id: 'datenschutz-titel' }, 'Datenschutz'),
    h('div', { class: 'actions' }, auskunftButton(lead, status)),
    status);
}

/**
 * #/datenschutz: a request about a person (Auskunft, later erasure and objections) names an e-mail address or a
 * handle; this finds the leads stored with it (POST /api/people/search: the e-mail in a body, never in a URL) and offers the Auskunft for each.
 */
export function datenschutz(main) {
  const input = h('input', { id: 'person-suche', name: 'person', type: 'text', required: true, autocomplete: 'off', spellcheck: 'false',
    'aria-describedby': 'person-hinweis' });
  const channel = h('select', { id: 'person-kanal', name: 'channel' }, Object.entries(CHANNELS).map(([v, l]) => h('option', { value: v }, l)));
  const error = h('p', { class: 'error', role: 'alert', id: 'person-fehler' });
  const results = h('div', { id: 'personen', 'aria-live': 'polite' });
  const form = h('form', { id: 'person-form', novalidate: true },
    h('label', { for: 'person-suche' }, 'E-Mail-Adresse oder Handle'),
    h('p', { class: 'muted', id: 'person-hinweis' }, 'Genau wie angefragt, z. B. anna@example.de oder @anna.studio; Groß- und Kleinschreibung egal.'),
    input,
    h('label', { for: 'person-kanal' }, 'Kanal (nur für einen Handle)'),
    channel,
    error,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'person-senden' }, 'Suchen')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const value = input.value.trim();
    const isEmail = /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value);
    const query = isEmail ? { email: value } : { handle: value, ...(channel.value ? { channel: channel.value } : {}) };
    results.setAttribute('aria-busy', 'true');
    try {
      const { people } = await api('/api/people/search', { method: 'POST', body: JSON.stringify(query) });
      results.replaceChildren(people.length === 0
        ? h('p', { class: 'empty', id: 'keine-personen' }, 'Zu dieser Angabe ist nichts gespeichert.')
        : h('ul', { class: 'people' }, people.map(person)));
    } catch (e) {
      error.textContent = e.message;
      results.replaceChildren();
    } finally {
      results.setAttribute('aria-busy', 'false');
    }
  });
  main.replaceChildren(
    h('h1', {}, 'Datenschutz'),
    h('p', {}, 'Anfragen einer Person (Auskunft nach Art. 15 DSGVO): erst finden, was zu ihrer E-Mail-Adresse oder ihrem Handle gespeichert ist, dann die Auskunft erstellen.'),
    form, results);
  input.focus();
}

function person(p) {
  const status = h('p', { class: 'muted', role: 'status' });
  return h('li', { 'data-lead': p.id },
    h('a', { href: `#/leads/${p.id}` }, p.name),
    h('span', { class: 'muted' }, ` · ${p.email ?? `@${p.handle} (${CHANNELS[p.handle_channel] ?? p.handle_channel})`} · ${p.stage_label} · angelegt ${formatDateTime(p.created_at)}`),
    h('div', { class: 'actions' }, auskunftButton(p, status)),
    status);
}
