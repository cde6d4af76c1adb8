-- Alert delivery (docs/alerts.md): one alert contract and one producer path, routing as data, a delivery log
-- per alert and channel, grouping, quiet hours, reminders, escalation and "behoben".
--
-- Producers (SQL functions and C#) call public.enqueue_alerts: it writes the alert row (unique dedupe key,
-- so a repeated producer call alerts once) and its queue message into the outbox in the same transaction.
-- The queue function plans the deliveries (public.plan_alert_deliveries), claims what is due
-- (public.claim_alert_deliveries), sends, and records the outcomes (public.finish_alert_batches). A minute
-- timer retries what is due later (outages, quiet hours) and creates reminders and escalations
-- (public.alert_follow_ups). Every function takes the time as a parameter (tests move the clock).

create type public.alert_severity as enum ('info', 'warning', 'critical');
create type public.alert_delivery_state as enum ('pending', 'sending', 'delivered', 'failed', 'suppressed');

create domain public.alert_channel as text check (value in ('slack', 'teams', 'telegram', 'email', 'webhook'));

-- The alert kinds: the catalogue every producer (public.enqueue_alerts) and the delivery read; the rows:
-- reference_data.sql. severity: every alert of the kind has it; null where it varies and the producer gives
-- it (incident_opened: the error class's severity; incident_reminder: the incident's). subject_type: what the
-- alert is about; route: where its link opens in the status center ('{id}' = the subject's id, relative to
-- Alerts__StatusCenterUrl); acknowledge_link: its messages carry the signed "Übernehmen" link while the
-- incident is open.
create table public.alert_kinds (
  kind text primary key check (kind ~ '^[a-z][a-z_]{2,40}$'),
  label text not null check (char_length(label) between 1 and 80),
  severity public.alert_severity,
  subject_type text not null check (subject_type in ('incident', 'agent', 'lead', 'deal', 'alert', 'channel', 'team', 'kpi')),
  acknowledge_link boolean not null default false,
  route text not null check (route ~ '^#/[a-z0-9/_{}-]*$'),
  check (not acknowledge_link or subject_type = 'incident'),
  check ((route like '%{id}%') = (subject_type in ('incident', 'agent', 'lead', 'deal', 'alert')))
);

-- One row per alert. Texts are German and carry no personal data of leads or customers (no name, e-mail,
-- phone, company): the link leads to the status center, where a signed-in team member sees who.
create table public.alerts (
  id uuid primary key,
  kind text not null references public.alert_kinds (kind),
  severity public.alert_severity not null,
  dedupe_key text not null check (char_length(dedupe_key) between 1 and 200),
  subject_type text not null check (subject_type in ('incident', 'agent', 'lead', 'deal', 'alert', 'channel', 'team', 'kpi')),
  subject_id uuid,
  title text not null check (char_length(title) between 1 and 200),
  body text not null check (char_length(body) between 1 and 2000),
  -- relative to the status center (setting Alerts__StatusCenterUrl), e.g. '#/incidents/<id>'
  link text not null check (char_length(link) <= 300),
  occurred_at timestamptz not null,
  attributes jsonb not null default '{}' check (jsonb_typeof(attributes) = 'object'),
  created_at timestamptz not null default now(),
  constraint alerts_dedupe_key unique (dedupe_key)
);
create index alerts_subject_idx on public.alerts (subject_id, kind);
create index alerts_created_idx on public.alerts (created_at);

-- Routing, as data the team can change: which kinds reach which channels, and how. The defaults
-- (docs/alerts.md): reference_data.sql. The team changes them in the table editor or the status center.
create table public.alert_routes (
  id bigint generated always as identity primary key,
  -- a kind of public.alert_kinds, or '*' for every kind
  kind text not null,
  min_severity public.alert_severity not null default 'info',
  channels public.alert_channel[] not null check (cardinality(channels) > 0),
  -- Europe/Berlin; non-critical alerts in this window are held until it ends (never dropped).
  quiet_from time,
  quiet_to time,
  -- Alerts of the same kind within this window go out as one message listing them (0: each at once).
  group_window interval not null default interval '0' check (group_window between interval '0' and interval '1 hour'),
  -- An open, unacknowledged incident is reminded at this interval on every channel that got it.
  reminder_interval interval check (reminder_interval >= interval '1 minute'),
  -- A critical incident not acknowledged within this time goes to the escalation channels.
  escalate_after interval check (escalate_after >= interval '1 minute'),
  escalation_channels public.alert_channel[] not null default '{}',
  enabled boolean not null default true,
  note text check (char_length(note) <= 300),
  -- the kind the route names (null for '*'), checked against the catalogue
  alert_kind text generated always as (nullif(kind, '*')) stored references public.alert_kinds (kind),
  check ((quiet_from is null) = (quiet_to is null) and (quiet_from is distinct from quiet_to or quiet_from is null))
);

