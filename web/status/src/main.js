import './style.css';
import { session, signInDev, signOut, mode } from './auth.js';
import { h } from './dom.js';
import { heute } from './heute.js';
import { pipeline } from './pipeline.js';
import { zahlen } from './zahlen.js';
import { agenten } from './agenten.js';

const routes = { '#/heute': heute, '#/pipeline': pipeline, '#/zahlen': zahlen, '#/agenten': agenten };
const main = document.getElementById('inhalt');
const nav = document.getElementById('nav');
const signOutButton = document.getElementById('sign-out');
let leave = () => {};

function render() {
  leave();
  leave = () => {};
  const s = session();
  nav.hidden = !s;
  signOutButton.hidden = !s;
  if (!s) {
    document.title = 'Anmelden | Status-Center';
    main.replaceChildren(signInForm());
    return;
  }
  if (!routes[location.hash]) {
    location.replace('#/heute');
    return;
  }
  for (const a of nav.querySelectorAll('a')) a.toggleAttribute('aria-current', a.getAttribute('href') === location.hash);
  if (a11yFocus) main.focus();
  document.title = `${nav.querySelector('[aria-current]')?.textContent ?? ''} | Status-Center`;
  leave = routes[location.hash](main) ?? (() => {});
}
let a11yFocus = false;

function signInForm() {
  if (mode === 'supabase')
    return h('section', { class: 'sign-in' }, h('h1', {}, 'Anmelden'),
      h('p', {}, 'Die Anmeldung über Supabase ist in diesem Build noch nicht angebunden.'));
  const email = h('input', { id: 'email', name: 'email', type: 'email', required: true, autocomplete: 'email' });
  const error = h('p', { class: 'error', role: 'alert', id: 'anmelde-fehler' });
  const form = h('form', { class: 'sign-in', id: 'anmelden', novalidate: false },
    h('h1', {}, 'Anmelden'),
    h('p', { class: 'muted' }, 'Nur lokal: Entwicklungs-Anmeldung des lokalen Hosts mit einer E-Mail-Adresse.'),
    h('label', { for: 'email' }, 'E-Mail-Adresse'), email,
    h('button', { type: 'submit', class: 'primary', id: 'anmelden-senden' }, 'Anmelden'), error);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    try {
      await signInDev(email.value.trim());
      a11yFocus = true;
      if (location.hash !== '#/heute' && !routes[location.hash]) location.hash = '#/heute';
      else render();
    } catch (err) {
      error.textContent = err.message;
    }
  });
  return form;
}

signOutButton.addEventListener('click', () => { signOut(); render(); });
window.addEventListener('hashchange', () => { a11yFocus = true; render(); });
window.addEventListener('leitstand:signed-out', render);
render();
