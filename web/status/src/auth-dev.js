// LOCAL ONLY: the local host's development sign-in. POST /admin/dev-sign-in with an e-mail address returns a
// Supabase-shaped access token (one hour). The session lives in sessionStorage only (gone with the tab).
const KEY = 'leitstand.session';
const base = (import.meta.env.VITE_API_BASE ?? '').replace(/\/$/, '');
let notify = () => {};

export const mode = 'dev';

export async function start(onChange) {
  notify = onChange;
}

export function current() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
    if (s && s.token && s.expiresAt * 1000 > Date.now()) return s;
  } catch { /* broken entry: signed out */ }
  sessionStorage.removeItem(KEY);
  return null;
}

export async function accessToken() {
  return current()?.token ?? null;
}

export async function signInDev(email) {
  const response = await fetch(`${base}/admin/dev-sign-in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.title ?? `Anmeldung fehlgeschlagen (${response.status}).`);
  sessionStorage.setItem(KEY, JSON.stringify({ token: body.access_token, expiresAt: body.expires_at, email: body.user?.email ?? email }));
  notify('SIGNED_IN');
}

export async function signOut() {
  sessionStorage.removeItem(KEY);
  notify('SIGNED_OUT');
}

export async function signInWithPassword() { throw new Error('Nur mit Supabase Auth (VITE_AUTH_MODE=supabase).'); }
export async function sendMagicLink() { throw new Error('Nur mit Supabase Auth (VITE_AUTH_MODE=supabase).'); }
