#!/usr/bin/env node
// The public pages (landing, danke, datenschutz, impressum and every other *.html here) for Netlify: a copy of
// web/landing with the operator's details, the Function App's URL and the retention periods filled in, plus a
// _headers file with the Content-Security-Policy. The source pages stay servable as they are (scripts/start serves
// web/landing with local values); elements marked in them are replaced here:
//   data-operator="name|street|city|email|phone|representative|vat_id"  text (and for <a> the mailto:/tel: link)
//   data-operator-if="phone|vat_id"                                     removed when that optional value is empty
//   data-local-only                                                     removed (notes for the local copy)
//   <ul data-retention>                                                 the periods of retention.json
//   <form … action="/api/leads">                                        LANDING_API_BASE + /api/leads
// before them, the parts every page shares (withPartials; the local host fills them in the same way when it serves
// the sources, host/Functions/LandingPartials.cs):
//   <footer data-partial="footer"></footer>                             partials/footer.html
//   <header data-partial="header">…</header>                            partials/header.html, its <!-- slot --> holding …
// A build with a required variable missing fails with a German message instead of shipping made-up details.
//
//   node web/landing/build.mjs [--out DIR]   build (default DIR: web/landing/dist)
//   node web/landing/build.mjs --sync        write the periods of retention.json into datenschutz.html and
//                                            docs/datenschutz.md (the sources; a test keeps them equal)
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..");

const REQUIRED = {
  LANDING_API_BASE: "die Adresse der Function App (https://…, ohne /api)",
  LANDING_OPERATOR_NAME: "Name des Unternehmens bzw. der Person, die die Seiten betreibt",
  LANDING_OPERATOR_STREET: "Straße und Hausnummer",
  LANDING_OPERATOR_CITY: "Postleitzahl und Ort",
  LANDING_OPERATOR_EMAIL: "E-Mail-Adresse für Anfragen und Datenschutz",
  LANDING_OPERATOR_REPRESENTATIVE: "vertretungsberechtigte bzw. inhaltlich verantwortliche Person",
};
const OPTIONAL = { LANDING_OPERATOR_PHONE: "Telefonnummer", LANDING_OPERATOR_VAT_ID: "USt-IdNr." };

/** "12 Monate", "1 Tag": the period as the page and the document say it. */
export function periodText(p) {
  const unit = p.unit === "months" ? (p.value === 1 ? "Monat" : "Monate") : p.value === 1 ? "Tag" : "Tage";
  return `${p.value} ${unit} ${p.after}`;
}
export const pageItem = (p) => `<li><strong>${escapeHtml(p.label)}:</strong> ${escapeHtml(periodText(p))}</li>`;
export const docRow = (p) => `| ${p.label} | ${periodText(p)} | \`${p.setting}\` |`;

function escapeHtml(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * The page with each <x data-partial="name">…</x> replaced by partials/name.html (trimmed); what the element holds goes
 * in place of the partial's <!-- slot --> (its line dropped when the element holds nothing).
 */
export function withPartials(html, readPartial = readLandingPartial) {
  return html.replace(/<(\w+) data-partial="([\w-]+)">([\s\S]*?)<\/\1>/g, (_, _tag, name, slot) =>
    readPartial(name).trim().replace(/\n([ \t]*)<!-- slot -->/, (_line, indent) => (slot.trim() ? `\n${indent}${slot.trim()}` : "")));
}

function readLandingPartial(name) {
  const file = join(here, "partials", `${name}.html`);
  if (!existsSync(file)) fail(`Unbekannter Seitenteil data-partial="${name}" (erwartet: web/landing/partials/${name}.html).`);
  return readFileSync(file, "utf8");
}

function readPeriods() {
  return JSON.parse(readFileSync(join(here, "retention.json"), "utf8")).periods;
}

/** The <ul data-retention> of a page with the periods filled in. */
function withRetention(html, periods) {
  return html.replace(/(<ul data-retention[^>]*>)[\s\S]*?(\s*<\/ul>)/, (_, open, close) =>
    `${open}\n${periods.map((p) => "        " + pageItem(p)).join("\n")}${close}`);
}

function withDocRetention(markdown, periods) {
  return markdown.replace(/(<!-- retention:start -->\n)[\s\S]*?(<!-- retention:end -->)/, (_, start, end) =>
    `${start}| Daten | Speicherdauer | Einstellung |\n| --- | --- | --- |\n${periods.map(docRow).join("\n")}\n${end}`);
}

function sync() {
  const periods = readPeriods();
  const page = join(here, "datenschutz.html");
  writeFileSync(page, withRetention(readFileSync(page, "utf8"), periods));
  const doc = join(repo, "docs", "datenschutz.md");
  writeFileSync(doc, withDocRetention(readFileSync(doc, "utf8"), periods));
  console.log("Speicherdauer aus retention.json in datenschutz.html und docs/datenschutz.md geschrieben.");
}

function fail(message) {
  console.error(message);
  process.exit(1);
}

function readVariables(env) {
  const missing = Object.keys(REQUIRED).filter((k) => !(env[k] ?? "").trim());
  if (missing.length > 0)
    fail(`Die öffentlichen Seiten werden nicht gebaut: Es fehlen die Build-Variablen\n${missing
      .map((k) => `  ${k} – ${REQUIRED[k]}`)
      .join("\n")}\nBitte in Netlify unter „Site configuration → Environment variables“ setzen (siehe docs/betrieb/deployment.md). ` +
      "Ohne sie ginge eine Seite ohne echte Betreiberangaben live.");
  const v = Object.fromEntries([...Object.keys(REQUIRED), ...Object.keys(OPTIONAL)].map((k) => [k, (env[k] ?? "").trim()]));
  let api;
  try {
    api = new URL(v.LANDING_API_BASE);
  } catch {
    fail(`LANDING_API_BASE ist keine gültige Adresse: „${v.LANDING_API_BASE}“ (erwartet z. B. https://leitstand-func.azurewebsites.net).`);
  }
  if (api.protocol !== "https:" || api.pathname !== "/" || api.search || api.hash)
    fail(`LANDING_API_BASE muss eine https-Adresse ohne Pfad sein (z. B. https://leitstand-func.azurewebsites.net), nicht „${v.LANDING_API_BASE}“.`);
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v.LANDING_OPERATOR_EMAIL))
    fail(`LANDING_OPERATOR_EMAIL ist keine E-Mail-Adresse: „${v.LANDING_OPERATOR_EMAIL}“.`);
  return {
    apiOrigin: api.origin,
    values: {
      name: v.LANDING_OPERATOR_NAME, street: v.LANDING_OPERATOR_STREET, city: v.LANDING_OPERATOR_CITY,
      email: v.LANDING_OPERATOR_EMAIL, representative: v.LANDING_OPERATOR_REPRESENTATIVE,
      phone: v.LANDING_OPERATOR_PHONE, vat_id: v.LANDING_OPERATOR_VAT_ID,
    },
  };
}

