// Sign-in. The build chooses the backend (vite.config.mjs, alias #auth-backend): auth-dev.js, the local host's
// development sign-in (default build), or auth-supabase.js, Supabase Auth with supabase-js (VITE_AUTH_MODE=supabase).
// Either way the session lives in sessionStorage only (gone with the tab), never in localStorage or a cookie.
import * as backend from '#auth-backend';

export const mode = backend.mode;
const listeners = new Set();
let started;

/** Resolves once the sign-in state is known (supabase: the stored session read, a magic link's tokens taken from the URL). */
export function ready() {
  started ??= backend.start((event) => { for (const l of listeners) l(event); });
  return started;
}

/** Called on every change: SIGNED_IN, TOKEN_REFRESHED, SIGNED_OUT, … */
export function onChange(listener) {
  listeners.add(listener);
}

/** { token, expiresAt, email } or null; synchronous, for what the page shows. */
export const session = () => backend.current();
export const accessToken = () => backend.accessToken();
export const signOut = () => backend.signOut();
export const signInDev = (email) => backend.signInDev(email);
export const signInWithPassword = (email, password) => backend.signInWithPassword(email, password);
export const sendMagicLink = (email) => backend.sendMagicLink(email);
