import { api } from './api.js';
import { accessToken } from './auth.js';
import { h, toast, formatDateTime, berlinInputToIso } from './dom.js';

export const REFRESH_MS = 15000;
const STATE = { open: 'offen', done: 'erledigt', skipped: 'übersprungen', not_applicable: 'nicht anwendbar' };
const base = (import.meta.env.VITE_API_BASE ?? '').replace(/\/$/, '');

/**
 * In the lead view (#/leads/<id>): the lead's installs, each linking to #/installs/<id>, and, for a WON lead, booking
 * the 5-hour appointment (Berlin time; the booking member is the installer).
 */
export function leadInstalls(lead, reload) {
  const installs = lead.installs ?? [];
  const list = installs.length
    ? h('ul', { class: 'plain', id: 'lead-installationen' }, installs.map((i) => h('li', { 'data-install': i.id },
      h('a', { href: `#/installs/${i.id}` }, `Installation ${formatDateTime(i.starts_at)}`),
      ` · ${i.state === 'finished' ? 'abgeschlossen' : 'gebucht'}`)))
    : h('p', { class: 'empty' }, 'Noch keine Installation gebucht.');
  let form = null;
  if (lead.stage === 'WON') {
    const input = h('input', { id: 'installation-beginn', name: 'starts_at', type: 'datetime-local', required: true, 'aria-describedby': 'installation-beginn-fehler' });
    const error = h('p', { class: 'error', id: 'installation-beginn-fehler', role: 'alert' });
    form = h('form', { class: 'touchpoint-form', id: 'installation-buchen' },
      h('div', { class: 'field' }, h('label', { for: input.id }, 'Beginn (Berliner Zeit, 5 Stunden)'), input, error),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'installation-buchen-senden' }, 'Installation buchen')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.textContent = '';
      input.removeAttribute('aria-invalid');
      try {
        const run = await api(`/api/leads/${lead.id}/install`, { method: 'POST', body: JSON.stringify({ starts_at: berlinInputToIso(input.value) }) });
        toast(`Installation gebucht: ${run.appointment}.`);
        location.hash = `#/installs/${run.id}`;
      } catch (err) {
        error.textContent = err.message;
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        if (err.status === 404) await reload();
      }
    });
  }
  return h('section', { 'aria-labelledby': 'installationen-titel' },
    h('h2', { id: 'installationen-titel' }, 'Installation'), list,
    form ? h('details', { class: 'add', id: 'installation-neu', open: installs.length === 0 }, h('summary', {}, 'Installation buchen'), form) : null);
}

/**
 * #/installs/<id>: the run during the appointment. The five hour blocks with their time boxes against the clock (now
 * in which block, what is late), each item with its state, who and when; tick, skip with reason, or for the safety
 * baseline "nicht anwendbar" with reason. Refreshes every REFRESH_MS while open (not while a reason is being typed, nor
 * when one was begun while the refresh was on its way; an answer older than a mark is never drawn over it).
 */
