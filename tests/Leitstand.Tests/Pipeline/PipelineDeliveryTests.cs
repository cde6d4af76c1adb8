using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Leitstand.Functions.Pipeline;
using Leitstand.Monitoring;
using Leitstand.Tests.Fixtures;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Pipeline;

/// <summary>How events reach processing: the Supabase webhook, the catch-up timer, both at once, and replays.</summary>
[Collection(StackCollection.Name)]
public sealed class PipelineDeliveryTests(StackFixture stack) : IAsyncLifetime
{
    private const string Secret = "test-webhook-secret-of-at-least-32-characters";
    private RunningHost _host = null!;

    public async Task InitializeAsync() => _host = await RunningHost.StartAsync(stack, s => s["Pipeline:WebhookSecret"] = Secret);
    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static string Payload(Guid leadId) => JsonSerializer.Serialize(new
    {
        type = "INSERT",
        table = "pipeline_events",
        schema = "public",
        record = new { lead_id = leadId, to_stage = "WON" },
        old_record = (object?)null,
    });

    private Task<HttpResponseMessage> PostWebhookAsync(string body, string? secret = Secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/supabase") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (secret is not null) request.Headers.Add("X-Webhook-Secret", secret);
        return _host.Client.SendAsync(request);
    }

    private Task<int> CountAsync(string sql, object param) => Crm.ScalarAsync<int>(stack.Admin, sql, param);

    private Task RunTimerAsync() =>
        ActivatorUtilities.CreateInstance<ProcessPipelineEventsFunction>(_host.Services).Run(new TimerInfo(), CancellationToken.None);

