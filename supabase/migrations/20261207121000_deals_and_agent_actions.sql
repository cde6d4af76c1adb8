-- The lead workbench (issue 18), deals and agent actions: a deal from a package (price from the package, another
-- amount with a reason, the retainer's start), corrections that keep their history (public.deal_history, written
-- by trigger for every writer), and "Gewonnen" with its deal in one step (public.create_deal in the same
-- transaction as the move). The agent actions (pause, snooze, maintenance windows) use what the monitoring schema
-- already has. Deals that exist already have no history rows: their history starts with their next change.

alter table public.deals
  add column price_reason text check (char_length(price_reason) between 1 and 300);

-- ---------------------------------------------------------------------------------------------
-- A deal's history: its creation and every correction (amount, package, start, status; also the status the stage
-- rules set), who (the Supabase user id, else the database role), when, the values before and after (only the
-- fields that changed) and why. Written by the triggers below for every writer, one statement per statement.
create table public.deal_history (
  id bigint generated always as identity primary key,
  deal_id uuid not null references public.deals (id) on delete cascade,
  changed_at timestamptz not null default now(),
  changed_by text not null,
  change text not null check (change in ('created', 'corrected')),
  old_values jsonb,
  new_values jsonb not null,
  reason text check (char_length(reason) <= 300)
);
create index deal_history_deal_idx on public.deal_history (deal_id, id);

-- The reason comes from public.correct_deal (setting leitstand.deal_change_reason, transaction-local); a new
-- amount without one names its price_reason.
create function public.record_deal_history() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_actor text := coalesce((select auth.uid())::text, session_user);
  v_reason text := nullif(current_setting('leitstand.deal_change_reason', true), '');
begin
  if tg_op = 'INSERT' then
    insert into public.deal_history (deal_id, changed_by, change, old_values, new_values, reason)
    select n.id, v_actor, 'created', null,
           to_jsonb(n) - 'id' - 'lead_id' - 'created_at' - 'updated_at' - 'currency', coalesce(v_reason, n.price_reason)
    from new_deals n;
  else
    insert into public.deal_history (deal_id, changed_by, change, old_values, new_values, reason)
    select n.id, v_actor, 'corrected', c.old_values, c.new_values,
           coalesce(v_reason, case when c.new_values ? 'amount_cents' then n.price_reason end)
    from new_deals n
    join old_deals o on o.id = n.id
    cross join lateral (
      select jsonb_object_agg(ov.key, ov.value) as old_values, jsonb_object_agg(ov.key, nv.value) as new_values
      from jsonb_each(to_jsonb(o)) ov
      join jsonb_each(to_jsonb(n)) nv on nv.key = ov.key
      where ov.key not in ('updated_at', 'created_at') and ov.value is distinct from nv.value
    ) c
    where c.new_values is not null;
  end if;
  return null;
end
$$;
revoke all on function public.record_deal_history() from public, anon, authenticated;
create trigger deals_history_insert after insert on public.deals
  referencing new table as new_deals
  for each statement execute function public.record_deal_history();
create trigger deals_history_update after update on public.deals
  referencing old table as old_deals new table as new_deals
  for each statement execute function public.record_deal_history();

-- A deal from a package, in the caller's transaction (POST /api/leads/{id}/deals, and "Gewonnen" with its deal in
-- POST /api/leads/{id}/stage). The price is the package's; another amount needs a price_reason. A start date
-- only for a monthly package (the retainer). p_won: recorded as won now. Refusals name their field in the error's
-- COLUMN (SQLSTATE 23514): stage (table leads: the lead is LOST), package, price_reason, starts_on (table deals).
-- Returns no row when the lead does not exist.
create function public.create_deal(p_lead uuid, p_package text, p_amount_cents integer, p_price_reason text,
                                   p_starts_on date, p_won boolean default false)
returns table (deal_id uuid)
language plpgsql set search_path = '' as $$
declare
  v_stage public.lead_stage;
  v_package public.packages;
  v_amount integer;
  v_reason text := nullif(btrim(p_price_reason), '');
begin
  select l.stage into v_stage from public.leads l where l.id = p_lead for update;
  if not found then
    return;
  end if;
  if v_stage = 'LOST' then
    raise exception 'Der Lead ist verloren: Für ihn kann kein Deal angelegt werden. Bitte ihn zuerst wiedereröffnen.'
      using errcode = 'check_violation', schema = 'public', table = 'leads', column = 'stage';
  end if;
  select * into v_package from public.packages p where p.key::text = upper(btrim(p_package)) and p.active;
  if not found then
    raise exception 'Unbekanntes Paket „%“. Erlaubt: %.', p_package,
      (select string_agg(p.key::text, ', ' order by p.position) from public.packages p where p.active)
      using errcode = 'check_violation', schema = 'public', table = 'deals', column = 'package';
  end if;
  v_amount := coalesce(p_amount_cents, v_package.price_cents);
  if v_amount <> v_package.price_cents and v_reason is null then
    raise exception 'Der Betrag weicht vom Paketpreis (%) ab: Bitte den Grund angeben.', public.german_euros(v_package.price_cents)
      using errcode = 'check_violation', schema = 'public', table = 'deals', column = 'price_reason';
  end if;
  if p_starts_on is not null and v_package.kind <> 'monthly' then
    raise exception 'Ein Startdatum gibt es nur für ein monatliches Paket (Retainer).'
      using errcode = 'check_violation', schema = 'public', table = 'deals', column = 'starts_on';
  end if;

  return query
  insert into public.deals (lead_id, package, amount_cents, status, won_at, starts_on, price_reason)
  values (p_lead, v_package.key, v_amount, case when p_won then 'WON' else 'OPEN' end::public.deal_status,
          case when p_won then now() end, p_starts_on, case when v_amount <> v_package.price_cents then v_reason end)
  returning id;
