-- KPI board benchmark data (bench/kpi.sh): :weeks weeks of :per_week new leads a week up to :'end' (five years at
-- 1,000 a week: about 260,000 leads), each with the stage history the pipeline would have written: contacted,
-- replied, qualified, call booked (some straight from NEW, some back to QUALIFIED and booked again), won or lost
-- with a reason, a few reopened (LOST → NEW → CONTACTED); touchpoints (the form submission and the first
-- contact), Setup deals from the booked call (won, lost or still open) and Retainers for half of the won, a
-- third of them ended. Everything after :'end' has not happened yet, so the recent weeks are still open.
-- Names, companies, e-mails, phones and handles to search (bench/leads.sh): see kn below.
-- Triggers are off while loading (replica), so every row is written here, set-based.
\set ON_ERROR_STOP on
set session_replication_role = replica;
select setseed(0.48);

create temp table k as
with base as (
  select i, (:'end'::timestamptz - (:weeks * interval '7 days')) + (i - 1) * (interval '7 days' / :per_week) as created_at,
         random() as r1, random() as r2, random() as r3, random() as r4, random() as r5, random() as r6, random() as r7, random() as r8
  from generate_series(1, :weeks * :per_week) i
), paths as (
  select b.*,
         -- how far the lead gets: 0 NEW, 1 CONTACTED, 2 REPLIED, 3 QUALIFIED, 4 CALL_BOOKED, 5 WON
         case when r1 < 0.10 then 0 when r1 < 0.55 then 1 when r1 < 0.80 then 2 when r1 < 0.88 then 3 when r1 < 0.94 then 4 else 5 end as reach,
         r3 < 0.2 as direct_call,
         r4 < 0.1 as went_back,
         created_at + (1 + r6 * 47) * interval '1 hour' as t1
  from base b
), timed as (
  select p.*, p.reach >= 4 and p.direct_call as direct,
         p.t1 + (1 + p.r7 * 4) * interval '1 day' as t2,
         p.t1 + (1 + p.r7 * 4) * interval '1 day' + (1 + p.r2 * 2) * interval '1 day' as t3,
         p.t1 + (1 + p.r7 * 4) * interval '1 day' + (1 + p.r2 * 2) * interval '1 day' + (1 + p.r5 * 3) * interval '1 day' as t4
  from paths p
)
select gen_random_uuid() as id, t.*,
       case when t.direct then t.t1 else t.t4 end as t_call,
       (case when t.reach = 0 then t.created_at when t.reach = 1 then t.t1 when t.reach = 2 then t.t2 when t.reach = 3 then t.t3
             when t.direct then t.t1 else t.t4 end
        + case when t.reach >= 4 and t.went_back then interval '3 days' else interval '0' end
        + (1 + t.r8 * 6) * interval '1 day') as t_decided,
       -- NEW: 60 % lost; CONTACTED … CALL_BOOKED: 80 % lost, the others stay where they are, except that a
       -- booked call is decided (the team closes its open deals): lost unless it is recent; reach 5: won
       case when t.reach = 5 then 'WON' when t.reach = 0 and t.r5 < 0.6 then 'LOST' when t.reach between 1 and 3 and t.r6 < 0.8 then 'LOST'
            when t.reach = 4 then 'LOST' end as decision,
       t.r7 < 0.03 as reopened,
       (array['instagram', 'linkedin', 'google', 'newsletter', null])[1 + floor(t.r8 * 5)::int] as utm_source,
       (array['preis', 'kein_kontakt', 'keine_zeit', 'kein_bedarf', 'wettbewerber'])[1 + floor(t.r2 * 5)::int] as lost_reason
from timed t;

create temp table kh as
select k.id, s.n, s.from_stage::public.lead_stage as from_stage, s.to_stage::public.lead_stage as to_stage, s.at,
       case when s.to_stage = 'LOST' then k.lost_reason end as lost_reason
from k cross join lateral (values
  (1, null, 'NEW', k.created_at),
  (2, 'NEW', case when k.direct then 'CALL_BOOKED' else 'CONTACTED' end, case when k.reach >= 1 then k.t1 end),
  (3, 'CONTACTED', 'REPLIED', case when k.reach >= 2 and not k.direct then k.t2 end),
  (4, 'REPLIED', 'QUALIFIED', case when k.reach >= 3 and not k.direct then k.t3 end),
  (5, 'QUALIFIED', 'CALL_BOOKED', case when k.reach >= 4 and not k.direct then k.t4 end),
  (6, 'CALL_BOOKED', 'QUALIFIED', case when k.reach >= 4 and k.went_back then k.t_call + interval '1 day' end),
  (7, 'QUALIFIED', 'CALL_BOOKED', case when k.reach >= 4 and k.went_back then k.t_call + interval '3 days' end),
  (8, case k.reach when 0 then 'NEW' when 1 then 'CONTACTED' when 2 then 'REPLIED' when 3 then 'QUALIFIED' else 'CALL_BOOKED' end,
      k.decision, case when k.decision is not null then k.t_decided end),
  (9, 'LOST', 'NEW', case when k.decision = 'LOST' and k.reopened then k.t_decided + interval '30 days' end),
  (10, 'NEW', 'CONTACTED', case when k.decision = 'LOST' and k.reopened then k.t_decided + interval '31 days' end)
) s(n, from_stage, to_stage, at)
where s.at is not null and s.at < :'end';

