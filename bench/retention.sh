#!/usr/bin/env bash
# Daily retention benchmark (issue 21): one run of public.apply_retention (the timer ApplyRetention's single
# statement) over the KPI benchmark's data (bench/kpi/seed.sql, five years at 1,000 leads a week: about 260,000
# leads), with realistic shares due for each rule, against a floor measured in the same run: counting the due rows of
# every rule (public.retention_due_leads and the operational tables' conditions) without changing anything.
# Measured twice: the first run after go-live (the backlog of five years: tens of thousands of leads due) and the
# steady state (the next day: nothing new due, only the search). Goal: under 10 s.
# The database comes from bench/stack.sh (host/Stack: throwaway PostgreSQL 15 on 127.0.0.1, all migrations).
#
#   bash bench/retention.sh
#   BENCH_WEEKS=52 bash bench/retention.sh
# Results: printed and written to bench/results/retention-<UTC time>.md (git ignores bench/results/).
set -euo pipefail
cd "$(dirname "$0")/.."
WEEKS="${BENCH_WEEKS:-260}"
PER_WEEK="${BENCH_PER_WEEK:-1000}"
GOAL_S=10

source bench/stack-lib.sh

bench_work retention
stack_up "$WORK" --no-azurite
load_kpi_data "$WORK"
log "loaded in $(( $(date +%s) - LOAD_START )) s"

# What the KPI data lacks for the retention rules, added set-based: LOST leads get their deletion date as the
# pipeline would have set it (365 days after the loss); every tenth NEW lead is a cold prospect never contacted
# (its form touchpoint removed); the won customers get an agent (revoked when their retainer ended or they never
# had one), resolved incidents over two years, and the operational tables a year of rows.
log "adding the retention cases"
"${PSQL[@]}" -v end="$END" >"$WORK/cases.log" <<'SQL'
set session_replication_role = replica;
update public.leads set delete_after = stage_changed_at + interval '365 days' where stage = 'LOST';
create temp table cold as
  select id from public.leads where stage = 'NEW' and (hashtext(id::text) & 9) = 0;
delete from public.lead_touchpoints t using cold c where t.lead_id = c.id;
update public.leads l set contact_basis = 'cold', consent_at = null, consent_text_version = null, consent_source = null
  from cold c where l.id = c.id;
insert into public.agents (lead_id, name, key_hash, key_prefix, created_at, revoked_at)
select l.id, 'Agent ' || left(l.name, 100), encode(sha256(l.id::text::bytea), 'hex'), 'lsa_' || left(md5(l.id::text), 8), l.stage_changed_at,
       case when r.running then null
            else coalesce((select max(d.ends_on) from public.deals d where d.lead_id = l.id and d.package = 'RETAINER')::timestamptz,
                          l.stage_changed_at + interval '30 days') end
from public.leads l
cross join lateral (select exists (select 1 from public.deals d where d.lead_id = l.id and d.status = 'WON'
                                   and d.package = 'RETAINER' and d.ends_on is null) as running) r
where l.stage = 'WON';
insert into public.incidents (agent_id, error_class, severity, status, opened_at, last_seen_at, resolved_at)
select a.id, 'crash_loop', 'critical', 'resolved', t, t, t + interval '20 minutes'
from public.agents a, generate_series(1, 10) g,
     lateral (select :'end'::timestamptz - (g * 73 + (hashtext(a.id::text) & 63)) * interval '1 day' as t) x;
insert into public.outbox_messages (id, queue, payload, created_at, sent_at, next_attempt_at)
select gen_random_uuid(), 'lead-captured', jsonb_build_object('lead_id', gen_random_uuid()), t, t, t
from generate_series(1, 100000) g, lateral (select :'end'::timestamptz - g * interval '5 minutes' as t) x;
insert into public.alerts (id, kind, severity, dedupe_key, subject_type, title, body, link, occurred_at, created_at)
select gen_random_uuid(), 'lead_new', 'info', 'bench-retention:' || g, 'team', 'Neuer Lead', 'Bench', '#/', t, t
from generate_series(1, 20000) g, lateral (select :'end'::timestamptz - g * interval '30 minutes' as t) x;
insert into public.alert_deliveries (alert_id, channel, due_at, state, attempts, delivered_at, created_at)
select a.id, c.channel, a.created_at, 'delivered', 1, a.created_at, a.created_at
from public.alerts a cross join (values ('email'::public.alert_channel), ('webhook')) c(channel)
where a.dedupe_key like 'bench-retention:%';
insert into public.rate_limit_hits (bucket, window_start, hits)
select 'lead-form:' || md5(g::text), date_trunc('minute', :'end'::timestamptz) - g * interval '1 minute', 1
from generate_series(1, 50000) g;
set session_replication_role = origin;
vacuum analyze public.leads, public.lead_touchpoints, public.deals, public.agents, public.incidents, public.outbox_messages,
  public.alerts, public.alert_deliveries, public.rate_limit_hits;
