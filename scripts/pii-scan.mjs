#!/usr/bin/env node
// The personal-data scan (issue 21): does anything the test run produced (log lines, queue messages, channel messages,
// e-mails; captured by tests/Leitstand.Tests/Fixtures/PiiCapture.cs under TestResults/pii-capture/) contain a name,
// e-mail address, phone number or handle that the tests wrote into public.leads (seeded-*.jsonl)?
// Usage: node scripts/pii-scan.mjs [capture directory] [--allowlist file]
// Exit 0: no hit (or only hits the allowlist names as known sources); 1: hits; 2: nothing to scan.
// The allowlist (tests/pii-scan-allowlist.txt): one entry a line, "<source prefix> <regular expression>"; a hit whose
// source starts with the prefix and whose produced text matches the expression is reported as known, not as a failure.
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const allowIndex = args.indexOf('--allowlist');
const allowFile = allowIndex >= 0 ? args[allowIndex + 1] : path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'tests', 'pii-scan-allowlist.txt');
const dir = args.filter((a, i) => i !== allowIndex && i !== allowIndex + 1)[0] ?? path.join(process.cwd(), 'TestResults', 'pii-capture');

const MIN_NAME = 4, MIN_HANDLE = 4, MIN_PHONE_DIGITS = 7;
const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
const seededFiles = files.filter(f => /^seeded-.*\.jsonl$/.test(f));
const producedFiles = files.filter(f => /^produced-.*\.tsv$/.test(f));
if (seededFiles.length === 0) {
  console.log(`PII-Scan: keine aufgezeichneten Testdaten in ${dir} (seeded-*.jsonl) – nichts zu prüfen.`);
  process.exit(2);
}

const names = new Map(), emails = new Set(), handles = new Set(), phones = new Set();
// a phone number as its digits, a German one in national form (+49 30 … and 0049 30 … → 030…), so "030 555" finds "+49 30 555"
function phoneDigits(raw) {
  let d = raw.replace(/\D/g, '');
  if (/^\s*(\+|00)/.test(raw)) {
    d = d.replace(/^00/, '');
    d = d.startsWith('49') ? '0' + d.slice(2) : '+' + d;
  }
  return d;
}
const words = s => s.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
for (const file of seededFiles) {
  for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const json = line.replace(/^\uFEFF/, '');
    let seed;
    try { seed = JSON.parse(json); } catch { continue; }
    const name = (seed.name ?? '').toLowerCase().replace(/\s+/g, ' ').trim();
    if (name.length >= MIN_NAME && words(name).length > 0) {
      const first = words(name)[0];
      if (!names.has(first)) names.set(first, new Set());
      names.get(first).add(name);
    }
    if (seed.email) emails.add(seed.email.toLowerCase());
    if (seed.handle && seed.handle.length >= MIN_HANDLE) handles.add(seed.handle.toLowerCase());
    const digits = phoneDigits(seed.phone ?? '');
    if (digits.replace(/\D/g, '').length >= MIN_PHONE_DIGITS) phones.add(digits);
  }
}

const allow = fs.existsSync(allowFile)
  ? fs.readFileSync(allowFile, 'utf8').split('\n').map(l => l.trim()).filter(l => l && !l.startsWith('#'))
      .map(l => { const at = l.indexOf(' '); return { line: l, prefix: l.slice(0, at), re: new RegExp(l.slice(at + 1).trim(), 'iu') }; })
  : [];

const isLetter = c => c !== undefined && /[\p{L}\p{N}]/u.test(c);
function hitsIn(text) {
  const lower = text.toLowerCase().replace(/%40/g, '@').replace(/%2b/g, '+').replace(/%20/g, ' ');
  const found = [];
  for (const m of lower.matchAll(/[^\s@"'<>(),;:[\]\\/=&?]+@[^\s@"'<>(),;:[\]\\/=&?]+\.[a-z]{2,}/g)) if (emails.has(m[0])) found.push(['E-Mail', m[0]]);
  for (const m of lower.matchAll(/[a-z0-9][a-z0-9._-]*[a-z0-9]/g)) if (handles.has(m[0])) found.push(['Handle', m[0]]);
  for (const m of lower.matchAll(/\+?\d[\d \-/()]{5,}\d/g)) if (phones.has(phoneDigits(m[0]))) found.push(['Telefon', m[0]]);
  for (const w of new Set(words(lower))) {
    for (const name of names.get(w) ?? []) {
      let at = lower.indexOf(name);
      while (at >= 0) {
        if (!isLetter(lower[at - 1]) && !isLetter(lower[at + name.length])) { found.push(['Name', name]); break; }
        at = lower.indexOf(name, at + 1);
      }
    }
  }
  return found;
}

const failures = new Map(), known = new Map();
let lines = 0;
for (const file of producedFiles) {
  for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
    if (!line) continue;
    lines++;
    const tab = line.indexOf('\t');
    // the capture's escapes undone, then JSON's \uXXXX (a serializer may write "ä" as \u00E4)
    const source = line.slice(0, tab), text = line.slice(tab + 1).replace(/\\n/g, '\n').replace(/\\r/g, '\r').replace(/\\t/g, '\t').replace(/\\\\/g, '\\')
      .replace(/\\u([0-9a-fA-F]{4})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
    for (const [kind, value] of hitsIn(text)) {
      const entry = allow.find(a => source.startsWith(a.prefix) && a.re.test(text));
      const bucket = entry ? known : failures;
      const key = `${source.replace(/^(queue:[a-z-]+?)-[0-9a-f]{10}$/, '$1-…').replace(/^http:.*$/, 'http (Kanal)')} | ${kind}${entry ? ` | ${entry.line}` : ''}`;
      if (!bucket.has(key)) bucket.set(key, { count: 0, examples: [] });
      const b = bucket.get(key);
      b.count++;
      if (b.examples.length < 3) b.examples.push(`${value} in: ${text.replace(/\s+/g, ' ').slice(0, 240)}`);
    }
  }
}

const seededCount = [...names.values()].reduce((n, s) => n + s.size, 0) + emails.size + handles.size + phones.size;
console.log(`PII-Scan: ${lines} erzeugte Zeilen (${producedFiles.length} Dateien) gegen ${seededCount} Testwerte (Namen, E-Mails, Telefonnummern, Handles) geprüft.`);
const print = (title, bucket) => {
  if (bucket.size === 0) return;
  console.log(title);
  for (const [key, b] of [...bucket].sort((a, b) => b[1].count - a[1].count)) {
    console.log(`  ${key}: ${b.count}×`);
    for (const e of b.examples) console.log(`    ${e}`);
  }
};
print('Bekannte Quellen (tests/pii-scan-allowlist.txt, nicht als Fehler gezählt):', known);
print('FEHLER – personenbezogene Testdaten in Logs, Alerts, Kanal-Nachrichten oder Queue-Nachrichten:', failures);
if (failures.size > 0) process.exit(1);
console.log(known.size > 0 ? 'PII-Scan: keine Treffer außer den bekannten Quellen der Allowlist.' : 'PII-Scan: keine Treffer.');