create temp table kl as
select distinct on (h.id) h.id, h.to_stage as stage, h.at as stage_changed_at, h.lost_reason
from kh h order by h.id, h.n desc;

-- Contact data to search (bench/leads.sh): German first names and surnames with umlauts (Nora Brändl, Jörg
-- Köhler), companies from a surname or a place and a trade, e-mail addresses as people write them (umlauts as
-- ae/oe/ue), a phone number for about half and an Instagram, LinkedIn or X handle for about 40 %. Chosen by a
-- hash of the lead's number, not random(), so the KPI data above stay as they were.
create temp table kn as
with h as (
  select k.i, k.id, (hashint4(k.i) & 2147483647) as h1, (hashint4(k.i + 1000003) & 2147483647) as h2,
         (hashint4(k.i + 2000003) & 2147483647) as h3
  from k
), pick as (
  select h.*,
         (array['Anna', 'Lena', 'Nora', 'Jonas', 'Lukas', 'Marie', 'Sophie', 'Felix', 'Paul', 'Emma', 'Mia', 'Hannah',
                'Leon', 'Finn', 'Jörg', 'Jürgen', 'Björn', 'Sören', 'Günther', 'Käthe', 'Thomas', 'Stefan', 'Sabine',
                'Claudia', 'Michael', 'Andreas', 'Katrin', 'Julia', 'Laura', 'Tim', 'Jan', 'Max', 'Clara', 'Ida',
                'Matthias', 'Martina', 'Ursula', 'Dieter', 'Ömer', 'Zoë', 'Élodie', 'René', 'Aylin', 'Deniz', 'Carla',
                'Greta', 'Frieda', 'Moritz', 'Niklas', 'Tobias', 'Birgit', 'Petra', 'Heike', 'Uwe', 'Kai', 'Ole',
                'Malte', 'Henrike', 'Wiebke', 'Mats'])[1 + h.h1 % 60] as first,
         (array['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann',
                'Schäfer', 'Koch', 'Bauer', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann',
                'Braun', 'Krüger', 'Hofmann', 'Hartmann', 'Lange', 'Schmitt', 'Werner', 'Schmitz', 'Krause', 'Meier',
                'Lehmann', 'Köhler', 'Jäger', 'Böhm', 'Groß', 'Weiß', 'Brändl', 'Gärtner', 'Hüttner', 'Löffler',
                'Märkl', 'Nüßlein', 'Özdemir', 'Yılmaz', 'Kaya', 'Şahin', 'Vogt', 'Engel', 'Haas', 'Kühn',
                'Pohl', 'Sauer', 'Seidel', 'Brandt', 'Brenner', 'Franke', 'Dietrich', 'Kraus', 'Kuhn', 'Frank',
                'Berger', 'Winkler', 'Roth', 'Beck', 'Lorenz', 'Baumann', 'Albrecht', 'Simon', 'Ludwig', 'Böttcher',
                'Reuß', 'Thüm', 'Straßer', 'Oßwald', 'Blümel', 'Mählmann', 'Dörr', 'Förster', 'Grün', 'Lübke'])[1 + h.h2 % 80] as last,
         (array['gmx.de', 'web.de', 't-online.de', 'gmail.com', 'posteo.de', 'outlook.de', 'icloud.com', 'mail.de'])[1 + h.h3 % 8] as domain
  from h
), named as (
  select p.*,
         translate(replace(replace(replace(replace(lower(p.first), 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'ß', 'ss'), 'éèëış', 'eeeis') as first_ascii,
         translate(replace(replace(replace(replace(lower(p.last), 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'ß', 'ss'), 'éèëış', 'eeeis') as last_ascii
  from pick p
)
select n.id, n.i, n.first || ' ' || n.last as name,
       case n.h3 / 8 % 10
         when 0 then null
         when 1 then n.last || ' GmbH'
         when 2 then 'Praxis Dr. ' || n.last
         when 3 then 'Studio ' || n.first
         else (array['Bäckerei', 'Café', 'Friseursalon', 'Physiotherapie', 'Kanzlei', 'Autohaus', 'Blumen', 'Zahnarztpraxis',
                     'Malerbetrieb', 'Elektro', 'Tischlerei', 'Fahrschule', 'Immobilien', 'Steuerberatung', 'Yoga', 'Hofladen'])[1 + n.h1 / 60 % 16]
              || ' ' || (array[n.last, 'am Markt', 'Süd', 'Nordstadt', 'Großmann', 'Lüneburg', 'München', 'Köln', 'Würzburg',
                               'Görlitz', 'Düsseldorf', 'Fürth', 'Bremen', 'Leipzig', 'Kiel', n.last || ' & Söhne'])[1 + n.h2 / 80 % 16]
              || case when n.h3 / 80 % 3 = 0 then ' GmbH' when n.h3 / 80 % 3 = 1 then ' e.K.' else '' end
       end as company,
       case when n.h3 / 800 % 10 < 8 then
         case n.h1 / 960 % 3 when 0 then n.first_ascii || '.' || n.last_ascii when 1 then left(n.first_ascii, 1) || '.' || n.last_ascii
                              else n.first_ascii || n.last_ascii end
         || '.' || n.i || '@' || n.domain end as email,
       case when n.h2 / 1280 % 2 = 0 then '+49 ' || (150 + n.h3 % 30) || ' ' || lpad((n.h1 % 10000000)::text, 7, '0') end as phone,
       case when n.h3 / 800 % 10 >= 6 then (array['instagram', 'linkedin', 'x'])[1 + n.h2 / 2560 % 3] end as handle_channel,
       case when n.h3 / 800 % 10 >= 6 then
         case n.h1 / 2880 % 3 when 0 then n.first_ascii || n.last_ascii when 1 then n.first_ascii || '.' || n.last_ascii
                               else n.last_ascii || '_' || n.first_ascii end || '_' || n.i end as handle
from named n;

insert into public.leads (id, name, email, company, phone, handle_channel, handle, stage, stage_changed_at, call_at, source, utm_source,
                          utm_medium, contact_basis, consent_at, consent_text_version, consent_source, lost_reason_code, created_at, updated_at)
select k.id, n.name, n.email, n.company, n.phone, n.handle_channel, n.handle, l.stage, l.stage_changed_at,
       case when l.stage = 'CALL_BOOKED' then k.t_call + interval '2 days' end, 'bench', k.utm_source,
       case when k.utm_source is not null then 'social' end, 'form',
       k.created_at, '2026-11-25', 'landing-page:/', l.lost_reason, k.created_at, l.stage_changed_at
from k join kl l on l.id = k.id join kn n on n.id = k.id
order by k.created_at;   -- written in the order they came in, as in production

insert into public.lead_stage_history (lead_id, from_stage, to_stage, changed_at, changed_by, lost_reason_code)
select id, from_stage, to_stage, at, 'bench', lost_reason from kh order by at;

insert into public.lead_touchpoints (lead_id, direction, channel, kind, occurred_at, created_by)
select id, 'INBOUND'::public.touchpoint_direction, 'landing_page', 'form_submission', created_at, 'bench' from k
union all
select id, 'OUTBOUND', 'email', 'email', t1, 'bench' from k where reach >= 1 and t1 < :'end'
order by 5;

-- The Setup deal from the booked call: won, lost with the lead, or still open.
insert into public.deals (lead_id, package, amount_cents, status, won_at, created_at, updated_at)
select k.id, 'SETUP', 149000,
       case when l.stage = 'WON' then 'WON' when l.stage in ('LOST', 'NEW', 'CONTACTED') then 'LOST' else 'OPEN' end::public.deal_status,
       case when l.stage = 'WON' then k.t_decided end, k.t_call, k.t_call
from k join kl l on l.id = k.id
where k.reach >= 4 and k.t_call < :'end'
order by k.t_call;
-- Half of the won take the Retainer from the day they were won; a third of those ended it after 2–12 months.
insert into public.deals (lead_id, package, amount_cents, status, won_at, starts_on, ends_on, created_at, updated_at)
select k.id, 'RETAINER', 14900, 'WON', k.t_decided, (k.t_decided at time zone 'Europe/Berlin')::date,
       case when k.r6 < 0.33 then ((k.t_decided at time zone 'Europe/Berlin')::date + (60 + floor(k.r5 * 300))::int) end,
       k.t_call, k.t_call
from k join kl l on l.id = k.id
where l.stage = 'WON' and k.r3 >= 0.5
order by k.t_call;

set session_replication_role = origin;
-- the stays and totals the history trigger would have written
select public.recompute_stage_stays();
vacuum analyze public.leads, public.lead_stage_history, public.lead_touchpoints, public.deals;
select (select count(*) from public.leads) as leads, (select count(*) from public.lead_stage_history) as history,
       (select count(*) from public.lead_touchpoints) as touchpoints, (select count(*) from public.deals) as deals;