SQL
COUNTS=$("${PSQL[@]}" -tAc "select format('%s Leads, %s Touchpoints, %s Deals, %s Agenten, %s Incidents, %s Outbox, %s Alerts, %s Ratenfenster', (select count(*) from leads), (select count(*) from lead_touchpoints), (select count(*) from deals), (select count(*) from agents), (select count(*) from incidents), (select count(*) from outbox_messages), (select count(*) from alerts), (select count(*) from rate_limit_hits))")
log "data: $COUNTS"

ARGS="12, 3, 36, 12, 30, 90, 1"
# The superuser of the stack may take the functions' role (the owner "postgres" may not), as the timer runs it.
SUPERUSER=$(sed -n 's/.*Username=\([^;]*\).*/\1/p' <<<"$SUPERUSER_CONNECTION_STRING")
# psql as the functions' role, one statement, wall time measured around it (connection included, as the timer's).
timed() {   # label, SQL → seconds on stdout, result in $WORK/<label>.out
  local start end
  start=$(date +%s.%N)
  "${PSQL[@]}" -U "$SUPERUSER" -tA -c "set role leitstand_functions" -c "$2" >"$WORK/$1.out" 2>"$WORK/$1.err" \
    || { cat "$WORK/$1.err" >&2; return 1; }
  end=$(date +%s.%N)
  printf '%.2f\n' "$(echo "$end - $start" | bc)"
}

FLOOR_SQL="with due as materialized (select rule, count(*) as n from public.retention_due_leads(now(), 12, 3, 36) group by rule)
select format('%s Leads fällig (%s), %s Incidents, %s Outbox, %s Alerts, %s Ratenfenster, %s Übergaben',
  (select coalesce(sum(n), 0) from due), (select string_agg(rule || ' ' || n, ', ' order by rule) from due),
  (select count(*) from public.incidents where status = 'resolved' and resolved_at < now() - interval '12 months'),
  (select count(*) from public.outbox_messages where sent_at < now() - interval '30 days'),
  (select count(*) from public.alerts a where a.created_at < now() - interval '90 days'
     and not exists (select 1 from public.alert_deliveries d where d.alert_id = a.id and d.state in ('pending', 'sending'))),
  (select count(*) from public.rate_limit_hits where window_start < now() - interval '1 day'),
  (select count(*) from public.agent_key_handovers where expires_at <= now()))"
# retention_due_leads is granted to the functions' role; the counts of the other tables need the owner
floor_run() {
  local start end
  start=$(date +%s.%N)
  "${PSQL[@]}" -tA -c "$FLOOR_SQL" >"$WORK/floor.out"
  end=$(date +%s.%N)
  printf '%.2f\n' "$(echo "$end - $start" | bc)"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "floor: counting the due rows (read only; load average $LOAD_BEFORE)"
FLOOR_S=$(floor_run)
DUE=$(cat "$WORK/floor.out")
log "floor ${FLOOR_S} s: $DUE"
log "first run (backlog)"
FIRST_S=$(timed first "select public.apply_retention(now(), $ARGS)")
FIRST=$(cat "$WORK/first.out")
log "first run ${FIRST_S} s: $FIRST"
log "floor again (after the run: nothing due)"
FLOOR2_S=$(floor_run)
log "steady state (the next run: nothing new due)"
SECOND_S=$(timed second "select public.apply_retention(now(), $ARGS)")
SECOND=$(cat "$WORK/second.out")
log "second run ${SECOND_S} s: $SECOND"
ERASED=$("${PSQL[@]}" -tAc "select count(*) from leads where erased_at is not null")

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
verdict() { awk -v s="$1" -v g="$GOAL_S" 'BEGIN { print (s < g) ? "erreicht" : "verfehlt" }'; }
# the run against the floor of the same run (the machine may be shared: the ratio says more than the seconds)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "–" }' | tr . ,; }
{
  echo "# Aufbewahrung: ein Lauf über die KPI-Daten ($(date -u +'%Y-%m-%d %H:%M') UTC)"
  echo
  echo "Daten: $COUNTS. Load average vorher: $LOAD_BEFORE, danach: $LOAD ($(nproc) Kerne)."
  echo
  echo "| Messung | Zeit | Ergebnis |"
  echo "| --- | --- | --- |"
  echo "| Boden: fällige Zeilen zählen (nur lesen) | ${FLOOR_S} s | $DUE |"
  echo "| Erster Lauf (Rückstand von $WEEKS Wochen) | ${FIRST_S} s | \`$FIRST\` |"
  echo "| Boden danach | ${FLOOR2_S} s | |"
  echo "| Nächster Lauf (nichts Neues fällig) | ${SECOND_S} s | \`$SECOND\` |"
  echo
  echo "Ziel unter ${GOAL_S} s: erster Lauf $(verdict "$FIRST_S") ($(ratio "$FIRST_S" "$FLOOR_S") × Boden), täglicher Lauf $(verdict "$SECOND_S") ($(ratio "$SECOND_S" "$FLOOR2_S") × Boden danach). Anonymisierte Leads danach: $ERASED."
} >"$WORK/report.md"
save_report retention "$WORK/report.md"