-- The delivery log: one row per alert and channel, written before and after each send.
create table public.alert_deliveries (
  id bigint generated always as identity primary key,
  alert_id uuid not null references public.alerts (id) on delete cascade,
  channel public.alert_channel not null,
  route_id bigint references public.alert_routes (id) on delete set null,
  state public.alert_delivery_state not null default 'pending',
  due_at timestamptz not null,
  -- The message this delivery went out in (a group shares it); stable across retries (webhook-id).
  batch_id uuid,
  attempts integer not null default 0,
  first_attempt_at timestamptz,
  sending_since timestamptz,
  delivered_at timestamptz,
  last_error text check (char_length(last_error) <= 500),
  created_at timestamptz not null default now(),
  constraint alert_deliveries_once unique (alert_id, channel),
  check ((state = 'delivered') = (delivered_at is not null))
);
create index alert_deliveries_due_idx on public.alert_deliveries (due_at) where state in ('pending', 'sending');
create index alert_deliveries_batch_idx on public.alert_deliveries (batch_id) where batch_id is not null;
create index alert_deliveries_recent_idx on public.alert_deliveries (created_at desc);

-- ---------------------------------------------------------------------------------------------
-- The end of the quiet hours that p_at falls into, or p_at itself outside them (Europe/Berlin wall time,
-- right across the daylight saving changes).
create function public.alert_quiet_until(p_at timestamptz, p_from time, p_to time)
returns timestamptz
-- One expression without FROM and without a SET clause, so that PostgreSQL inlines it where it is used (it
-- runs per planned delivery). It names no table and no function, only built-in casts and operators, which
-- PostgreSQL resolves in pg_catalog first: nothing a caller's search_path could redirect.
language sql immutable as $$
  select case
    when p_from is null then p_at
    when p_from < p_to then
      case when (p_at at time zone 'Europe/Berlin')::time >= p_from and (p_at at time zone 'Europe/Berlin')::time < p_to
           then ((p_at at time zone 'Europe/Berlin')::date + p_to) at time zone 'Europe/Berlin' else p_at end
    else
      case when (p_at at time zone 'Europe/Berlin')::time >= p_from then (((p_at at time zone 'Europe/Berlin')::date + 1) + p_to) at time zone 'Europe/Berlin'
           when (p_at at time zone 'Europe/Berlin')::time < p_to then ((p_at at time zone 'Europe/Berlin')::date + p_to) at time zone 'Europe/Berlin'
           else p_at end
  end
$$;

-- Where an alert of a kind about a subject opens in the status center: the kind's route.
create function public.alert_link(p_kind text, p_subject_id uuid)
returns text
language sql stable set search_path = '' as $$
  select case when k.route like '%{id}%' then replace(k.route, '{id}', p_subject_id::text) else k.route end
  from public.alert_kinds k where k.kind = p_kind
$$;

-- One alert as the queue message lists it (docs/queue-messages.md, snake_case).
create function public.alert_message(a public.alerts)
returns jsonb
language sql immutable set search_path = '' as $$
  select jsonb_build_object(
    'alert_id', a.id, 'kind', a.kind, 'severity', a.severity,
    'dedupe_key', a.dedupe_key, 'subject', jsonb_build_object('type', a.subject_type, 'id', a.subject_id),
    'title', a.title, 'text', a.body, 'link', a.link, 'occurred_at', a.occurred_at, 'attributes', a.attributes)
$$;

-- "Slack", "Microsoft Teams", … for German texts.
create function public.alert_channel_title(p_channel text)
returns text
language sql immutable set search_path = '' as $$
  select case p_channel when 'slack' then 'Slack' when 'teams' then 'Microsoft Teams' when 'telegram' then 'Telegram'
                        when 'email' then 'E-Mail' when 'webhook' then 'Webhook' else p_channel end
