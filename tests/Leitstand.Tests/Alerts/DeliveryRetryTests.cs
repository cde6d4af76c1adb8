using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Alerts;

[Collection(StackCollection.Name)]
public sealed class DeliveryRetryTests(StackFixture stack) : AlertTestBase(stack)
{
    /// <summary>A deal-won alert (info, no grouping, every channel): due at once.</summary>
    /// <summary>A lead won with its deal, the alert delivered once; returns the deal.</summary>
    private async Task<Guid> DealWonAsync()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "CALL_BOOKED");
        await using (var connection = await Stack.Admin.OpenConnectionAsync())
            await Crm.MoveAsync(connection, lead, "WON");
        await Host.Services.GetRequiredService<Leitstand.Pipeline.ProcessPipelineEvents>().ExecuteAsync(CancellationToken.None);
        await DeliverQueuedAsync();
        // The alert is about the won deal (its link opens #/deals/<id>).
        return await Crm.ScalarAsync<Guid>(Stack.Admin, "select id from deals where lead_id = @lead", new { lead });
    }

    private Task<(string Channel, string State, int Attempts, string? LastError)> WebhookDeliveryAsync(Guid deal) =>
        DeliveriesAsync("deal_won", deal).ContinueWith(t => t.Result.Single(d => d.Channel == "webhook"));

    [Fact]
    public async Task Outage_longer_than_the_retries_is_scheduled_in_the_database_and_sent_later_with_the_same_webhook_id()
    {
        Webhook.Enqueue(HttpSink.Reply.Status(503), HttpSink.Reply.Status(503));
        var lead = await DealWonAsync();

        // Two attempts in process (MaxAttempts 2), then the next one waits in the database.
        Assert.Equal(2, Webhook.Requests.Count);
        Assert.Equal(("pending", 1, "HTTP 503 from webhook"), (await WebhookDeliveryAsync(lead)) is var d ? (d.State, d.Attempts, d.LastError) : default);
        Assert.Single(Slack.Requests);

        await TickAsync();
        Assert.Equal(2, Webhook.Requests.Count); // not due yet (back-off 30 s)
        Clock.Advance(TimeSpan.FromSeconds(31));
        await TickAsync();

        Assert.Equal(3, Webhook.Requests.Count);
        Assert.Equal("delivered", (await WebhookDeliveryAsync(lead)).State);
        Assert.Single(Webhook.Requests.Select(r => r.Header("webhook-id")).Distinct());
        Assert.Single(Slack.Requests);
    }

    [Fact]
    public async Task Retry_after_longer_than_the_in_process_wait_is_honoured_by_the_database_schedule()
    {
        Webhook.Enqueue(HttpSink.Reply.Status(429).WithHeader("Retry-After", "120"));
        var lead = await DealWonAsync();
        Assert.Single(Webhook.Requests);

        Clock.Advance(TimeSpan.FromSeconds(100));
        await TickAsync();
        Assert.Single(Webhook.Requests);
        Clock.Advance(TimeSpan.FromSeconds(21));
        await TickAsync();

        Assert.Equal(2, Webhook.Requests.Count);
        Assert.Equal("delivered", (await WebhookDeliveryAsync(lead)).State);
    }

    [Fact]
    public async Task Delivery_gives_up_after_the_give_up_time_and_the_other_channels_hear_of_it_once()
    {
        Webhook.Default = HttpSink.Reply.Status(500);
        var lead = await DealWonAsync();

        for (var i = 0; i < 30; i++)
        {
            Clock.Advance(TimeSpan.FromMinutes(15)); // the back-off tops out at 15 minutes
            await TickAsync();
        }
        await DeliverQueuedAsync();

        Assert.Equal(("failed", "HTTP 500 from webhook"), (await WebhookDeliveryAsync(lead)) is var d ? (d.State, d.LastError) : default);
        var warnings = await CountAsync("select count(*) from alerts where kind = 'delivery_failed' and attributes->>'failed_channel' = 'webhook'");
        Assert.Equal(1, warnings);
        Assert.Contains(Slack.Requests, r => r.Body.Contains("Zustellung fehlgeschlagen: Webhook", StringComparison.Ordinal));
        Assert.Contains(Email.Messages, m => (m.Subject ?? "").Contains("Zustellung fehlgeschlagen: Webhook", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Permanent_404_fails_at_once_and_warns_the_other_channels_once_a_day()
    {
        Slack.Default = HttpSink.Reply.Status(404, "no_service");
        var first = await DealWonAsync();
        var second = await DealWonAsync();

        Assert.Equal(2, Slack.Requests.Count); // one request per alert, no retries
        Assert.Equal(("failed", 1), (await DeliveriesAsync("deal_won", first)).Single(x => x.Channel == "slack") is var d ? (d.State, d.Attempts) : default);
        Assert.Equal("failed", (await DeliveriesAsync("deal_won", second)).Single(x => x.Channel == "slack").State);
        Assert.Equal(1, await CountAsync("select count(*) from alerts where kind = 'delivery_failed' and attributes->>'failed_channel' = 'slack'"));
        Assert.Single(Teams.Requests, r => r.Body.Contains("Zustellung fehlgeschlagen: Slack", StringComparison.Ordinal));
        Assert.DoesNotContain(Slack.Requests, r => r.Body.Contains("Zustellung fehlgeschlagen", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_send_interrupted_by_a_crash_is_sent_again_after_the_sending_timeout()
    {
        // Only the webhook is planned; a process claims it (state "sending") and dies before the send.
        var lead = await Crm.CreateLeadAsync(Stack.Admin);
        Guid batch;
        await using (var connection = await Stack.Admin.OpenConnectionAsync())
        {
            var alert = await connection.ExecuteScalarAsync<Guid>("""
                select (public.enqueue_alerts('unused', jsonb_build_array(jsonb_build_object('kind', 'deal_won', 'severity', 'info',
                  'dedupe_key', 'test:' || gen_random_uuid(), 'subject_type', 'lead', 'subject_id', @lead, 'title', 'Deal gewonnen',
                  'text', 'Test', 'occurred_at', @at))))[1]
                """, new { lead, at = Clock.GetUtcNow().UtcDateTime });
            await connection.ExecuteAsync("select public.plan_alert_deliveries(array[@alert], '{webhook}', @at)", new { alert, at = Clock.GetUtcNow().UtcDateTime });
            batch = await connection.ExecuteScalarAsync<Guid>("select batch_id from public.claim_alert_deliveries(@at, '{webhook}', '25 seconds', 10)",
                new { at = Clock.GetUtcNow().UtcDateTime });
        }

        await TickAsync();
        Assert.Empty(Webhook.Requests); // still "sending": the other process may be on it
        Clock.Advance(TimeSpan.FromSeconds(26)); // past Alerts:SendingTimeoutSeconds (25 in AlertTestBase)
        await TickAsync();

        var request = Assert.Single(Webhook.Requests);
        Assert.Equal(batch.ToString(), request.Header("webhook-id"));
        Assert.Equal(("delivered", 2), (await DeliveriesAsync("deal_won", lead)).Single() is var d ? (d.State, d.Attempts) : default);
    }
}
