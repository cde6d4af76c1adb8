using System.Text.Json;
using Leitstand.Functions.Retention;
using Leitstand.Kpi;
using Leitstand.Retention;
using Leitstand.Tests.Fixtures;
using Leitstand.Tests.Kpi;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Retention;

/// <summary>
/// The daily retention (public.apply_retention, docs/datenschutz.md "Speicherdauer") on a database of its own and a
/// moved clock: for each rule the rows due are anonymised or deleted, the rows not yet due stay, and the run reports
/// and keeps its counts per rule. The KPI board's past weeks do not change.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ApplyRetentionTests(StackFixture stack) : KpiTestBase(stack)
{
    /// <summary>The day the retention runs in these tests.</summary>
    private static readonly DateTime RunAt = Local(2027, 6, 1, 5);

    private async Task<RetentionResult> RunAsync(DateTime at)
    {
        Clock.Set(at);
        return await Host.Services.GetRequiredService<ApplyRetention>().ExecuteAsync(CancellationToken.None);
    }

    private async Task<Guid> TouchpointAsync(Guid lead, DateTime at, string note = "Rückruf mit Frau Beispiel vereinbart") =>
        await ScalarAsync<Guid>("""
            insert into lead_touchpoints (lead_id, direction, channel, kind, note, occurred_at)
            values (@lead, 'OUTBOUND', 'email', 'email', @note, @at) returning id
            """, new { lead, at, note });

    private async Task<Guid> ColdProspectAsync(DateTime createdAt, string handle) =>
        await ScalarAsync<Guid>("""
            insert into leads (name, handle_channel, handle, contact_basis, created_at, stage_changed_at)
            values ('Nora Kalt', 'instagram', @handle, 'cold', @createdAt, @createdAt) returning id
            """, new { handle, createdAt });

    private Task<bool> ErasedAsync(Guid lead) =>
        ScalarAsync<bool>("""
            select erased_at is not null and name = 'Gelöscht' and email is null and phone is null and company is null
                   and handle is null and message is null and lost_reason is null
            from leads where id = @lead
            """, new { lead });

    private Task<bool> UntouchedAsync(Guid lead) =>
        ScalarAsync<bool>("select erased_at is null and name <> 'Gelöscht' from leads where id = @lead", new { lead });

    [Fact]
    public async Task Open_leads_are_anonymised_twelve_months_after_their_last_contact_and_newer_ones_stay()
    {
        var silent = await LeadAsync([At("NEW", Local(2026, 1, 5, 9)), At("CONTACTED", Local(2026, 2, 2, 9))], name: "Olaf Offen");
        await TouchpointAsync(silent, Local(2026, 5, 20, 9));
        await ExecuteAsync("""
            insert into tasks (lead_id, kind, title, details, due_at) values (@silent, 'follow_up', 'Nachfassen bei Olaf Offen', 'Olaf anrufen', @due)
            """, new { silent, due = Local(2026, 6, 1, 9) });
        var recentContact = await LeadAsync([At("NEW", Local(2026, 1, 5, 9)), At("CONTACTED", Local(2026, 2, 2, 9))], name: "Rita Rege");
        await TouchpointAsync(recentContact, Local(2026, 6, 10, 9));
        var recentMove = await LeadAsync([At("NEW", Local(2026, 1, 5, 9)), At("CONTACTED", Local(2026, 2, 2, 9)), At("REPLIED", Local(2026, 7, 1, 9))],
            name: "Ralf Antwort");

        var result = await RunAsync(RunAt);

        Assert.Equal(1, result.OpenLeads);
        Assert.True(await ErasedAsync(silent));
        Assert.Equal("CONTACTED", await ScalarAsync<string>("select stage::text from leads where id = @silent", new { silent }));
        Assert.Equal(0, await ScalarAsync<int>("select count(*) from lead_touchpoints where lead_id = @silent and note is not null", new { silent }));
        Assert.Equal(0, await ScalarAsync<int>("""
            select count(*) from tasks where lead_id = @silent
              and (status = 'OPEN' or details is not null or title <> 'Aufgabe zu einem gelöschten Lead')
            """, new { silent }));
        Assert.True(await ScalarAsync<int>("select count(*) from tasks where lead_id = @silent and cancel_reason = 'Aufbewahrungsfrist abgelaufen'", new { silent }) >= 1);
        Assert.True(await UntouchedAsync(recentContact));
        Assert.True(await UntouchedAsync(recentMove));
        Assert.Equal(1, await ScalarAsync<int>("select count(*) from lead_touchpoints where lead_id = @recentContact and note is not null", new { recentContact }));
    }

    [Fact]
    public async Task Never_contacted_cold_prospects_are_anonymised_after_three_months_and_contacted_ones_follow_the_twelve_months()
    {
        var forgotten = await ColdProspectAsync(Local(2027, 2, 1, 9), "nora.kalt");
        var fresh = await ColdProspectAsync(Local(2027, 4, 1, 9), "nora.frisch");
        var contacted = await ColdProspectAsync(Local(2027, 1, 4, 9), "nora.kontakt");
        await TouchpointAsync(contacted, Local(2027, 1, 5, 9));

        var result = await RunAsync(RunAt);

        Assert.Equal(1, result.UncontactedProspects);
        Assert.Equal(0, result.OpenLeads);
        Assert.True(await ErasedAsync(forgotten));
        Assert.True(await UntouchedAsync(fresh));
        Assert.True(await UntouchedAsync(contacted));
    }

    [Fact]
    public async Task Lost_leads_are_anonymised_past_their_deletion_date_and_the_others_stay()
    {
        var expired = await LeadAsync([At("NEW", Local(2026, 3, 2, 9)), At("CONTACTED", Local(2026, 3, 3, 9)), At("LOST", Local(2026, 3, 10, 9))],
            name: "Lars Verloren");
        var kept = await LeadAsync([At("NEW", Local(2026, 3, 2, 9)), At("CONTACTED", Local(2026, 3, 3, 9)), At("LOST", Local(2026, 3, 10, 9))],
            name: "Lotte Bleibt");
        await ExecuteAsync("update leads set delete_after = @past where id = @expired; update leads set delete_after = @future where id = @kept",
            new { expired, kept, past = RunAt.AddDays(-1), future = RunAt.AddDays(1) });

        var result = await RunAsync(RunAt);

        Assert.Equal(1, result.LostLeads);
        Assert.True(await ErasedAsync(expired));
        Assert.True(await UntouchedAsync(kept));
    }

    [Fact]
    public async Task Customers_are_anonymised_after_their_contract_ended_and_their_won_deals_stay_as_accounting_records()
    {
        var won = Local(2023, 1, 10, 9);
        Step[] path = [At("NEW", Local(2023, 1, 2, 9)), At("CONTACTED", Local(2023, 1, 3, 9)), At("REPLIED", Local(2023, 1, 4, 9)),
                       At("QUALIFIED", Local(2023, 1, 5, 9)), At("CALL_BOOKED", Local(2023, 1, 6, 9)), At("WON", won)];
        var ended = await LeadAsync(path, packages: ["SETUP", "RETAINER"], name: "Karl Kunde");
        var running = await LeadAsync(path, packages: ["SETUP", "RETAINER"], name: "Klara Laufend");
        var monitored = await LeadAsync(path, packages: ["SETUP"], name: "Konrad Agent");
        await ExecuteAsync("""
            update deals set ends_on = '2024-01-31' where lead_id = @ended and package = 'RETAINER';
            insert into agents (lead_id, name, key_hash, key_prefix, revoked_at)
              values (@ended, 'Karls Assistent', encode(sha256('ended'::bytea), 'hex'), 'lsa_ended1', '2024-02-01');
            insert into agents (lead_id, name, key_hash, key_prefix)
              values (@monitored, 'Konrads Assistent', encode(sha256('monitored'::bytea), 'hex'), 'lsa_monit1');
            insert into onboarding_answers (lead_id, template_version, answers) values (@ended, 1, '{"contact": {"name": "Karl Kunde"}}');
            """, new { ended, monitored });
        var dealsBefore = await ScalarAsync<string>("select string_agg(package || ':' || amount_cents || ':' || won_at, ',' order by package) from deals where lead_id = @ended", new { ended });

        var result = await RunAsync(RunAt);

        Assert.Equal(1, result.Customers);
        Assert.Equal(1, result.AgentNames);
        Assert.Equal(1, result.Onboarding);
        Assert.True(await ErasedAsync(ended));
        Assert.Equal(dealsBefore, await ScalarAsync<string>("select string_agg(package || ':' || amount_cents || ':' || won_at, ',' order by package) from deals where lead_id = @ended", new { ended }));
        Assert.Equal("Agent lsa_ended1", await ScalarAsync<string>("select name from agents where lead_id = @ended", new { ended }));
        Assert.Equal(0, await ScalarAsync<int>("select count(*) from onboarding_answers where lead_id = @ended", new { ended }));
        Assert.True(await UntouchedAsync(running));
        Assert.True(await UntouchedAsync(monitored));
        Assert.Equal("Konrads Assistent", await ScalarAsync<string>("select name from agents where lead_id = @monitored", new { monitored }));
    }

    [Fact]
    public async Task Operational_rows_past_their_period_are_deleted_and_newer_ones_stay()
    {
        // on the real clock: rows the host writes meanwhile are recent and stay
        var now = DateTime.UtcNow;
        var lead = await LeadAsync([At("NEW", now.AddDays(-2))], name: "Olga Betrieb");
        var old = now.AddDays(-400);
        var recent = now.AddHours(-1);
        await ExecuteAsync("""
            insert into agents (id, lead_id, name, key_hash, key_prefix)
              values ('ae000000-0000-4000-8000-0000000000aa', @lead, 'Agent', encode(sha256('ops'::bytea), 'hex'), 'lsa_ops001');
            insert into incidents (agent_id, error_class, severity, status, opened_at, last_seen_at, resolved_at) values
              ('ae000000-0000-4000-8000-0000000000aa', 'crash_loop', 'critical', 'resolved', @old, @old, @old),
              ('ae000000-0000-4000-8000-0000000000aa', 'crash_loop', 'critical', 'resolved', @recent, @recent, @recent);
            insert into outbox_messages (id, queue, payload, created_at, sent_at) values
              (gen_random_uuid(), 'retention-test', '{}', @old, @old), (gen_random_uuid(), 'retention-test', '{}', @recent, @recent);
            insert into outbox_messages (id, queue, payload, created_at, next_attempt_at) values
              (gen_random_uuid(), 'retention-test', '{}', @old, '2100-01-01');
            insert into alerts (id, kind, severity, dedupe_key, subject_type, title, body, link, occurred_at, created_at)
            select gen_random_uuid(), k.kind, 'info', 'retention-test:' || x.n, 'team', 'Test', 'Test', '#/', x.at, x.at
            from (select kind from alert_kinds order by kind limit 1) k, (values (1, @old), (2, @recent)) x(n, at);
            insert into incidents (id, agent_id, error_class, severity, status, opened_at, last_seen_at) values
              ('1c000000-0000-4000-8000-0000000000aa', 'ae000000-0000-4000-8000-0000000000aa', 'crash_loop', 'critical', 'open', @old, @old);
            insert into alerts (id, kind, severity, dedupe_key, subject_type, subject_id, title, body, link, occurred_at, created_at)
            select gen_random_uuid(), k.kind, 'critical', 'retention-test:open-incident', 'incident', '1c000000-0000-4000-8000-0000000000aa',
                   'Test', 'Test', '#/', @old, @old
            from (select kind from alert_kinds order by kind limit 1) k;
            insert into alert_deliveries (alert_id, channel, due_at, state, delivered_at)
            select id, 'email', created_at, 'delivered', created_at from alerts where dedupe_key like 'retention-test:%';
            insert into rate_limit_hits (bucket, window_start, hits) values ('lead-form:old', @old, 1), ('lead-form:new', @recent, 1);
            insert into agent_key_handovers (agent_id, key_ciphertext, expires_at) values ('ae000000-0000-4000-8000-0000000000aa', '\x00'::bytea, @old);
            """, new { lead, old, recent });

        var result = await RunAsync(now);

        Assert.Equal((1, 1, 1, 1, 1), (result.Incidents, result.Outbox, result.Alerts, result.RateLimits, result.KeyHandovers));
        Assert.Equal(2, await ScalarAsync<int>("select count(*) from incidents where error_class = 'crash_loop'"));   // the recent one and the open one
        Assert.Equal(2, await ScalarAsync<int>("select count(*) from outbox_messages where queue = 'retention-test'"));   // the recent one and the unsent one
        // the recent alert and the old one about the incident that is still open
        Assert.Equal(2, await ScalarAsync<int>("select count(*) from alerts where dedupe_key like 'retention-test:%'"));
        Assert.Equal(1, await ScalarAsync<int>("select count(*) from rate_limit_hits where bucket like 'lead-form:%'"));
        Assert.Equal(0, await ScalarAsync<int>("select count(*) from agent_key_handovers"));
        Assert.True(await UntouchedAsync(lead));
    }

    [Fact]
    public async Task A_run_is_kept_with_its_counts_and_a_second_run_finds_nothing_more()
    {
        var silent = await LeadAsync([At("NEW", Local(2026, 1, 5, 9)), At("CONTACTED", Local(2026, 1, 6, 9))], name: "Siggi Still");

        await ActivatorUtilities.CreateInstance<ApplyRetentionFunction>(Host.Services).Run(new TimerInfo(), CancellationToken.None);
        Clock.Set(RunAt);
        await ActivatorUtilities.CreateInstance<ApplyRetentionFunction>(Host.Services).Run(new TimerInfo(), CancellationToken.None);
        var again = await RunAsync(RunAt.AddDays(1));

        Assert.True(await ErasedAsync(silent));
        Assert.Equal(0, again.Leads);
        var runs = await ScalarAsync<string>("select json_agg(counts order by run_at)::text from retention_runs");
        using var doc = JsonDocument.Parse(runs);
        var counts = doc.RootElement.EnumerateArray().Select(r => r.GetProperty("open_leads").GetInt32()).ToArray();
        Assert.Equal([0, 1, 0], counts);
        Assert.Equal(12, await ScalarAsync<int>("select (periods ->> 'open_lead_months')::int from retention_runs order by run_at desc limit 1"));
        // no new task for an anonymised lead, whatever rule would pick it
        await ExecuteAsync("insert into tasks (lead_id, kind, title, due_at) values (@silent, 'stale', 'Nachfassen', now())", new { silent });
        Assert.Equal(0, await ScalarAsync<int>("select count(*) from tasks where lead_id = @silent and status = 'OPEN'", new { silent }));
    }

    [Fact]
    public async Task The_KPI_board_of_past_weeks_is_the_same_after_the_leads_are_anonymised()
    {
        await LeadAsync([At("NEW", Local(2026, 3, 2, 9)), At("CONTACTED", Local(2026, 3, 3, 9)), At("REPLIED", Local(2026, 3, 4, 10)),
                         At("QUALIFIED", Local(2026, 3, 5, 10)), At("CALL_BOOKED", Local(2026, 3, 5, 16)), At("WON", Local(2026, 3, 6, 10))],
            utmSource: "instagram", packages: ["SETUP"], name: "Paula Pfad");
        var lost = await LeadAsync([At("NEW", Local(2026, 3, 2, 9)), At("CONTACTED", Local(2026, 3, 3, 9)), At("LOST", Local(2026, 3, 4, 9))],
            lostReason: "kein_bedarf", name: "Quirin Weg");
        await LeadAsync([At("NEW", Local(2026, 3, 3, 8)), At("CONTACTED", Local(2026, 3, 4, 8))], utmSource: "linkedin", name: "Sven Still");
        await ExecuteAsync("update leads set delete_after = @at where id = @lost", new { lost, at = Local(2026, 4, 1, 0) });
        var week = "kind=week&start=2026-03-02";
        var month = "kind=month&start=2026-03-01";
        Clock.Set(Local(2026, 6, 1, 9));
        await Host.Services.GetRequiredService<KeepKpiFigures>().ExecuteAsync(CancellationToken.None, limit: 500);
        var keptBefore = await ScalarAsync<string>("select string_agg(kind || period_start || computed_at, ',' order by kind, period_start) from kpi_period_figures where period_start < '2026-06-01'");
        var weekBefore = (await BoardAsync(week, RunAt)).ToString();
        var monthBefore = (await BoardAsync(month, RunAt)).ToString();

        var result = await RunAsync(Local(2030, 1, 2, 5));

        Assert.Equal(3, result.Leads);
        Assert.Equal(0, await ScalarAsync<int>("select count(*) from leads where erased_at is null"));
        Assert.Equal(keptBefore, await ScalarAsync<string>("select string_agg(kind || period_start || computed_at, ',' order by kind, period_start) from kpi_period_figures where period_start < '2026-06-01'"));
        Assert.Equal(weekBefore, (await BoardAsync(week, RunAt)).ToString());
        Assert.Equal(monthBefore, (await BoardAsync(month, RunAt)).ToString());
    }
}