$$;

-- THE producer path. p_items: [{"kind", "severity", "dedupe_key", "subject_type", "subject_id", "title",
-- "text", "occurred_at", "attributes"}, …]. The kind must be in public.alert_kinds (otherwise nothing is
-- written and the call fails with 22023); severity and subject type are the catalogue's, the item's severity
-- counts only for a kind whose catalogue severity is null, and the link is the kind's route. Writes each new
-- alert, and one queue message listing them (outbox, sent after the commit): a storm from one statement is
-- one message, not one per alert. An alert whose dedupe key exists already is skipped. Returns the message id
-- (the first new alert's id; for a single alert its own), or nothing when every alert existed.
create function public.enqueue_alerts(p_queue text, p_items jsonb)
returns uuid[]
language plpgsql set search_path = '' as $$
declare
  ids uuid[];
  v_problem text;
begin
  select string_agg(distinct case when k.kind is null then format('unknown alert kind %L', x.kind)
                                  else format('alert kind %L needs a severity', x.kind) end, '; ')
  into v_problem
  from jsonb_to_recordset(coalesce(p_items, '[]'::jsonb)) as x(kind text, severity public.alert_severity)
  left join public.alert_kinds k on k.kind = x.kind
  where k.kind is null or coalesce(k.severity, x.severity) is null;
  if v_problem is not null then
    raise exception 'enqueue_alerts: %', v_problem using errcode = '22023',
      hint = 'The kinds and their severities are in public.alert_kinds (docs/alerts.md).';
  end if;

  with input as (
    select x.* from jsonb_to_recordset(coalesce(p_items, '[]'::jsonb)) as x(kind text, severity public.alert_severity,
      dedupe_key text, subject_type text, subject_id uuid, title text, text text, occurred_at timestamptz, attributes jsonb)
  ), created as (
    insert into public.alerts as a (id, kind, severity, dedupe_key, subject_type, subject_id, title, body, link, occurred_at, attributes)
    select gen_random_uuid(), i.kind, coalesce(k.severity, i.severity), i.dedupe_key, k.subject_type, i.subject_id, i.title, i.text,
           public.alert_link(i.kind, i.subject_id), i.occurred_at, coalesce(i.attributes, '{}'::jsonb)
    from input i
    join public.alert_kinds k on k.kind = i.kind
    on conflict (dedupe_key) do nothing
    returning a.*
  ), message as (
    select (array_agg(c.id order by c.occurred_at, c.id))[1] as id,
           jsonb_build_object('type', 'alerts', 'version', 2,
                              'alerts', jsonb_agg(public.alert_message(c::public.alerts) order by c.occurred_at, c.id)) as payload
    from created c
    having count(*) > 0
  ), queued as (
    insert into public.outbox_messages (id, queue, payload)
    select m.id, p_queue, m.payload from message m
    returning id
  )
  select coalesce(array_agg(id), '{}') into ids from queued;
  return ids;
end
$$;

-- Plans the deliveries of the alerts of one queue message to the enabled channels (p_channels), once
-- (unique per alert and channel: a message the queue delivers twice plans nothing new). Set-based over
-- the message's alerts. Returns when the earliest group that these alerts opened is due (the queue
-- function schedules a wake-up then), or null.
--   routed kinds: the alert_routes rows for (kind, severity); per alert and channel the most specific route.
--   incident_resolved, incident_reminder: exactly the channels that got the incident's alert.
--   incident_unacknowledged: the escalation channels of the routes that delivered the incident's alert.
--   delivery_failed: every other enabled channel.
-- Non-critical alerts wait for the end of the route's quiet hours; with a grouping window an alert joins
-- the open group of its kind on that channel (one that is due no later than its own window would end),
-- or opens one that is due when the window ends.
-- plan_cache_mode: its statements depend on the alert's kind and routes, not on the sizes behind the
-- parameters: a generic plan is as good as a custom one, and planning anew on every call cost most of its
-- time (bench/README.md).
create function public.plan_alert_deliveries(p_alerts uuid[], p_channels text[], p_at timestamptz)
returns timestamptz
language plpgsql set search_path = '' set plan_cache_mode = force_generic_plan as $$
declare
  wake timestamptz;
