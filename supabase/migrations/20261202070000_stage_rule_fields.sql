-- The stage rules name what they refuse: the same checks and the same German messages as in
-- 20261125101000_pipeline_rules.sql, and each refusal now says which field it is about in the error's
-- COLUMN (and TABLE) fields (SQLSTATE 23514 as before). The status center's move endpoint
-- (POST /api/leads/{id}/stage) shows the reason at that field without reading the message text:
--   column stage        the move is not in public.lead_stage_transitions (or a new lead not in NEW)
--   column lost_reason  LOST without a reason
--   column call_at      CALL_BOOKED without the call's date and time
--   table deals         WON without an open (or won) deal
create or replace function public.enforce_lead_stage_rules() returns trigger
language plpgsql set search_path = '' as $$
declare
  allowed text;
begin
  if tg_op = 'INSERT' then
    if new.stage <> 'NEW' then
      raise exception 'Neue Leads beginnen in der Stufe NEW (nicht %). Die Stufe danach per Update ändern.', new.stage
        using errcode = 'check_violation', schema = 'public', table = 'leads', column = 'stage';
    end if;
    return new;
  end if;

  if new.stage is not distinct from old.stage then
    return new;
  end if;

  if not exists (select 1 from public.lead_stage_transitions t where t.from_stage = old.stage and t.to_stage = new.stage) then
    select string_agg(t.to_stage::text, ', ' order by t.to_stage) into allowed
    from public.lead_stage_transitions t where t.from_stage = old.stage;
    raise exception 'Stufenwechsel von % nach % ist nicht erlaubt.', old.stage, new.stage
      using errcode = 'check_violation',
            detail = format('Erlaubt ab %s: %s.', old.stage, coalesce(allowed, 'keine (Endstufe)')),
            hint = 'Die Regeln stehen in public.lead_stage_transitions und in docs/pipeline.md.',
            schema = 'public', table = 'leads', column = 'stage';
  end if;

  if new.stage = 'WON' and not exists (
       select 1 from public.deals d where d.lead_id = new.id and d.status in ('OPEN', 'WON')) then
    raise exception 'Für WON braucht der Lead einen Deal mit Paket (SETUP oder RETAINER) und Betrag in Cent (Tabelle deals).'
      using errcode = 'check_violation', schema = 'public', table = 'deals';
  end if;
  if new.stage = 'LOST' and coalesce(btrim(new.lost_reason), '') = '' then
    raise exception 'Für LOST bitte einen Grund in lost_reason angeben.'
      using errcode = 'check_violation', schema = 'public', table = 'leads', column = 'lost_reason';
  end if;
  if new.stage = 'CALL_BOOKED' and new.call_at is null then
    raise exception 'Für CALL_BOOKED bitte call_at (Datum und Uhrzeit des Calls) setzen.'
      using errcode = 'check_violation', schema = 'public', table = 'leads', column = 'call_at';
  end if;

  if old.stage = 'LOST' then
    new.lost_reason := null;
    new.delete_after := null;
  end if;
  return new;
end
$$;
