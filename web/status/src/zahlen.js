import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api } from './api.js';
import { h, formatCents } from './dom.js';

/** #/zahlen: the KPI board of the running week: bars against the weekly minimums, revenue against the goal, trend. */
export function zahlen(main) {
  const body = h('div', { 'aria-busy': 'true' }, h('p', {}, 'Lädt …'));
  main.replaceChildren(h('h1', {}, 'Zahlen'), body);
  let chart;
  api('/api/kpi').then((board) => {
    const metrics = board.metrics ?? [];
    const revenue = board.revenue ?? {};
    body.replaceChildren(
      h('p', { class: 'muted', id: 'zeitraum' }, board.period?.label ?? ''),
      h('ul', { class: 'bars', id: 'kennzahlen' }, metrics.map(bar)),
      h('section', { 'aria-labelledby': 'umsatz-titel' },
        h('h2', { id: 'umsatz-titel' }, revenue.label ?? 'Umsatz'),
        meter(revenue.total_cents ?? 0, revenue.goal_cents ?? 1_000_000, `${formatCents(revenue.total_cents)} von ${formatCents(revenue.goal_cents)}`, 'umsatz'),
        h('p', {}, `MRR ${formatCents(revenue.mrr_cents)} · Prognose offene Deals ${formatCents(board.forecast?.weighted_cents ?? board.forecast?.forecast_cents)}`)),
      h('section', { 'aria-labelledby': 'trend-titel' }, h('h2', { id: 'trend-titel' }, 'Trend der letzten Wochen'), trendChart(metrics, (c) => { chart = c; })));
    body.setAttribute('aria-busy', 'false');
  }).catch((e) => body.replaceChildren(h('p', { class: 'error', role: 'alert' }, e.message)));
  return () => chart?.destroy();
}

function bar(m) {
  return h('li', { 'data-metric': m.metric },
    h('span', { class: 'bar-label' }, m.label),
    meter(m.value, m.target, `${m.value} von ${m.target}`, m.metric),
    m.expected_so_far != null ? h('span', { class: 'muted small' }, `Soll bis heute: ${m.expected_so_far}`) : null);
}

function meter(value, target, text, name) {
  const max = Math.max(target, 1);
  return h('span', { class: `meter${value >= target ? ' reached' : ''}` },
    h('meter', { min: 0, max, low: Math.ceil(max * 0.5), high: max - 0.001, optimum: max, value: Math.min(value, max), 'aria-label': name, id: `meter-${name}` }),
    h('span', { class: 'meter-text' }, text));
}

function trendChart(metrics, keep) {
  const el = h('div', { class: 'trend', id: 'trend' });
  const withTrend = metrics.filter((m) => Array.isArray(m.trend) && m.trend.length);
  if (!withTrend.length) return el;
  const points = [...withTrend[0].trend.map((t) => t.period), 'jetzt'];
  const x = points.map((_, i) => i);
  const colors = ['#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be123c'];
  requestAnimationFrame(() => {
    const width = Math.max(280, Math.min(el.clientWidth || 600, 720));
    keep(new uPlot({
      width, height: 220,
      scales: { x: { time: false } },
      axes: [{ values: (_, ticks) => ticks.map((i) => points[i] ?? '') }, {}],
      series: [{}, ...withTrend.map((m, i) => ({ label: m.label, stroke: colors[i % colors.length], width: 2 }))],
    }, [x, ...withTrend.map((m) => [...m.trend.map((t) => t.value), m.value])], el));
  });
  return el;
}
