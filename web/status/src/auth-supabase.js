// Production: Supabase Auth through supabase-js (bundled, no CDN). E-mail + password, or a magic link
// (signInWithOtp, implicit flow: the link's tokens arrive in the URL fragment, so it also works in the new tab
// a mail program opens). The session (access and refresh token) is kept in sessionStorage, never localStorage:
// gone with the tab. supabase-js refreshes the token before it expires; onAuthStateChange tells the page.
// Only the Auth part of supabase-js is bundled (AuthClient, as createClient builds it for `supabase.auth`): the page
// reads its data from the Function App, never through PostgREST, Storage or Realtime, which would add about 110 KB (30 KB gzip).
import { AuthClient } from '@supabase/supabase-js';

const anonKey = import.meta.env.VITE_SUPABASE_ANON_KEY;
const client = {
  auth: new AuthClient({
    url: `${import.meta.env.VITE_SUPABASE_URL.replace(/\/$/, '')}/auth/v1`,
    headers: { Authorization: `Bearer ${anonKey}`, apikey: anonKey },
    storage: window.sessionStorage,
    storageKey: 'leitstand.supabase',
    persistSession: true,
    autoRefreshToken: true,
    detectSessionInUrl: true,
    flowType: 'implicit',
  }),
};
let session = null;

export const mode = 'supabase';

const toSession = (s) => (s ? { token: s.access_token, expiresAt: s.expires_at, email: s.user?.email ?? '' } : null);

export async function start(onChange) {
  client.auth.onAuthStateChange((event, s) => {
    session = toSession(s);
    // Never call supabase-js from inside its callback (it holds its lock): the page reacts on the next turn.
    setTimeout(() => onChange(event), 0);
  });
  const { data } = await client.auth.getSession();
  session = toSession(data.session);
}

export function current() {
  return session;
}

/** The current access token; supabase-js refreshes it first if it is about to expire. */
export async function accessToken() {
  const { data } = await client.auth.getSession();
  session = toSession(data.session);
  return session?.token ?? null;
}

function german(error) {
  if (error?.status === 429 || error?.code === 'over_request_rate_limit' || error?.code === 'over_email_send_rate_limit')
    return 'Zu viele Versuche. Bitte in einer Minute erneut versuchen.';
  if (error?.code === 'invalid_credentials' || error?.status === 400) return 'E-Mail-Adresse oder Passwort stimmt nicht.';
  if (error?.code === 'email_not_confirmed') return 'Die E-Mail-Adresse ist noch nicht bestätigt.';
  if (error?.name === 'AuthRetryableFetchError' || error?.status === 0) return 'Die Anmeldung ist gerade nicht erreichbar. Bitte gleich erneut versuchen.';
  return `Anmeldung fehlgeschlagen: ${error?.message ?? 'unbekannter Fehler'}`;
}

export async function signInWithPassword(email, password) {
  const { error } = await client.auth.signInWithPassword({ email, password });
  if (error) throw new Error(german(error));
}

/** Sends the magic link; only to existing users (the team is invited, nobody signs up here). */
export async function sendMagicLink(email) {
  const { error } = await client.auth.signInWithOtp({
    email,
    options: { shouldCreateUser: false, emailRedirectTo: location.href.split('#')[0] },
  });
  if (error && error.code !== 'otp_disabled' && error.code !== 'signup_disabled' && error.status !== 422)
    throw new Error(error.status === 429 ? german(error) : 'Der Link konnte nicht gesendet werden. Bitte erneut versuchen.');
}

export async function signOut() {
  // This tab's session only; other devices of the same person stay signed in.
  await client.auth.signOut({ scope: 'local' });
  session = null;
}

export async function signInDev() { throw new Error('Die Entwicklungs-Anmeldung gibt es nur im lokalen Build.'); }
