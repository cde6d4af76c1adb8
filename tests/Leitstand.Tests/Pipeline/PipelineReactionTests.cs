using System.Text.Json;
using Dapper;
using Leitstand.Pipeline;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Pipeline;

/// <summary>What each stage change sets in motion once its event is processed.</summary>
[Collection(StackCollection.Name)]
public sealed class PipelineReactionTests(StackFixture stack) : IAsyncLifetime
{
    private RunningHost _host = null!;

    public async Task InitializeAsync() => _host = await RunningHost.StartAsync(stack);
    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<int> ProcessAsync() => _host.Services.GetRequiredService<ProcessPipelineEvents>().ExecuteAsync(CancellationToken.None);

    private Task<int> CountAsync(string sql, object param) => Crm.ScalarAsync<int>(stack.Admin, sql, param);

    private Task<int> StepsAsync(string playbook) => CountAsync("select count(*) from playbook_steps where playbook_key = @playbook", new { playbook });

    [Fact]
    public async Task Contacted_schedules_the_follow_up_sequence_from_the_template()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "CONTACTED", name: "Anna Beispiel");

        await ProcessAsync();

        await using var connection = await stack.Admin.OpenConnectionAsync();
        // Days after the first contact, before the weekend rule moves a Saturday or Sunday to Monday.
        var tasks = (await connection.QueryAsync<(string Title, string Details, double Days, bool OnWeekday)>("""
            select public.task_text(t.title, l.name, l.company, l.handle), public.task_text(t.details, l.name, l.company, l.handle),
                   extract(epoch from s.due_after) / 86400, t.due_at = public.weekend_to_monday(e.occurred_at + s.due_after)
            from tasks t join leads l on l.id = t.lead_id join pipeline_events e on e.id = t.source_event_id
            join playbook_steps s on s.playbook_key = t.playbook_key and s.step = t.playbook_step
            where t.lead_id = @lead and t.playbook_key = 'followup_sequence' and t.status = 'OPEN' order by t.playbook_step
            """, new { lead })).ToList();
        Assert.Equal(await StepsAsync("followup_sequence"), tasks.Count);
        Assert.Equal([2.0, 5.0, 10.0], tasks.Select(t => Math.Round(t.Days, 3)));
        Assert.All(tasks, t => Assert.True(t.OnWeekday));
        // read with the lead's name filled in (stored with the placeholders)
        Assert.All(tasks, t => Assert.Contains("Anna Beispiel", t.Title));
        Assert.All(tasks, t => Assert.DoesNotContain("{", t.Title + t.Details));
    }

    [Fact]
    public async Task Replied_stops_the_follow_ups_and_asks_for_qualification()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "CONTACTED");
        await ProcessAsync();
        await using (var connection = await stack.Admin.OpenConnectionAsync())
            await Crm.MoveAsync(connection, lead, "REPLIED");

        await ProcessAsync();

        Assert.Equal(0, await CountAsync("select count(*) from tasks where lead_id = @lead and playbook_key = 'followup_sequence' and status = 'OPEN'", new { lead }));
        Assert.Equal(await StepsAsync("followup_sequence"), await CountAsync(
            "select count(*) from tasks where lead_id = @lead and playbook_key = 'followup_sequence' and status = 'CANCELLED' and cancel_reason like '%REPLIED%'", new { lead }));
        Assert.Equal(1, await CountAsync("select count(*) from tasks where lead_id = @lead and playbook_key = 'qualification' and status = 'OPEN' and title like 'Qualifizieren%'", new { lead }));
    }

    [Fact]
    public async Task Qualified_asks_to_book_the_call_and_call_booked_prepares_it_before_the_call()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "QUALIFIED");
        await ProcessAsync();
        Assert.Equal(1, await CountAsync("select count(*) from tasks where lead_id = @lead and playbook_key = 'book_call' and status = 'OPEN' and title like 'Call%buchen'", new { lead }));

        var callAt = DateTime.UtcNow.AddDays(3);
        await using (var connection = await stack.Admin.OpenConnectionAsync())
            await connection.ExecuteAsync("update leads set call_at = @callAt, stage = 'CALL_BOOKED' where id = @lead", new { lead, callAt });
        await ProcessAsync();

        Assert.Equal(0, await CountAsync("select count(*) from tasks where lead_id = @lead and playbook_key = 'book_call' and status = 'OPEN'", new { lead }));
        Assert.Equal(1, await CountAsync(
            "select count(*) from tasks t join leads l on l.id = t.lead_id where t.lead_id = @lead and t.kind = 'call_prep' and t.status = 'OPEN' and t.due_at < l.call_at", new { lead }));
    }

    [Fact]
    public async Task Lost_cancels_every_open_task_and_sets_the_deletion_date_from_the_retention_setting()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "CONTACTED");
        await ProcessAsync();
        await using (var connection = await stack.Admin.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("insert into tasks (lead_id, kind, title, due_at) values (@lead, 'manual', 'Angebot nachfassen', now() + interval '1 day')", new { lead });
            await Crm.MoveAsync(connection, lead, "LOST");
        }

        await ProcessAsync();

        Assert.Equal(0, await CountAsync("select count(*) from tasks where lead_id = @lead and status = 'OPEN'", new { lead }));
        Assert.True(await CountAsync("select count(*) from tasks where lead_id = @lead and status = 'CANCELLED' and cancel_reason = 'Lead verloren'", new { lead }) >= 2);
        var retention = _host.Services.GetRequiredService<PipelineSettings>().LostRetentionDays;
        Assert.Equal(1, await CountAsync("""
            select count(*) from leads l join pipeline_events e on e.lead_id = l.id and e.to_stage = 'LOST'
            where l.id = @lead and l.delete_after = e.occurred_at + make_interval(days => @retention)
            """, new { lead, retention }));
    }

    [Fact]
    public async Task Won_starts_fulfilment_monitoring_and_a_deal_won_alert()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "WON", name: "Jonas Kurz", company: "Kurz Elektro");

        await ProcessAsync();

        var fulfilment = await StepsAsync("onboarding") + await StepsAsync("install_checklist");
        Assert.True(fulfilment >= 5);
        Assert.Equal(fulfilment, await CountAsync("""
            select count(*) from tasks t join deals d on d.id = t.deal_id
            where t.lead_id = @lead and t.playbook_key in ('onboarding', 'install_checklist') and t.status = 'OPEN' and d.status = 'WON' and t.due_at > now()
            """, new { lead }));
        Assert.Equal(1, await CountAsync("select count(*) from agents a join agent_key_handovers h on h.agent_id = a.id where a.lead_id = @lead and a.name = 'Agent Setup #' || left(a.id::text, 8)", new { lead }));
        Assert.Equal(0, await CountAsync("select count(*) from tasks where lead_id = @lead and status = 'OPEN' and playbook_key not in ('onboarding', 'install_checklist')", new { lead }));
        var deal = await Crm.ScalarAsync<Guid>(stack.Admin, "select id from deals where lead_id = @lead and status = 'WON'", new { lead });
        var alertId = await Crm.ScalarAsync<Guid>(stack.Admin, "select id from alerts where kind = 'deal_won' and subject_id = @deal", new { deal });
        var (message, alert) = await _host.FindAlertAsync("alert_id", alertId);
        Assert.Equal("deal_won", alert.GetProperty("kind").GetString());
        // Its link opens the won deal.
        Assert.Equal(("deal", $"#/deals/{deal}"), (alert.GetProperty("subject").GetProperty("type").GetString(), alert.GetProperty("link").GetString()));
        Assert.Equal(lead, alert.GetProperty("attributes").GetProperty("lead_id").GetGuid());
        Assert.Equal(2, message.GetProperty("version").GetInt32());
        Assert.Equal(149000, alert.GetProperty("attributes").GetProperty("amount_cents").GetInt32());
        Assert.Contains("1490,00 €", alert.GetProperty("text").GetString());
        Assert.DoesNotContain("Jonas", message.GetRawText());
    }

}
