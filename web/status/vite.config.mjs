import { defineConfig, loadEnv } from 'vite';
import { fileURLToPath } from 'node:url';

// The status center: static files in web/status/dist, served by the local host at /status/ and by Netlify.
// VITE_API_BASE (default: same origin) and VITE_SUPABASE_URL widen the CSP's connect-src; nothing else may be fetched.
export default defineConfig(({ mode }) => {
  const root = fileURLToPath(new URL('.', import.meta.url));
  const env = loadEnv(mode, root, 'VITE_');
  const origins = [env.VITE_API_BASE, env.VITE_SUPABASE_URL].filter(Boolean).map((u) => new URL(u).origin);
  const connectSrc = ["'self'", ...origins].join(' ');
  return {
    root,
    base: './',
    build: { outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0, reportCompressedSize: true },
    plugins: [{
      name: 'leitstand-csp',
      transformIndexHtml: (html) => html.replace('%CONNECT_SRC%', connectSrc),
    }],
  };
});
