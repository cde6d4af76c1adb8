import { accessToken, signOut } from './auth.js';

const base = (import.meta.env.VITE_API_BASE ?? '').replace(/\/$/, '');

export class ApiError extends Error {
  constructor(status, message, errors) {
    super(message);
    this.status = status;
    this.errors = errors ?? {};
  }
}

/** Calls the team API with the session's bearer token; never without one. A 401 signs the tab out. */
export async function api(path, options = {}) {
  const token = await accessToken();
  if (!token) throw new ApiError(401, 'Bitte anmelden.');
  let response;
  try {
    response = await fetch(base + path, {
      ...options,
      headers: { Accept: 'application/json', Authorization: `Bearer ${token}`, ...(options.body ? { 'Content-Type': 'application/json' } : {}) },
    });
  } catch {
    throw new ApiError(0, 'Der Leitstand ist gerade nicht erreichbar. Bitte gleich erneut versuchen.');
  }
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { /* not JSON: the status says it */ }
  if (response.status === 401) await signOut();
  if (!response.ok) {
    const fieldErrors = body?.errors ?? {};
    const detail = Object.values(fieldErrors).flat().join(' ');
    throw new ApiError(response.status, detail || body?.title || `Fehler ${response.status}`, fieldErrors);
  }
  return body;
}

/** The team API's answer as a Blob (a download, a page), with the session's bearer token; errors as in api(). */
export async function apiBlob(path, accept) {
  const token = await accessToken();
  if (!token) throw new ApiError(401, 'Bitte anmelden.');
  let response;
  try {
    response = await fetch(base + path, { headers: { Accept: accept, Authorization: `Bearer ${token}` } });
  } catch {
    throw new ApiError(0, 'Der Leitstand ist gerade nicht erreichbar. Bitte gleich erneut versuchen.');
  }
  if (response.status === 401) await signOut();
  if (!response.ok) {
    let body = null;
    try { body = await response.json(); } catch { /* not JSON */ }
    throw new ApiError(response.status, body?.title || `Fehler ${response.status}`, body?.errors);
  }
  return response.blob();
}