begin
  with a as (
    select al.*,
           -- Nothing to say any more: the incident resolved before its alert went out, or was
           -- acknowledged or resolved before a reminder or escalation went out.
           coalesce((i.status = 'resolved' and al.kind in ('incident_opened', 'incident_escalated'))
                    or (i.status <> 'open' and al.kind in ('incident_reminder', 'incident_unacknowledged')), false) as moot
    from public.alerts al
    left join public.incidents i on al.subject_type = 'incident' and i.id = al.subject_id
    where al.id = any(p_alerts)
  ), routed as (
    select distinct on (a.id, ch.channel) a.id as alert_id, ch.channel::text as channel, r.id as route_id, r.group_window, r.quiet_from, r.quiet_to
    from a
    join public.alert_routes r on r.enabled and (r.kind = a.kind or r.kind = '*') and a.severity >= r.min_severity
    cross join lateral unnest(r.channels) as ch(channel)
    where a.kind not in ('incident_resolved', 'incident_reminder', 'incident_unacknowledged', 'delivery_failed')
      and ch.channel = any(p_channels)
    order by a.id, ch.channel, (r.kind = a.kind) desc, r.min_severity desc, r.group_window, r.id
  ), followed as (
    select distinct on (a.id, d.channel) a.id as alert_id, d.channel::text as channel, d.route_id,
           coalesce(r.group_window, interval '0') as group_window, r.quiet_from, r.quiet_to
    from a
    join public.alerts o on o.subject_type = 'incident' and o.subject_id = a.subject_id and o.kind = 'incident_opened'
    join public.alert_deliveries d on d.alert_id = o.id and d.state in ('delivered', 'sending')
    left join public.alert_routes r on r.id = d.route_id
    where a.kind in ('incident_resolved', 'incident_reminder') and d.channel = any(p_channels)
    order by a.id, d.channel
  ), escalated as (
    select distinct on (a.id, ch.channel) a.id as alert_id, ch.channel::text as channel, r.id as route_id, interval '0' as group_window,
           null::time as quiet_from, null::time as quiet_to
    from a
    join public.alerts o on o.subject_type = 'incident' and o.subject_id = a.subject_id and o.kind = 'incident_opened'
    join public.alert_deliveries d on d.alert_id = o.id and d.state = 'delivered'
    join public.alert_routes r on r.id = d.route_id
    cross join lateral unnest(r.escalation_channels) as ch(channel)
    where a.kind = 'incident_unacknowledged' and ch.channel = any(p_channels)
    order by a.id, ch.channel, r.id
  ), failed as (
    select a.id as alert_id, ch.channel, null::bigint as route_id, interval '0' as group_window, null::time as quiet_from, null::time as quiet_to
    from a cross join lateral unnest(p_channels) as ch(channel)
    where a.kind = 'delivery_failed' and ch.channel <> coalesce(a.attributes ->> 'failed_channel', '')
  ), targets as (
    select * from routed union all select * from followed union all select * from escalated union all select * from failed
  ), timed as (
    select t.*, a.kind, a.moot,
           case when a.severity < 'critical' then public.alert_quiet_until(p_at, t.quiet_from, t.quiet_to) else p_at end as ready_at
    from targets t join a on a.id = t.alert_id
  ), grouped as (
    select t.*,
           case when t.group_window > interval '0' then (
             select min(d.due_at) from public.alert_deliveries d
             join public.alerts x on x.id = d.alert_id
             join public.alert_routes r on r.id = d.route_id
             where d.channel = t.channel and x.kind = t.kind and d.state = 'pending' and d.batch_id is null
               and d.due_at > t.ready_at and d.due_at <= t.ready_at + t.group_window and r.group_window > interval '0')
           end as join_due
    from timed t
  ), created as (
    insert into public.alert_deliveries (alert_id, channel, route_id, due_at, state, last_error)
    select g.alert_id, g.channel, g.route_id, coalesce(g.join_due, g.ready_at + g.group_window),
           case when g.moot then 'suppressed' else 'pending' end::public.alert_delivery_state,
           case when g.moot then 'Incident war schon übernommen oder behoben' end
    from grouped g
    on conflict (alert_id, channel) do nothing
    returning 1
  )
  select case when exists (select 1 from created)
              then (select min(g.ready_at + g.group_window) from grouped g
                    where not g.moot and g.join_due is null and g.ready_at + g.group_window > p_at) end
  into wake;

  -- Flap damping: an incident that resolves while its alert still waits (grouping window, quiet hours)
  -- sends nothing at all; "behoben" goes only where the alert went.
  update public.alert_deliveries d set state = 'suppressed', last_error = 'Incident vor dem Versand behoben'
  from public.alerts r, public.alerts o
  where r.id = any(p_alerts) and r.kind = 'incident_resolved'
    and o.subject_type = 'incident' and o.subject_id = r.subject_id and o.kind in ('incident_opened', 'incident_escalated', 'incident_reminder')
    and d.alert_id = o.id and d.state = 'pending';
  return wake;
