import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api } from './api.js';
import { h, formatCents } from './dom.js';
import { aufbewahrung } from './aufbewahrung.js';

const percent = new Intl.NumberFormat('de-DE', { style: 'percent', maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('de-DE', { maximumFractionDigits: 1 });
const DAY = 86_400_000;

// The period shown, kept while the tab lives: null = the running week; else { kind, key }.
let chosen = null;

/** ISO week key (2026-W48) of a UTC date. */
export function isoWeek(date) {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  d.setUTCDate(d.getUTCDate() + 4 - (d.getUTCDay() || 7));
  const year = d.getUTCFullYear();
  return `${year}-W${String(Math.ceil(((d - Date.UTC(year, 0, 1)) / DAY + 1) / 7)).padStart(2, '0')}`;
}
const day = (iso) => new Date(`${iso}T00:00:00Z`);
function shiftMonth(key, by) {
  const [y, m] = key.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}
function neighbour(period, by) {
  return period.kind === 'week'
    ? { kind: 'week', key: isoWeek(new Date(day(period.starts_on).getTime() + by * 7 * DAY)) }
    : { kind: 'month', key: shiftMonth(period.key, by) };
}
const hours = (h) => (h == null ? '–' : h >= 48 ? `${decimal.format(h / 24)} Tage` : `${decimal.format(h)} h`);
const share = (x) => (x == null ? '–' : percent.format(x));

/** #/zahlen: the KPI board of the chosen week or month (GET /api/kpi?week=… / ?month=…). */
export function zahlen(main) {
  const body = h('div', { id: 'zahlen-inhalt', 'aria-busy': 'true' }, h('p', {}, 'Lädt …'));
  const picker = h('div', { class: 'picker', role: 'group', 'aria-label': 'Zeitraum' });
  main.replaceChildren(h('h1', {}, 'Zahlen'), picker, body, aufbewahrung());
  let chart;
  let gone = false;
  let asked = 0; // the answer of an earlier choice arriving after a later one's is not drawn

  async function show(period) {
    const mine = ++asked;
    chosen = period;
    body.setAttribute('aria-busy', 'true');
    const query = period ? `?${period.kind}=${encodeURIComponent(period.key)}` : '';
    try {
      const board = await api(`/api/kpi${query}`);
      if (gone || mine !== asked) return;
      chart?.destroy();
      chart = null;
      picker.replaceChildren(...pickerControls(board.period, board.revenue, show).filter(Boolean));
      body.replaceChildren(...sections(board, (c) => { if (gone) c.destroy(); else chart = c; }));
    } catch (e) {
      if (gone || mine !== asked) return;
      body.replaceChildren(h('p', { class: 'error', role: 'alert' }, e.message));
      if (!picker.childElementCount) picker.replaceChildren(h('button', { type: 'button', onclick: () => show(null) }, 'Laufende Woche'));
    } finally {
      if (mine === asked) body.setAttribute('aria-busy', 'false');
    }
  }
  show(chosen);
  return () => { gone = true; chart?.destroy(); };
}

/** Today in Berlin as a UTC date (the board's periods are Berlin days). */
const berlinToday = () => day(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date()));

function pickerControls(period, revenue, show) {
  const today = berlinToday();
  const switchTo = (kind) => {
    if (kind === period.kind) return;
    if (kind === 'month') show({ kind: 'month', key: revenue?.month ?? period.ends_on.slice(0, 7) });
    else show({ kind: 'week', key: isoWeek(period.complete ? day(period.ends_on) : today) });
  };
  const label = period.kind === 'week' ? 'Woche' : 'Monat';
  return [
    h('div', { class: 'segmented', role: 'group', 'aria-label': 'Woche oder Monat' },
      h('button', { type: 'button', id: 'zeitraum-woche', 'aria-pressed': String(period.kind === 'week'), onclick: () => switchTo('week') }, 'Woche'),
      h('button', { type: 'button', id: 'zeitraum-monat', 'aria-pressed': String(period.kind === 'month'), onclick: () => switchTo('month') }, 'Monat')),
    h('div', { class: 'stepper' },
      h('button', { type: 'button', id: 'zeitraum-zurueck', 'aria-label': `Vorherige ${label}`, onclick: () => show(neighbour(period, -1)) }, '←'),
      h('p', { class: 'period', id: 'zeitraum', 'data-key': period.key, 'aria-live': 'polite' }, period.label),
      h('button', { type: 'button', id: 'zeitraum-vor', 'aria-label': `Nächste ${label}`, disabled: !period.complete, onclick: () => show(neighbour(period, 1)) }, '→')),
    period.complete ? h('button', { type: 'button', class: 'link-button', id: 'zeitraum-jetzt', onclick: () => show(period.kind === 'week' ? null : { kind: 'month', key: today.toISOString().slice(0, 7) }) }, period.kind === 'week' ? 'Zur laufenden Woche' : 'Zum laufenden Monat') : null,
  ];
}

function sections(board, keep) {
  const metrics = board.metrics ?? [];
  const revenue = board.revenue ?? {};
  const forecast = board.forecast ?? {};
  const win = board.win_rate ?? {};
  return [
    h('section', { 'aria-labelledby': 'ziele-titel' },
      h('h2', { id: 'ziele-titel' }, board.period?.kind === 'month' ? 'Ziele des Monats' : 'Wochenziele'),
      h('ul', { class: 'bars', id: 'kennzahlen' }, metrics.map(bar))),
    revenueSection(revenue, forecast),
    h('section', { 'aria-labelledby': 'funnel-titel' },
      h('h2', { id: 'funnel-titel' }, 'Funnel'),
      h('p', { class: 'muted small' }, 'Wechsel im Zeitraum je Stufe; Konversion = weiter / (weiter + verloren); Verweildauer: Median der Aufenthalte, die im Zeitraum endeten.'),
      h('div', { class: 'scroll-x', tabindex: 0, role: 'region', 'aria-label': 'Funnel-Tabelle' }, funnelTable(board.funnel ?? []))),
    h('section', { 'aria-labelledby': 'abschluss-titel', class: 'columns' },
      h('h2', { id: 'abschluss-titel' }, 'Abschlüsse'),
      h('div', { id: 'gewinnquote' },
        h('h3', {}, 'Gewinnquote'),
        h('p', { class: 'big' }, share(win.rate)),
        h('p', { class: 'muted small' }, `${win.won ?? 0} gewonnen, ${win.lost ?? 0} verloren`)),
      h('div', { id: 'verlustgruende' },
        h('h3', {}, 'Verlustgründe'),
        (board.lost_reasons ?? []).length
          ? h('ul', { class: 'plain' }, board.lost_reasons.map((r) => h('li', { 'data-code': r.code ?? '' }, `${r.reason}: ${r.leads}`)))
          : h('p', { class: 'muted small' }, 'Keine verlorenen Leads.')),
      h('div', { id: 'quellen' },
        h('h3', {}, 'Gewonnen nach Quelle'),
        (board.won_sources ?? []).length
          ? h('ul', { class: 'plain' }, board.won_sources.map((s) => h('li', {}, `${s.label}: ${s.deals} ${s.deals === 1 ? 'Deal' : 'Deals'}, ${formatCents(s.amount_cents)}`)))
          : h('p', { class: 'muted small' }, 'Keine gewonnenen Deals.'))),
    fulfilmentSection(board.fulfilment),
    h('section', { 'aria-labelledby': 'trend-titel' },
      h('h2', { id: 'trend-titel' }, 'Trend der letzten Zeiträume'),
      trendChart(metrics, keep)),
  ];
}

const days = (d) => (d == null ? '–' : `${decimal.format(d)} ${d === 1 ? 'Tag' : 'Tage'}`);

/** After "Gewonnen": onboardings submitted and installs finished in the period, the install against its 5 hours. */
function fulfilmentSection(fulfilment) {
  const onboarding = fulfilment?.onboarding ?? { submitted: 0 };
  const install = fulfilment?.install ?? { finished: 0 };
  const title = h('h2', { id: 'fulfilment-titel' }, 'Fulfilment');
  if (!onboarding.submitted && !install.finished) {
    return h('section', { 'aria-labelledby': 'fulfilment-titel', id: 'fulfilment' }, title,
      h('p', { class: 'muted small', id: 'fulfilment-leer' }, 'Im Zeitraum wurde kein Onboarding abgeschickt und keine Installation abgeschlossen.'));
  }
  const booked = install.booked_hours ?? 5;
  return h('section', { 'aria-labelledby': 'fulfilment-titel', id: 'fulfilment', class: 'columns' }, title,
    h('div', { id: 'fulfilment-onboarding' },
      h('h3', {}, 'Onboarding abgeschickt'),
      h('p', { class: 'big' }, String(onboarding.submitted)),
      h('p', { class: 'muted small' }, onboarding.submitted
        ? `Median ${days(onboarding.median_days)} nach „Gewonnen“, längstens ${days(onboarding.max_days)}`
        : 'Keins im Zeitraum.')),
    h('div', { id: 'fulfilment-installation' },
      h('h3', {}, 'Installation fertig'),
      h('p', { class: 'big' }, String(install.finished)),
      h('p', { class: 'muted small' }, install.finished
        ? `Median ${days(install.median_days)} nach „Gewonnen“, längstens ${days(install.max_days)}`
        : 'Keine im Zeitraum.')),
    h('div', { id: 'fulfilment-dauer' },
      h('h3', {}, 'Dauer der Installation'),
      h('p', { class: 'big' }, install.finished ? hours(install.median_hours) : '–'),
      h('p', { class: 'muted small' }, install.finished
        ? `Median; ${install.over_booked} von ${install.finished} länger als ${decimal.format(booked)} h, längstens ${hours(install.max_hours)}`
        : `Gebucht sind ${decimal.format(booked)} Stunden.`)));
}

function bar(m) {
  return h('li', { 'data-metric': m.metric },
    h('span', { class: 'bar-label' }, m.label),
    meter(m.value, m.target, `${m.value} von ${m.target}`, m.metric),
    m.expected_so_far != null && m.expected_so_far < m.target ? h('span', { class: 'muted small' }, `Soll bis heute: ${m.expected_so_far}`) : null);
}

function meter(value, target, text, name) {
  const max = Math.max(target, 1);
  return h('span', { class: `meter${value >= target ? ' reached' : ''}` },
    h('meter', { min: 0, max, low: Math.ceil(max * 0.5), high: max - 0.001, optimum: max, value: Math.min(value, max), 'aria-label': name, id: `meter-${name}` }),
    h('span', { class: 'meter-text' }, text));
}

/** Revenue so far and, on top, the weighted forecast of the open deals, against the month's goal. */
function revenueSection(revenue, forecast) {
  const goal = Math.max(revenue.goal_cents ?? 1_000_000, 1);
  const total = revenue.total_cents ?? 0;
  const weighted = forecast.weighted_cents ?? 0;
  const stack = h('div', { class: 'stack', role: 'img', id: 'umsatz-balken',
    'aria-label': `${formatCents(total)} Umsatz und ${formatCents(weighted)} Prognose von ${formatCents(goal)}` });
  const done = h('span', { class: 'stack-done' });
  const expected = h('span', { class: 'stack-forecast' });
  done.style.width = `${Math.min(100, (total / goal) * 100)}%`;
  expected.style.width = `${Math.max(0, Math.min(100 - (total / goal) * 100, (weighted / goal) * 100))}%`;
  stack.append(done, expected);
  return h('section', { 'aria-labelledby': 'umsatz-titel', id: 'umsatz' },
    h('h2', { id: 'umsatz-titel' }, revenue.label ?? 'Umsatz'),
    stack,
    h('p', { class: 'legend' },
      h('span', { class: 'key done' }), `${formatCents(total)} von ${formatCents(goal)} (${share(revenue.goal_share)})`,
      h('span', { class: 'key forecast' }), `mit Prognose ${formatCents(total + weighted)} (${share((total + weighted) / goal)})`),
    h('dl', { class: 'facts', id: 'umsatz-zahlen' },
      h('dt', {}, 'Einmalig'), h('dd', {}, `${formatCents(revenue.one_time_cents)} (${revenue.setups_sold ?? 0} Setups)`),
      h('dt', {}, 'Retainer'), h('dd', {}, `${formatCents(revenue.recurring_cents)} (${revenue.retainers_billed ?? 0})`),
      h('dt', {}, 'MRR'), h('dd', { id: 'mrr' }, `${formatCents(revenue.mrr_cents)} (${revenue.active_retainers ?? 0} laufende Retainer)`),
      h('dt', {}, 'Prognose offene Deals'), h('dd', { id: 'prognose' }, `${formatCents(weighted)} gewichtet aus ${formatCents(forecast.open_cents)} (${forecast.open_deals ?? 0} Deals)`)),
    (forecast.by_stage ?? []).length
      ? h('ul', { class: 'plain small muted' }, forecast.by_stage.map((s) => h('li', {}, `${s.label}: ${s.deals} × ${share(s.probability)} → ${formatCents(s.weighted_cents)}`)))
      : null);
}

function funnelTable(funnel) {
  const cell = (text, cls) => h('td', { class: cls }, text);
  return h('table', { class: 'funnel', id: 'funnel' },
    h('thead', {}, h('tr', {}, ...['Stufe', 'hinein', 'weiter', 'verloren', 'zurück', 'Konversion', 'Verweildauer'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, ...funnel.map((f) => h('tr', { 'data-stage': f.stage },
      h('th', { scope: 'row' }, f.label), cell(f.entered, 'num'), cell(f.advanced, 'num'), cell(f.lost, 'num'), cell(f.back, 'num'),
      cell(share(f.conversion), 'num'), cell(hours(f.median_hours), 'num')))));
}

function trendChart(metrics, keep) {
  const el = h('div', { class: 'trend', id: 'trend' });
  const withTrend = metrics.filter((m) => Array.isArray(m.trend) && m.trend.length);
  if (!withTrend.length) return el;
  const points = [...withTrend[0].trend.map((t) => t.period.replace(/^\d{4}-/, '')), 'jetzt'];
  const x = points.map((_, i) => i);
  const colors = ['#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be123c'];
  requestAnimationFrame(() => {
    const width = Math.max(260, Math.min(el.clientWidth - 16 || 600, 720));
    keep(new uPlot({
      width, height: 220,
      scales: { x: { time: false } },
      axes: [{ values: (_, ticks) => ticks.map((i) => points[i] ?? '') }, {}],
      series: [{}, ...withTrend.map((m, i) => ({ label: m.label, stroke: colors[i % colors.length], width: 2 }))],
    }, [x, ...withTrend.map((m) => [...m.trend.map((t) => t.value), m.value])], el));
  });
  return el;
}
