import { defineConfig, loadEnv } from 'vite';
import { fileURLToPath } from 'node:url';

// The status center: static files in web/status/dist, served by the local host at /status/ and by Netlify.
//   VITE_AUTH_MODE  dev (default): the local host's development sign-in; supabase: Supabase Auth with supabase-js,
//                   then VITE_SUPABASE_URL and VITE_SUPABASE_ANON_KEY are required.
//   VITE_API_BASE   the Function App (default: same origin).
//   VITE_DOCS_URL   optional: where docs/ can be read (e.g. the repository's docs on the Git host), for playbook links.
// VITE_API_BASE and VITE_SUPABASE_URL widen the CSP's connect-src; nothing else may be fetched. The build writes the
// same policy and the other security headers into dist/_headers, which Netlify applies (netlify.toml cannot read
// environment variables); the local host sends its own (same-origin) policy.
// The Auskunft page (GET /api/leads/{id}/export?format=html, functions/Privacy/ExportPage.cs) opens from here as a Blob
// URL and inherits this page's policy; its one inline <style> is allowed by its hash, ExportPage.StyleSource
// (ExportPageStyleTests keeps the two equal and names the new value when the style changes).
export const AUSKUNFT_STYLE_SOURCE = "'sha256-NZU1ciR7TNd5J54/oQlVR1ns6HNYpRizoHJT4gza0wQ='";
const styleSrc = `'self' ${AUSKUNFT_STYLE_SOURCE}`;

export default defineConfig(({ mode }) => {
  const root = fileURLToPath(new URL('.', import.meta.url));
  const env = loadEnv(mode, root, 'VITE_');
  const authMode = env.VITE_AUTH_MODE || 'dev';
  if (!['dev', 'supabase'].includes(authMode)) throw new Error(`VITE_AUTH_MODE: "${authMode}" gibt es nicht (dev oder supabase).`);
  const problems = [];
  const origin = (name) => {
    if (!env[name]) return null;
    try {
      const url = new URL(env[name]);
      if (url.protocol !== 'https:' && !['127.0.0.1', 'localhost'].includes(url.hostname)) problems.push(`${name}: nur https (http nur für localhost).`);
      return url.origin;
    } catch { problems.push(`${name}: keine gültige Adresse („${env[name]}“).`); return null; }
  };
  const origins = [origin('VITE_API_BASE'), origin('VITE_SUPABASE_URL')].filter(Boolean);
  if (env.VITE_DOCS_URL) origin('VITE_DOCS_URL');
  if (authMode === 'supabase') {
    if (!env.VITE_SUPABASE_URL) problems.push('VITE_SUPABASE_URL fehlt (https://<ref>.supabase.co).');
    if (!env.VITE_SUPABASE_ANON_KEY) problems.push('VITE_SUPABASE_ANON_KEY fehlt (der öffentliche anon- bzw. publishable-Schlüssel des Projekts).');
  }
  if (problems.length) throw new Error(`Status-Center-Build (VITE_AUTH_MODE=${authMode}):\n  ${problems.join('\n  ')}`);

  const connectSrc = ["'self'", ...new Set(origins)].join(' ');
  const csp = `default-src 'none'; script-src 'self'; style-src ${styleSrc}; img-src 'self' data:; font-src 'self'; connect-src ${connectSrc}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
  // Netlify's _headers: one block per path. Cache-Control only where exactly one rule matches (Netlify joins
  // the values of every matching rule).
  const headers = [
    '/*',
    `  Content-Security-Policy: ${csp}`,
    '  X-Content-Type-Options: nosniff',
    '  X-Frame-Options: DENY',
    '  Referrer-Policy: no-referrer',
    '  Permissions-Policy: camera=(), microphone=(), geolocation=(), payment=()',
    '  Strict-Transport-Security: max-age=31536000; includeSubDomains',
    '/',
    '  Cache-Control: no-cache',
    '/index.html',
    '  Cache-Control: no-cache',
    '/assets/*',
    '  Cache-Control: public, max-age=31536000, immutable',
    '',
  ].join('\n');

  return {
    root,
    base: './',
    // One bundle per sign-in: the dev build never contains supabase-js, the production build has it in its one script.
    resolve: { alias: { '#auth-backend': fileURLToPath(new URL(`./src/auth-${authMode}.js`, import.meta.url)) } },
    build: { outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0, reportCompressedSize: true },
    plugins: [{
      name: 'leitstand-csp',
      // The meta tag has no frame-ancestors (browsers ignore it there); the header has.
      transformIndexHtml: (html) => html.replace('%STYLE_SRC%', styleSrc).replace('%CONNECT_SRC%', connectSrc),
      generateBundle() { this.emitFile({ type: 'asset', fileName: '_headers', source: headers }); },
    }],
  };
});
