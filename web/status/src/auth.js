// Sign-in. Locally (default build) the local host's development sign-in: POST /admin/dev-sign-in with an
// e-mail address returns a Supabase-shaped access token. Production (VITE_AUTH_MODE=supabase) is the seam for
// supabase-js (magic link / password): not wired yet, the page then says so instead of offering the dev form.
// The token lives in sessionStorage only (gone with the tab), never in localStorage or a cookie.

const KEY = 'leitstand.session';
export const mode = import.meta.env.VITE_AUTH_MODE === 'supabase' ? 'supabase' : 'dev';

export function session() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
    if (s && s.token && s.expiresAt * 1000 > Date.now()) return s;
  } catch { /* broken entry: signed out */ }
  sessionStorage.removeItem(KEY);
  return null;
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}

export async function signInDev(email) {
  const response = await fetch('/admin/dev-sign-in', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.title ?? `Anmeldung fehlgeschlagen (${response.status}).`);
  const s = { token: body.access_token, expiresAt: body.expires_at, email: body.user?.email ?? email };
  sessionStorage.setItem(KEY, JSON.stringify(s));
  return s;
}