export function installDetail(main, id) {
  main.replaceChildren(h('p', { class: 'muted', 'aria-busy': 'true' }, 'Lädt …'));
  let gone = false;
  let run = null;
  let latest = 0; // each load and mark counts up: an answer older than the newest one asked for is not drawn
  let marking = 0; // marks on their way: no refresh meanwhile (its answer could predate the mark)
  // A reason being typed (its "Überspringen …" open, or the focus in a textarea): a refresh waits for the next turn.
  const busy = () => main.querySelector('details.skip[open]') || document.activeElement?.tagName === 'TEXTAREA';

  /** refresh: the timer's look; it draws only if the person has not begun a reason while it was on its way. */
  async function load(refresh = false) {
    const mine = ++latest;
    main.setAttribute('aria-busy', 'true');
    let answer;
    try {
      answer = await api(`/api/installs/${encodeURIComponent(id)}`);
    } catch (e) {
      if (gone || mine !== latest) return;
      main.setAttribute('aria-busy', 'false');
      if (refresh && run) return; // the run on screen stays; the next refresh tries again
      main.replaceChildren(h('h1', {}, 'Installation'),
        h('p', { class: 'error', role: 'alert', id: 'installation-fehler' },
          e.status === 404 || e.status === 400 ? 'Diese Installation gibt es nicht (mehr).' : e.message));
      return;
    }
    if (gone || mine !== latest) return;
    main.setAttribute('aria-busy', 'false');
    if (refresh && busy()) return;
    run = answer;
    render();
  }

  function render() {
    const active = document.activeElement;
    const keep = active && main.contains(active) && active.id ? active.id : null;
    const customer = run.company || run.lead_name;
    document.title = `Installation ${customer} | Status-Center`;
    const finished = run.state === 'finished';
    main.replaceChildren(
      h('p', {}, h('a', { href: `#/leads/${run.lead_id}` }, `← ${run.lead_name}`)),
      h('h1', { id: 'installation-titel' }, `Installation: ${customer}`),
      h('p', { class: 'meta' },
        h('span', { class: `badge${finished ? '' : ' high'}`, id: 'installation-status', 'data-state': run.state }, finished ? 'abgeschlossen' : 'gebucht'),
        run.appointment, run.installer_name ? ` · ${run.installer_name}` : null),
      h('p', { id: 'installation-uhr', role: 'status' }, clock(run)),
      h('div', { class: 'actions' }, h('button', { type: 'button', id: 'uebergabe', onclick: downloadSummary }, 'Übergabe-Übersicht herunterladen')),
      ...run.blocks.map((b) => block(b, run.items.filter((i) => i.block === b.block), finished)));
    if (keep) document.getElementById(keep)?.focus();
  }

  function block(b, items, finished) {
    const state = b.late ? 'late' : b.current ? 'current' : b.open === 0 ? 'done' : '';
    return h('section', { class: `install-block ${state}`, 'data-block': b.block, 'aria-labelledby': `block-${b.block}` },
      h('h2', { id: `block-${b.block}` }, `Std. ${b.block} · ${b.title}`),
      h('p', { class: 'meta' }, h('span', { class: 'time-box' }, b.time_box), ' · ',
        b.late ? h('span', { class: 'badge late' }, 'verspätet') : null,
        b.current ? h('span', { class: 'badge high' }, 'jetzt') : null,
        `${b.items - b.open} von ${b.items} abgehakt`),
      h('p', { class: 'small muted' }, b.outcome),
      h('ul', { class: 'install-items' }, items.map((i) => item(i, finished))));
  }

  function item(i, finished) {
    const error = h('p', { class: 'error', id: `fehler-${i.id}`, role: 'alert' });
    const who = i.state === 'open' ? null
      : h('p', { class: 'small muted', 'data-field': 'marked' }, `${STATE[i.state]} ${formatDateTime(i.marked_at)}${i.marked_by_name ? ` · ${i.marked_by_name}` : ''}`);
    const reason = i.reason ? h('p', { class: 'small', 'data-field': 'reason' }, `Grund: ${i.reason}`) : null;
    let controls = null;
    if (i.state === 'open' && !finished) {
      const text = h('textarea', { id: `grund-${i.id}`, rows: '2', maxlength: '500', 'aria-describedby': error.id });
      controls = h('div', {},
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'primary', id: `erledigt-${i.id}`, 'data-action': 'complete', onclick: () => mark(i, 'complete', null, error) }, 'Erledigt')),
        h('details', { class: 'skip' }, h('summary', {}, i.safety_baseline ? 'Überspringen oder nicht anwendbar …' : 'Überspringen …'),
          h('label', { for: text.id }, 'Grund'), text,
          h('div', { class: 'actions' },
            h('button', { type: 'button', 'data-action': 'skip', onclick: () => mark(i, 'skip', text.value, error) }, 'Überspringen'),
            i.safety_baseline
              ? h('button', { type: 'button', 'data-action': 'not-applicable', onclick: () => mark(i, 'not-applicable', text.value, error) }, 'Nicht anwendbar')
              : null)));
    }
    return h('li', { class: `install-item ${i.state}${i.late ? ' late' : ''}`, 'data-item': i.id, 'data-state': i.state },
      h('p', { class: 'item-title' },
        h('span', { class: 'badge', 'data-field': 'state' }, STATE[i.state]),
        i.safety_baseline ? h('span', { class: 'badge high' }, 'Sicherheits-Baseline') : null,
        i.late ? h('span', { class: 'badge late' }, 'verspätet') : null,
        h('strong', {}, i.title)),
      i.details ? h('p', { class: 'small muted' }, i.details) : null,
      who, reason, controls, error);
  }

  async function mark(i, action, reason, error) {
    error.textContent = '';
    const mine = ++latest;
    marking++;
    try {
      const answer = await api(`/api/installs/${run.id}/items/${i.id}/${action}`, {
        method: 'POST', body: JSON.stringify(reason == null ? {} : { reason: reason.trim() }),
      });
      if (gone) return;
      toast(`${i.title}: ${action === 'complete' ? 'erledigt' : action === 'skip' ? 'übersprungen' : 'nicht anwendbar'}.`);
      if (mine === latest) {
        run = answer;
        main.setAttribute('aria-busy', 'false');
        render();
      }
      if (answer.state === 'finished') toast('Installation abgeschlossen.');
    } catch (err) {
      error.textContent = err.message;
      if (err.status === 409) await load();
    } finally {
      marking--;
    }
  }

  // The summary as a file (to print or hand over): this page's CSP would keep its print styles out of a tab opened from here.
  async function downloadSummary() {
    try {
      const response = await fetch(`${base}/api/installs/${run.id}/summary`, { headers: { Authorization: `Bearer ${await accessToken()}` } });
      if (!response.ok) throw new Error(`Fehler ${response.status}`);
      const url = URL.createObjectURL(new Blob([await response.text()], { type: 'text/html' }));
      const name = (run.company || run.lead_name).replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '');
      const link = h('a', { href: url, download: `Uebergabe-${name || 'Installation'}.html`, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (err) {
      toast(`Die Übersicht konnte nicht geladen werden: ${err.message}`);
    }
  }

  load();
  const timer = setInterval(() => {
    if (gone || !run || marking || busy()) return;
    load(true);
  }, REFRESH_MS);
  return () => { gone = true; clearInterval(timer); main.removeAttribute('aria-busy'); };
}

/** Where the clock stands against the appointment. */
function clock(run) {
  if (run.state === 'finished') return `Abgeschlossen ${formatDateTime(run.finished_at)}.`;
  const now = Date.now();
  if (now < new Date(run.starts_at)) return `Beginnt ${formatDateTime(run.starts_at)}.`;
  const current = run.blocks.find((b) => b.current);
  const late = run.blocks.filter((b) => b.late).map((b) => `Std. ${b.block}`);
  const parts = [current ? `Jetzt: Std. ${current.block} · ${current.title} (${current.time_box})` : 'Die 5 Stunden sind vorbei'];
  if (late.length) parts.push(`verspätet: ${late.join(', ')}`);
  return `${parts.join(' – ')}.`;
}