end
$$;

-- Claims what is due on the enabled channels (pending and due, or "sending" for longer than
-- p_sending_timeout: the process died between the two log writes) and marks it "sending" before the
-- send. Due deliveries of a grouped route go out as one message per channel and kind (at most 50 alerts);
-- a retry keeps its batch id (the webhook's webhook-id), so a receiver can drop a repeat.
create function public.claim_alert_deliveries(p_at timestamptz, p_channels text[], p_sending_timeout interval, p_limit integer)
returns table (batch_id uuid, channel text, alert_id uuid, kind text, severity text, dedupe_key text, subject_type text,
               subject_id uuid, title text, body text, link text, occurred_at timestamptz, incident_open boolean)
language plpgsql set search_path = '' as $$
begin
  -- Reminders and escalations of an incident that was acknowledged or resolved meanwhile are not sent.
  update public.alert_deliveries d set state = 'suppressed', last_error = 'Incident inzwischen ' || i.status::text
  from public.alerts al
  join public.incidents i on i.id = al.subject_id
  where d.alert_id = al.id and d.state = 'pending' and d.due_at <= p_at and al.subject_type = 'incident'
    and ((al.kind in ('incident_reminder', 'incident_unacknowledged') and i.status <> 'open')
      or (al.kind in ('incident_opened', 'incident_escalated') and i.status = 'resolved'));

  return query
  with due as (
    select d.id, d.channel::text as channel, d.batch_id, al.kind, al.occurred_at,
           coalesce(r.group_window > interval '0', false) as grouped
    from public.alert_deliveries d
    join public.alerts al on al.id = d.alert_id
    left join public.alert_routes r on r.id = d.route_id
    where d.channel = any(p_channels)
      and ((d.state = 'pending' and d.due_at <= p_at) or (d.state = 'sending' and d.sending_since <= p_at - p_sending_timeout))
    order by d.due_at, d.id
    limit p_limit
    for update of d skip locked
  ), numbered as (
    select due.*, case when due.batch_id is null and due.grouped
                       then (row_number() over (partition by due.channel, due.kind order by due.occurred_at, due.id) - 1) / 50 end as chunk
    from due
  ), groups as (
    select n.channel, n.kind, n.chunk, gen_random_uuid() as new_batch
    from numbered n where n.chunk is not null group by n.channel, n.kind, n.chunk
  ), claimed as (
    update public.alert_deliveries d
    set state = 'sending', sending_since = p_at, attempts = d.attempts + 1,
        first_attempt_at = coalesce(d.first_attempt_at, p_at),
        batch_id = coalesce(n.batch_id, g.new_batch, gen_random_uuid())
    from numbered n
    left join groups g on g.channel = n.channel and g.kind = n.kind and g.chunk = n.chunk
    where d.id = n.id
    returning d.batch_id, d.channel::text as channel, d.alert_id
  )
  select c.batch_id, c.channel, al.id, al.kind, al.severity::text, al.dedupe_key, al.subject_type, al.subject_id,
         al.title, al.body, al.link, al.occurred_at, coalesce(i.status = 'open', false)
  from claimed c
  join public.alerts al on al.id = c.alert_id
  left join public.incidents i on al.subject_type = 'incident' and i.id = al.subject_id
  order by c.channel, c.batch_id, al.occurred_at, al.id;
end
$$;

-- Records how sent messages ended, set-based: per message (batch) its outcome, 'delivered', 'transient'
-- (next attempt scheduled here, after the retry-after or a back-off of 30 s, 1, 2, 4 … at most 15 minutes)
-- or 'permanent'. A delivery that fails for good (permanent, or transient past p_give_up since its first
-- attempt) is 'failed', and one "Zustellung fehlgeschlagen" alert per channel and Berlin day goes to the
-- other channels (never about a "Zustellung fehlgeschlagen" itself). Returns the message ids of such
-- alerts, to be sent after the commit.
create function public.finish_alert_batches(p_batches uuid[], p_outcomes text[], p_errors text[], p_retry_after_seconds double precision[],
  p_at timestamptz, p_give_up interval, p_queue text)
returns uuid[]
language plpgsql set search_path = '' as $$
declare
  ids uuid[];
  failures jsonb;
begin
  if exists (select 1 from unnest(p_outcomes) o where o is null or o not in ('delivered', 'transient', 'permanent')) then
    raise exception 'finish_alert_batches: outcomes must be delivered, transient or permanent' using errcode = '22023';
  end if;

  with outcome as (
    select * from unnest(p_batches, p_outcomes, p_errors, p_retry_after_seconds) as o(batch_id, outcome, error, retry_after_seconds)
  ), changed as (
    update public.alert_deliveries d
    set state = case when o.outcome = 'delivered' then 'delivered'
                     when o.outcome = 'permanent' or d.first_attempt_at <= p_at - p_give_up then 'failed'
                     else 'pending' end::public.alert_delivery_state,
        delivered_at = case when o.outcome = 'delivered' then p_at end,
        due_at = case when o.outcome = 'delivered' then d.due_at
                      else p_at + coalesce(make_interval(secs => o.retry_after_seconds),
                                           least(interval '15 minutes', interval '30 seconds' * power(2, least(greatest(d.attempts - 1, 0), 10)))) end,
        last_error = case when o.outcome = 'delivered' then null else left(coalesce(o.error, o.outcome), 500) end,
        sending_since = null
    from outcome o
    where d.batch_id = o.batch_id and d.state = 'sending'
    returning d.channel::text as channel, d.state, d.alert_id, o.outcome, o.error
  ), gave_up as (
    select c.channel, min(c.alert_id::text)::uuid as alert_id, count(*) as alerts,
           bool_or(c.outcome = 'permanent') as permanent, min(coalesce(c.error, c.outcome)) as error
    from changed c join public.alerts al on al.id = c.alert_id
    where c.state = 'failed' and al.kind <> 'delivery_failed'
    group by c.channel
  )
  select jsonb_agg(jsonb_build_object(
           'kind', 'delivery_failed', 'severity', 'warning',
           'dedupe_key', format('delivery_failed:%s:%s', g.channel, (p_at at time zone 'Europe/Berlin')::date),
           'subject_type', 'alert', 'subject_id', g.alert_id,
           'title', 'Zustellung fehlgeschlagen: ' || public.alert_channel_title(g.channel),
           'text', format('%s Alert(s) konnten über %s nicht zugestellt werden (%s). %s Weitere Fehler dieses Kanals heute stehen nur im Zustellprotokoll.',
                          g.alerts, public.alert_channel_title(g.channel), left(g.error, 120),
                          case when g.permanent then 'Bitte die Einstellungen des Kanals prüfen.'
                               else 'Der Kanal war zu lange nicht erreichbar.' end),
           'occurred_at', p_at,
           'attributes', jsonb_build_object('failed_channel', g.channel)))
  into failures
  from gave_up g;
  -- Almost always nothing failed for good: then no producer call at all.
  if failures is not null then
    ids := public.enqueue_alerts(p_queue, failures);
  end if;
  return coalesce(ids, '{}');
end
$$;

-- The minute timer's follow-ups for open, unacknowledged incidents whose alert was delivered:
-- a reminder on the channels that got it, every reminder_interval of its route, with how long it has
-- been open; and, for critical ones not acknowledged within escalate_after, one escalation to the
-- route's escalation channels. Idempotent by dedupe key (reminder number), safe to run concurrently.
create function public.alert_follow_ups(p_queue text, p_at timestamptz)
returns uuid[]
language sql set search_path = '' as $$
  with opened as (
    select i.id, i.severity, i.opened_at, c.title as class_title,
           min(d.delivered_at) as first_delivered,
           min(r.reminder_interval) as reminder_interval,
           min(r.escalate_after) filter (where cardinality(r.escalation_channels) > 0) as escalate_after
    from public.incidents i
    join public.error_classes c on c.key = i.error_class
    join public.alerts o on o.subject_type = 'incident' and o.subject_id = i.id and o.kind = 'incident_opened'
    join public.alert_deliveries d on d.alert_id = o.id and d.state = 'delivered'
    join public.alert_routes r on r.id = d.route_id
    where i.status = 'open'
    group by i.id, c.title
  ), reminders as (
    select jsonb_build_object(
             'kind', 'incident_reminder', 'severity', x.severity,
             'dedupe_key', format('incident:%s:reminder:%s', x.id, x.n),
             'subject_type', 'incident', 'subject_id', x.id,
             'title', 'Erinnerung: ' || x.class_title,
             'text', format('Seit %s offen und noch nicht übernommen: %s.', public.german_duration(p_at - x.opened_at), x.class_title),
             'occurred_at', p_at, 'attributes', jsonb_build_object('reminder', x.n)) as item
    from (select o.*, floor(extract(epoch from p_at - o.first_delivered) / extract(epoch from o.reminder_interval))::int as n
          from opened o where o.reminder_interval is not null) x
    where x.n >= 1
  ), escalations as (
    select jsonb_build_object(
             'kind', 'incident_unacknowledged', 'severity', 'critical',
             'dedupe_key', format('incident:%s:unacknowledged', o.id),
             'subject_type', 'incident', 'subject_id', o.id,
             'title', 'Eskalation: ' || o.class_title,
             'text', format('Kritisches Incident seit %s nicht übernommen: %s. Bitte sofort übernehmen.',
                            public.german_duration(p_at - o.opened_at), o.class_title),
             'occurred_at', p_at, 'attributes', '{}'::jsonb) as item
    from opened o
    where o.severity = 'critical' and o.escalate_after is not null and p_at >= o.first_delivered + o.escalate_after
  )
  select public.enqueue_alerts(p_queue, coalesce((select jsonb_agg(item) from (select item from reminders union all select item from escalations) s), '[]'::jsonb))
$$;

revoke all on function public.enqueue_alerts(text, jsonb), public.plan_alert_deliveries(uuid[], text[], timestamptz),
  public.claim_alert_deliveries(timestamptz, text[], interval, integer),
  public.finish_alert_batches(uuid[], text[], text[], double precision[], timestamptz, interval, text),
  public.alert_follow_ups(text, timestamptz), public.alert_message(public.alerts)
  from public, anon, authenticated;
grant execute on function public.enqueue_alerts(text, jsonb), public.plan_alert_deliveries(uuid[], text[], timestamptz),
  public.claim_alert_deliveries(timestamptz, text[], interval, integer),
  public.finish_alert_batches(uuid[], text[], text[], double precision[], timestamptz, interval, text),
  public.alert_follow_ups(text, timestamptz), public.alert_message(public.alerts)
  to leitstand_functions;

-- ---------------------------------------------------------------------------------------------
-- Row level security: the team reads alerts and the delivery log and changes the routes; the functions
-- write. anon gets nothing.
alter table public.alerts enable row level security;
alter table public.alert_routes enable row level security;
alter table public.alert_deliveries enable row level security;
alter table public.alert_kinds enable row level security;
revoke all on public.alerts, public.alert_routes, public.alert_deliveries, public.alert_kinds from anon;
revoke truncate, references, trigger on public.alerts, public.alert_routes, public.alert_deliveries, public.alert_kinds
  from authenticated, service_role;
-- the kinds change by migration only
revoke insert, update, delete on public.alerts, public.alert_deliveries, public.alert_kinds from authenticated;

create policy alerts_team on public.alerts for select to authenticated using ((select public.is_team_member()));
create policy alert_deliveries_team on public.alert_deliveries for select to authenticated using ((select public.is_team_member()));
create policy alert_kinds_team on public.alert_kinds for select to authenticated using ((select public.is_team_member()));
create policy alert_routes_team on public.alert_routes for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));

grant select, insert, delete on public.alerts to leitstand_functions;
grant select, insert, update on public.alert_deliveries to leitstand_functions;
grant select on public.alert_routes, public.alert_kinds to leitstand_functions;
create policy alerts_functions on public.alerts for all to leitstand_functions using (true) with check (true);
create policy alert_deliveries_functions on public.alert_deliveries for all to leitstand_functions using (true) with check (true);
create policy alert_routes_functions on public.alert_routes for select to leitstand_functions using (true);
create policy alert_kinds_functions on public.alert_kinds for select to leitstand_functions using (true);
