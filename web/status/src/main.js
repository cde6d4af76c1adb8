import './style.css';
import { ready, onChange, session, signInDev, signInWithPassword, sendMagicLink, signOut, mode } from './auth.js';
import { h } from './dom.js';
import { heute } from './heute.js';
import { pipeline } from './pipeline.js';
import { zahlen } from './zahlen.js';
import { agenten } from './agenten.js';
import { leads, leadDetail } from './leads.js';
import { dealDetail } from './deal.js';
import { agentDetail } from './agent.js';
import { incidentDetail } from './incident.js';
import { alertDetail } from './alert.js';
import { installDetail } from './installs.js';
import { datenschutz } from './datenschutz.js';
import { widersprueche } from './widersprueche.js';

const routes = { '#/heute': heute, '#/pipeline': pipeline, '#/leads': leads, '#/zahlen': zahlen, '#/agenten': agenten, '#/datenschutz': datenschutz,
  '#/widersprueche': widersprueche };
// Views with a parameter: the hash's pattern, the view (called with main and the parameter) and its nav entry.
const paramRoutes = [
  { pattern: /^#\/leads\/([0-9a-fA-F-]{36})$/, view: leadDetail, nav: '#/leads' },
  // The detail views every alert link opens (public.alert_kinds.route); a test opens each route of the catalogue.
  { pattern: /^#\/deals\/([0-9a-fA-F-]{36})$/, view: dealDetail, nav: '#/pipeline' },
  { pattern: /^#\/agents\/([0-9a-fA-F-]{36})$/, view: agentDetail, nav: '#/agenten' },
  { pattern: /^#\/incidents\/([0-9a-fA-F-]{36})$/, view: incidentDetail, nav: '#/agenten' },
  { pattern: /^#\/alerts\/([0-9a-fA-F-]{36})$/, view: alertDetail, nav: '#/agenten' },
  { pattern: /^#\/installs\/([0-9a-fA-F-]{36})$/, view: installDetail, nav: '#/leads' },
];

/** The view for a hash: { view(main), nav } or null when there is none. */
function route(hash) {
  if (routes[hash]) return { view: routes[hash], nav: hash };
  for (const r of paramRoutes) {
    const m = r.pattern.exec(hash);
    if (m) return { view: (main) => r.view(main, m[1]), nav: r.nav };
  }
  return null;
}
const main = document.getElementById('inhalt');
const nav = document.getElementById('nav');
const signOutButton = document.getElementById('sign-out');
let leave = () => {};
let shown = null; // 'sign-in' or the route on screen
let a11yFocus = false;

function render() {
  const s = session();
  nav.hidden = !s;
  signOutButton.hidden = !s;
  if (!s) {
    if (shown === 'sign-in') return;
    leave();
    leave = () => {};
    shown = 'sign-in';
    document.title = 'Anmelden | Status-Center';
    main.replaceChildren(signInForm());
    return;
  }
  const target = route(location.hash);
  if (!target) {
    location.replace('#/heute');
    return;
  }
  if (shown === location.hash) return; // e.g. a refreshed token: the view stays as it is
  leave();
  shown = location.hash;
  for (const a of nav.querySelectorAll('a')) a.toggleAttribute('aria-current', a.getAttribute('href') === target.nav);
  if (a11yFocus) main.focus();
  document.title = `${nav.querySelector('[aria-current]')?.textContent ?? ''} | Status-Center`;
  leave = target.view(main) ?? (() => {});
}

function signedIn() {
  a11yFocus = true;
  if (!route(location.hash)) location.hash = '#/heute';
  else render();
}

function signInForm() {
  const email = h('input', { id: 'email', name: 'email', type: 'email', required: true, autocomplete: 'email' });
  const error = h('p', { class: 'error', role: 'alert', id: 'anmelde-fehler' });
  const info = h('p', { class: 'info', role: 'status', id: 'anmelde-hinweis' });
  if (mode === 'dev') {
    const form = h('form', { class: 'sign-in', id: 'anmelden' },
      h('h1', {}, 'Anmelden'),
      h('p', { class: 'muted' }, 'Nur lokal: Entwicklungs-Anmeldung des lokalen Hosts mit einer E-Mail-Adresse.'),
      h('label', { for: 'email' }, 'E-Mail-Adresse'), email,
      h('button', { type: 'submit', class: 'primary', id: 'anmelden-senden' }, 'Anmelden'), error);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.textContent = '';
      try {
        await signInDev(email.value.trim());
        signedIn();
      } catch (err) {
        error.textContent = err.message;
      }
    });
    return form;
  }

  const password = h('input', { id: 'passwort', name: 'password', type: 'password', required: true, autocomplete: 'current-password' });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'anmelden-senden' }, 'Anmelden');
  const link = h('button', { type: 'button', id: 'link-senden' }, 'Anmeldelink per E-Mail');
  const form = h('form', { class: 'sign-in', id: 'anmelden' },
    h('h1', {}, 'Anmelden'),
    h('label', { for: 'email' }, 'E-Mail-Adresse'), email,
    h('label', { for: 'passwort' }, 'Passwort'), password,
    submit,
    h('p', { class: 'muted small' }, 'Ohne Passwort: Wir schicken dir einen Anmeldelink per E-Mail.'),
    link, info, error);
  async function busy(work) {
    error.textContent = '';
    info.textContent = '';
    submit.disabled = link.disabled = true;
    try { await work(); } catch (err) { error.textContent = err.message; } finally { submit.disabled = link.disabled = false; }
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(async () => { await signInWithPassword(email.value.trim(), password.value); password.value = ''; });
  });
  link.addEventListener('click', () => {
    if (!email.reportValidity()) return;
    busy(async () => {
      await sendMagicLink(email.value.trim());
      info.textContent = `Falls ${email.value.trim()} zum Team gehört, ist der Anmeldelink unterwegs. Bitte im Postfach öffnen.`;
    });
  });
  return form;
}

signOutButton.addEventListener('click', async () => { await signOut(); render(); });
window.addEventListener('hashchange', () => { a11yFocus = true; if (session()) { shown = null; } render(); });
onChange((event) => {
  if (event === 'SIGNED_IN' && shown === 'sign-in') signedIn();
  else render();
});
ready().then(render, (e) => main.replaceChildren(h('p', { class: 'error', role: 'alert' }, `Die Anmeldung konnte nicht starten: ${e.message}`)));
