using System.Text.Json;
using Azure.Storage.Queues;
using Leitstand.Alerts;
using Leitstand.LocalHost.Functions;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Leitstand.Tests.Alerts;

/// <summary>The queue function as the host runs it: polled from the alerts queue, retried, poisoned.</summary>
[Collection(StackCollection.Name)]
public sealed class AlertQueueTests(StackFixture stack) : AlertTestBase(stack)
{
    private readonly ListLoggerProvider _log = new();

    protected override FunctionsHostOptions ConfigureHost(FunctionsHostOptions options) => options with
    {
        ConfigureServices = services =>
        {
            options.ConfigureServices?.Invoke(services);
            services.AddSingleton<ILoggerProvider>(_log);
        },
        RunQueues = true,
        HostJson = new HostJson("api", QueueMaxDequeueCount: 2, QueueVisibilityTimeout: TimeSpan.FromSeconds(1), Azure.Storage.Queues.QueueMessageEncoding.Base64)
        {
            QueueMaxPollingInterval = TimeSpan.FromMilliseconds(200),
        },
    };

    [Fact]
    public async Task A_won_deal_reaches_every_channel_within_seconds_through_the_queue_function()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "CALL_BOOKED");
        await using (var connection = await Stack.Admin.OpenConnectionAsync())
            await Crm.MoveAsync(connection, lead, "WON");

        await Host.Services.GetRequiredService<Leitstand.Pipeline.ProcessPipelineEvents>().ExecuteAsync(CancellationToken.None);

        await Slack.WaitForRequestsAsync(1, TimeSpan.FromSeconds(30));
        await Teams.WaitForRequestsAsync(1, TimeSpan.FromSeconds(30));
        await Telegram.WaitForRequestsAsync(1, TimeSpan.FromSeconds(30));
        await Webhook.WaitForRequestsAsync(1, TimeSpan.FromSeconds(30));
        await Email.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30));
        Assert.Contains("Deal gewonnen", Slack.Requests[0].Body);
        // The log is written right after each send; the alert is about the won deal.
        var deal = await Crm.ScalarAsync<Guid>(Stack.Admin, "select id from deals where lead_id = @lead", new { lead });
        for (var i = 0; i < 300 && (await DeliveriesAsync("deal_won", deal)).Any(d => d.State != "delivered"); i++) await Task.Delay(100);
        await AssertDeliveriesAsync("deal_won", deal, "delivered", EveryChannel);
    }

    [Fact]
    public async Task A_form_submission_becomes_a_new_lead_alert_through_the_lead_captured_queue()
    {
        var fields = Leads.LeadForms.Valid();
        var response = await Host.Client.SendAsync(Leads.LeadForms.Json(fields));
        var lead = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<JsonElement>(response.Content)).GetProperty("id").GetGuid();

        for (var i = 0; i < 100 && await CountAsync("select count(*) from alerts where kind = 'lead_new' and subject_id = @lead", new { lead }) == 0; i++)
            await Task.Delay(100);

        Assert.Equal(1, await CountAsync("select count(*) from alerts where kind = 'lead_new' and subject_id = @lead", new { lead }));
        // Planned for the chat channels and the webhook, grouped for five minutes.
        for (var i = 0; i < 300 && (await DeliveriesAsync("lead_new", lead)).Count < 4; i++) await Task.Delay(100);
        Assert.Equal(["slack", "teams", "telegram", "webhook"], (await DeliveriesAsync("lead_new", lead)).Select(d => d.Channel));
    }

    [Fact]
    public async Task A_malformed_alert_message_lands_in_the_poison_queue_and_can_be_requeued()
    {
        var options = Leitstand.Functions.ServiceSetup.QueueClientOptionsForApp();
        var queue = new QueueClient(Stack.Azurite.ConnectionString, Host.AlertsQueue, options);
        var poison = new QueueClient(Stack.Azurite.ConnectionString, Host.AlertsQueue + "-poison", options);
        await queue.CreateIfNotExistsAsync();
        var body = JsonSerializer.Serialize(new { type = "alerts", version = 1, note = Guid.NewGuid() });

        var sent = (await queue.SendMessageAsync(body)).Value;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline && !(await poison.ExistsAsync() && (await poison.PeekMessagesAsync(32)).Value.Any(m => m.Body.ToString() == body)))
            await Task.Delay(200);

        var poisonAlerts = Host.Services.GetRequiredService<PoisonAlerts>();
        var listed = Assert.Single(await poisonAlerts.ListAsync(32, CancellationToken.None), m => m.BodyText == body);
        // Tried exactly maxDequeueCount (2) times, then moved: a fresh copy in poison that nobody has received yet.
        Assert.Equal(0, listed.DequeueCount);
        var attempts = _log.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.Contains($"failed on message {sent.MessageId}", StringComparison.Ordinal));
        Assert.Equal(["(attempt 1 of 2)", "(attempt 2 of 2)"], attempts.Select(e => e.Message[e.Message.LastIndexOf('(')..]));
        Assert.Single(_log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains($"Message {sent.MessageId} moved to {Host.AlertsQueue}-poison after 2 attempts", StringComparison.Ordinal));

        // Re-queued (after a fix of the consumer, say), it is tried again: the same body on the alerts queue.
        Assert.Equal(1, await poisonAlerts.RequeueAsync(listed.MessageId, CancellationToken.None));
        Assert.DoesNotContain(await poisonAlerts.ListAsync(32, CancellationToken.None), m => m.BodyText == body);
    }
}
