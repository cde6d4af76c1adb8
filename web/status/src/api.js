import { session, signOut } from './auth.js';

const base = (import.meta.env.VITE_API_BASE ?? '').replace(/\/$/, '');

export class ApiError extends Error {
  constructor(status, message, errors) {
    super(message);
    this.status = status;
    this.errors = errors ?? {};
  }
}

/** Calls the team API with the session's bearer token; never without one. */
export async function api(path, options = {}) {
  const s = session();
  if (!s) throw new ApiError(401, 'Bitte anmelden.');
  const response = await fetch(base + path, {
    ...options,
    headers: { Accept: 'application/json', Authorization: `Bearer ${s.token}`, ...(options.body ? { 'Content-Type': 'application/json' } : {}) },
  });
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (response.status === 401) {
    signOut();
    window.dispatchEvent(new Event('leitstand:signed-out'));
  }
  if (!response.ok) {
    const fieldErrors = body?.errors ?? {};
    const detail = Object.values(fieldErrors).flat().join(' ');
    throw new ApiError(response.status, detail || body?.title || `Fehler ${response.status}`, fieldErrors);
  }
  return body;
}