function render(html, { apiOrigin, values }, periods) {
  let out = withPartials(html);
  // optional blocks without their value, and the local copy's notes
  out = out.replace(/<(\w+)\b[^>]*\bdata-operator-if="(\w+)"[^>]*>[\s\S]*?<\/\1>\s*/g, (block, _tag, key) => (values[key] ? block : ""));
  out = out.replace(/<(\w+)\b[^>]*\bdata-local-only\b[^>]*>[\s\S]*?<\/\1>\s*/g, "");
  out = out.replace(/<(\w+)\b([^>]*)\bdata-operator="(\w+)"([^>]*)>[^<]*<\/\1>/g, (element, tag, before, key, after) => {
    if (!(key in values)) fail(`Unbekanntes Feld data-operator="${key}".`);
    const value = values[key];
    let attributes = `${before}data-operator="${key}"${after}`;
    if (tag === "a") {
      const href = key === "email" ? `mailto:${value}` : key === "phone" ? `tel:${value.replace(/[^+0-9]/g, "")}` : null;
      if (href) attributes = attributes.replace(/href="[^"]*"/, `href="${escapeHtml(href)}"`);
    }
    return `<${tag}${attributes}>${escapeHtml(value)}</${tag}>`;
  });
  out = out.replace(/(<form\b[^>]*\baction=")\/api\/leads(")/g, `$1${apiOrigin}/api/leads$2`);
  return withRetention(out, periods);
}

function headers(apiOrigin) {
  const csp = [
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
    "connect-src 'self'", `form-action 'self' ${apiOrigin}`, "base-uri 'none'", "frame-ancestors 'none'",
  ].join("; ");
  return `/*\n  Content-Security-Policy: ${csp}\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: strict-origin-when-cross-origin\n` +
    "  Permissions-Policy: camera=(), microphone=(), geolocation=()\n  Strict-Transport-Security: max-age=31536000\n";
}

function build(outDir, env) {
  const settings = readVariables(env);
  const periods = readPeriods();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const leftovers = [];
  for (const file of readdirSync(here, { withFileTypes: true })) {
    if (!file.isFile() || file.name === "build.mjs" || file.name === "retention.json" || file.name === "netlify.toml") continue;
    const source = join(here, file.name);
    if (!file.name.endsWith(".html")) {
      copyFileSync(source, join(outDir, file.name));
      continue;
    }
    const html = render(readFileSync(source, "utf8"), settings, periods);
    for (const word of ["Platzhalter", "example.de", "example.com", "Musterstraße", "Musterstadt", "data-local-only", "data-partial", 'action="/api/'])
      if (html.includes(word)) leftovers.push(`${file.name}: „${word}“`);
    writeFileSync(join(outDir, file.name), html);
  }
  if (leftovers.length > 0)
    fail(`Die gebauten Seiten enthalten noch Platzhalter oder lokale Angaben:\n  ${leftovers.join("\n  ")}`);
  writeFileSync(join(outDir, "_headers"), headers(settings.apiOrigin));
  console.log(`Öffentliche Seiten gebaut: ${outDir} (Formular → ${settings.apiOrigin}/api/leads)`);
}

const args = process.argv.slice(2);
if (args.includes("--sync")) sync();
else {
  const i = args.indexOf("--out");
  const outDir = resolve(i >= 0 && args[i + 1] ? args[i + 1] : join(here, "dist"));
  if (!existsSync(here)) fail("web/landing fehlt.");
  build(outDir, process.env);
}