    [Fact]
    public async Task Webhook_with_the_secret_processes_the_pending_events()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "CONTACTED");

        var response = await PostWebhookAsync(Payload(lead));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("processed").GetInt32() >= 1);
        Assert.Equal(0, await CountAsync("select count(*) from pipeline_events where lead_id = @lead and processed_at is null", new { lead }));
        Assert.True(await CountAsync("select count(*) from tasks where lead_id = @lead and playbook_key = 'followup_sequence'", new { lead }) > 0);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-secret")]
    [InlineData("TEST-WEBHOOK-SECRET")]
    public async Task Webhook_without_the_right_secret_gets_401_and_changes_nothing(string? secret)
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "CONTACTED");

        var response = await PostWebhookAsync(Payload(lead), secret);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(1, await CountAsync("select count(*) from pipeline_events where lead_id = @lead and processed_at is null", new { lead }));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"type\":\"TRUNCATE\",\"table\":\"leads\",\"schema\":\"public\",\"record\":null}")]
    [InlineData("{\"type\":\"UPDATE\",\"table\":\"leads\",\"schema\":\"public\",\"record\":\"x\"}")]
    [InlineData("{\"type\":1,\"table\":\"leads\",\"schema\":\"public\"}")]
    public async Task Malformed_webhook_payload_gets_400_with_the_fields_named(string body)
    {
        var response = await PostWebhookAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject());
    }

    [Fact]
    public async Task Timer_catches_up_on_events_when_the_webhook_never_came()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "REPLIED");

        await RunTimerAsync();

        Assert.Equal(0, await CountAsync("select count(*) from pipeline_events where lead_id = @lead and processed_at is null", new { lead }));
        Assert.Equal(1, await CountAsync("select count(*) from tasks where lead_id = @lead and playbook_key = 'qualification' and status = 'OPEN'", new { lead }));
    }

    [Fact]
    public async Task Won_deal_yields_one_set_of_tasks_one_agent_and_one_alert_however_often_it_is_delivered()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "WON");
        var payload = Payload(lead);

        // Replays and concurrent deliveries: webhook calls in parallel with timer runs, then once more.
        var deliveries = Enumerable.Range(0, 6).Select(i => i % 2 == 0 ? PostWebhookAsync(payload) : RunTimerAsync().ContinueWith(_ => new HttpResponseMessage(HttpStatusCode.OK)));
        var responses = await Task.WhenAll(deliveries);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await PostWebhookAsync(payload);
        await RunTimerAsync();

        var fulfilmentSteps = await CountAsync("select count(*) from playbook_steps s join playbooks p on p.key = s.playbook_key where p.trigger_stage = 'WON'", new { });
        Assert.Equal(fulfilmentSteps, await CountAsync("select count(*) from tasks t join playbooks p on p.key = t.playbook_key where t.lead_id = @lead and p.trigger_stage = 'WON'", new { lead }));
        Assert.Equal(1, await CountAsync("select count(*) from agents where lead_id = @lead", new { lead }));
        Assert.Equal(1, await CountAsync("select count(*) from alerts where kind = 'deal_won' and subject_id in (select id from deals where lead_id = @lead)", new { lead }));
        Assert.Equal(1, await CountAsync("select count(*) from pipeline_events where lead_id = @lead and to_stage = 'WON' and processed_at is not null and attempts = 1", new { lead }));
    }

    [Fact]
    public async Task Webhook_and_timer_racing_over_many_leads_create_no_duplicates()
    {
        var leads = new List<Guid>();
        for (var i = 0; i < 12; i++) leads.Add(await Crm.CreateLeadAsync(stack.Admin, i % 3 == 0 ? "WON" : i % 3 == 1 ? "REPLIED" : "CONTACTED"));

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => i % 2 == 0 ? PostWebhookAsync(Payload(leads[0])) : RunTimerAsync()));

        Assert.Equal(0, await CountAsync("select count(*) from pipeline_events where lead_id = any(@leads) and processed_at is null", new { leads }));
        Assert.Equal(0, await CountAsync("select count(*) from pipeline_events where lead_id = any(@leads) and attempts <> 1", new { leads }));
        Assert.Equal(0, await CountAsync("""
            select count(*) from (select source_event_id, playbook_key, playbook_step from tasks where lead_id = any(@leads)
                                  group by 1, 2, 3 having count(*) > 1) d
            """, new { leads }));
        Assert.Equal(4, await CountAsync("select count(*) from agents where lead_id = any(@leads)", new { leads }));
    }

    [Fact]
    public async Task A_new_agent_key_is_shown_once_and_matches_its_stored_hash()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "WON");
        await RunTimerAsync();
        var agent = await Crm.ScalarAsync<Guid>(stack.Admin, "select id from agents where lead_id = @lead", new { lead });

        var first = await _host.TeamClient.PostAsync($"/api/agents/{agent}/key-handover", null);
        var second = await _host.TeamClient.PostAsync($"/api/agents/{agent}/key-handover", null);
        var unknown = await _host.TeamClient.PostAsync($"/api/agents/{Guid.NewGuid()}/key-handover", null);
        var malformed = await _host.TeamClient.PostAsync("/api/agents/not-a-uuid/key-handover", null);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var handover = await first.Content.ReadFromJsonAsync<JsonElement>();
        var key = handover.GetProperty("key").GetString()!;
        Assert.StartsWith("lsa_", key);
        Assert.Equal(key[..12], handover.GetProperty("key_prefix").GetString());
        Assert.Equal(1, await CountAsync("select count(*) from agents where id = @agent and key_hash = @hash", new { agent, hash = AgentKeys.Hash(key) }));
        Assert.Equal(0, await CountAsync("select count(*) from agent_key_handovers where agent_id = @agent", new { agent }));
        Assert.Equal(HttpStatusCode.Gone, second.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task Retention_anonymises_lost_leads_past_their_date_and_keeps_the_others()
    {
        var expired = await Crm.CreateLeadAsync(stack.Admin, "LOST");
        var kept = await Crm.CreateLeadAsync(stack.Admin, "LOST");
        var active = await Crm.CreateLeadAsync(stack.Admin, "CONTACTED");
        await using (var connection = await stack.Admin.OpenConnectionAsync())
            await Dapper.SqlMapper.ExecuteAsync(connection, """
                update leads set delete_after = now() - interval '1 minute' where id = @expired;
                update leads set delete_after = now() + interval '1 day' where id = @kept;
                """, new { expired, kept });

        await _host.Services.GetRequiredService<Leitstand.Retention.ApplyRetention>().ExecuteAsync(CancellationToken.None);

        // anonymised in place (docs/datenschutz.md): the personal fields are gone, the row keeps the KPI counts
        Assert.Equal(1, await CountAsync("select count(*) from leads where id = @expired and erased_at is not null and email is null and name = 'Gelöscht'", new { expired }));
        Assert.Equal(0, await CountAsync("select count(*) from leads where id in (@kept, @active) and erased_at is not null", new { kept, active }));
        Assert.Equal(2, await CountAsync("select count(*) from leads where id in (@kept, @active)", new { kept, active }));
    }
}