end
$$;
revoke all on function public.create_deal(uuid, text, integer, text, date, boolean) from public, anon;
grant execute on function public.create_deal(uuid, text, integer, text, date, boolean) to authenticated, leitstand_functions;

-- A correction of a deal (PATCH /api/deals/{id}): p_changes holds the fields to change (package, amount_cents,
-- price_reason, starts_on, status; a field given as null clears starts_on), p_reason why (in the history). A new
-- package without an amount takes its price; an amount other than the package's price needs a price_reason in
-- the same correction (back to the price clears it). A lead in WON keeps a won deal, a LOST lead's deal stays
-- LOST. Compare-and-set on the status read under the row lock. Refusals as in public.create_deal (COLUMN:
-- package, price_reason, starts_on, status). Returns no row when the deal does not exist.
create function public.correct_deal(p_deal uuid, p_changes jsonb, p_reason text)
returns table (deal_id uuid)
language plpgsql set search_path = '' as $$
declare
  v_deal public.deals;
  v_stage public.lead_stage;
  v_package public.packages;
  v_amount integer;
  v_price_reason text := nullif(btrim(p_changes ->> 'price_reason'), '');
  v_starts_on date;
  v_status public.deal_status;
begin
  select d.* into v_deal from public.deals d where d.id = p_deal for update;
  if not found then
    return;
  end if;
  select l.stage into v_stage from public.leads l where l.id = v_deal.lead_id;

  select * into v_package from public.packages p
  where p.key::text = coalesce(upper(btrim(p_changes ->> 'package')), v_deal.package::text)
    and (p.active or p.key = v_deal.package);
  if not found then
    raise exception 'Unbekanntes Paket „%“. Erlaubt: %.', p_changes ->> 'package',
      (select string_agg(p.key::text, ', ' order by p.position) from public.packages p where p.active)
      using errcode = 'check_violation', schema = 'public', table = 'deals', column = 'package';
  end if;

  v_amount := case when p_changes ? 'amount_cents' then (p_changes ->> 'amount_cents')::integer
                   when v_package.key <> v_deal.package then v_package.price_cents
                   else v_deal.amount_cents end;
  if v_amount = v_package.price_cents then
    v_price_reason := null;
  elsif v_amount <> v_deal.amount_cents or v_package.key <> v_deal.package then
    if v_price_reason is null then
      raise exception 'Der Betrag weicht vom Paketpreis (%) ab: Bitte den Grund angeben.', public.german_euros(v_package.price_cents)
        using errcode = 'check_violation', schema = 'public', table = 'deals', column = 'price_reason';
    end if;
  else
    v_price_reason := coalesce(v_price_reason, v_deal.price_reason);
  end if;

  v_starts_on := case when p_changes ? 'starts_on' then (p_changes ->> 'starts_on')::date else v_deal.starts_on end;
  if v_package.kind <> 'monthly' then
    if p_changes ? 'starts_on' and v_starts_on is not null then
      raise exception 'Ein Startdatum gibt es nur für ein monatliches Paket (Retainer).'
        using errcode = 'check_violation', schema = 'public', table = 'deals', column = 'starts_on';
    end if;
    v_starts_on := null;
  end if;
  if v_starts_on is not null and v_deal.ends_on is not null and v_starts_on > v_deal.ends_on then
    raise exception 'Der Start liegt nach dem Ende des Retainers (%).', to_char(v_deal.ends_on, 'DD.MM.YYYY')
      using errcode = 'check_violation', schema = 'public', table = 'deals', column = 'starts_on';
  end if;

  v_status := coalesce((p_changes ->> 'status')::public.deal_status, v_deal.status);
  if v_status <> v_deal.status then
    if v_stage = 'LOST' then
      raise exception 'Der Lead ist verloren: Sein Deal bleibt „verloren“. Bitte den Lead zuerst wiedereröffnen.'
        using errcode = 'check_violation', schema = 'public', table = 'deals', column = 'status';
    end if;
    if v_stage = 'WON' and v_deal.status = 'WON' and not exists (
         select 1 from public.deals d where d.lead_id = v_deal.lead_id and d.status = 'WON' and d.id <> v_deal.id) then
      raise exception 'Der Lead ist gewonnen und braucht einen gewonnenen Deal: Dies ist sein einziger.'
        using errcode = 'check_violation', schema = 'public', table = 'deals', column = 'status';
    end if;
  end if;

  perform set_config('leitstand.deal_change_reason', coalesce(nullif(btrim(p_reason), ''), ''), true);
  return query
  update public.deals d
  set package = v_package.key, amount_cents = v_amount, price_reason = v_price_reason, starts_on = v_starts_on,
      status = v_status,
      won_at = case when v_status = 'WON' then coalesce(d.won_at, now()) end,
      updated_at = now()
  where d.id = p_deal and d.status = v_deal.status
  returning d.id;
  perform set_config('leitstand.deal_change_reason', '', true);
end
$$;
revoke all on function public.correct_deal(uuid, jsonb, text) from public, anon;
grant execute on function public.correct_deal(uuid, jsonb, text) to authenticated, leitstand_functions;

alter table public.deal_history enable row level security;
revoke all on public.deal_history from anon;
revoke truncate, references, trigger on public.deal_history from authenticated, service_role;
-- written by the triggers only: the history is not edited
revoke insert, update, delete on public.deal_history from authenticated;
create policy deal_history_team on public.deal_history for select to authenticated using ((select public.is_team_member()));
grant select on public.deal_history to leitstand_functions;
create policy deal_history_functions on public.deal_history for select to leitstand_functions using (true);
