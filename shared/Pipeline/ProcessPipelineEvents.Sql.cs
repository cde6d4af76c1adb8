namespace Leitstand.Pipeline;

public sealed partial class ProcessPipelineEvents
{
    // The earliest open event per lead; events of a lead whose earlier event is still open wait.
    private const string ClaimSql = """
        select e.id, e.lead_id as leadid, e.to_stage::text as tostage
        from public.pipeline_events e
        where e.processed_at is null and e.attempts < @MaxAttempts
          and not exists (select 1 from public.pipeline_events p
                          where p.lead_id = e.lead_id and p.processed_at is null and p.attempts < @MaxAttempts and p.id < e.id)
        order by e.id
        limit @Limit
        for update skip locked
        """;

    // The state rules of a stage change (obsolete tasks, playbook tasks, agents, "Deal gewonnen", deletion
    // date) live in SQL: public.process_pipeline_events (supabase/schemas/pipeline.sql).
    // Returns the outbox message ids of the alerts, sent after the commit.
    private const string ProcessSql = """
        select public.process_pipeline_events(@Ids, @LostRetentionDays, @Queue,
                 @WonIds::bigint[], @Hashes::text[], @Prefixes::text[], @Sealed::bytea[])
        """;

    private const string MarkProcessedSql = """
        update public.pipeline_events set processed_at = now(), attempts = attempts + 1, last_error = null
        where id = any(@Ids)
        """;

    private const string MarkFailedSql = """
        update public.pipeline_events set attempts = attempts + 1, last_error = left(@Error, 500)
        where id = any(@Ids) and processed_at is null
        """;
}
