using System.Text.Json;
using Dapper;
using Leitstand.Alerts;
using Leitstand.Monitoring;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Alerts;

/// <summary>
/// A host whose five alert channels point at real local peers (HTTP sinks for Slack, Teams, Telegram and
/// the webhook receiver, an SMTP server for e-mail), with a hand-moved clock that starts on a Berlin
/// working day (outside every quiet hour) and settings that make retries take milliseconds. The delivery
/// log is emptied before and after each test (<see cref="ClearDeliveriesAsync"/>).
/// </summary>
public abstract class AlertTestBase(StackFixture stack) : IAsyncLifetime
{
    public const string WebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    protected StackFixture Stack { get; } = stack;
    /// <summary>Wednesday 2 December 2026, 10:00 UTC = 11:00 in Berlin.</summary>
    protected ManualClock Clock { get; } = new(new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero));
    protected RunningHost Host { get; private set; } = null!;
    protected HttpSink Slack { get; private set; } = null!;
    protected HttpSink Teams { get; private set; } = null!;
    protected HttpSink Telegram { get; private set; } = null!;
    protected HttpSink Webhook { get; private set; } = null!;
    protected SmtpSink Email { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await ClearDeliveriesAsync();
        Slack = await HttpSink.StartAsync();
        Teams = await HttpSink.StartAsync();
        Telegram = await HttpSink.StartAsync();
        Telegram.Default = HttpSink.Reply.Json(200, """{"ok":true,"result":{"message_id":1}}""");
        Webhook = await HttpSink.StartAsync();
        Email = await SmtpSink.StartAsync();
        Host = await RunningHost.StartAsync(Stack, settings =>
        {
            settings["Alerts:Slack:WebhookUrl"] = Slack.Url("/services/T000/B000/XXXX").ToString();
            settings["Alerts:Teams:WebhookUrl"] = Teams.Url("/workflows/leitstand").ToString();
            settings["Alerts:Telegram:BotToken"] = "123456:TEST-token";
            settings["Alerts:Telegram:ChatId"] = "-1001234";
            settings["Alerts:Telegram:ApiBaseUrl"] = Telegram.BaseAddress.ToString().TrimEnd('/');
            settings["Alerts:Email:Host"] = Email.Host;
            settings["Alerts:Email:Port"] = Email.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings["Alerts:Email:UseStartTls"] = "false";
            settings["Alerts:Email:From"] = "leitstand@example.de";
            settings["Alerts:Email:To"] = "team@example.de";
            settings["Alerts:Webhook:Url"] = Webhook.Url("/hook").ToString();
            settings["Alerts:Webhook:Secret"] = WebhookSecret;
            settings["Alerts:StatusCenterUrl"] = "https://status.example.de/";
            settings["Alerts:PublicFunctionsUrl"] = "https://leitstand.example.de";
            // A generous timeout: a first send on a busy machine may take seconds, and a timed-out request that still
            // reached the sink would count twice. Tests about slow channels set a short one (SlowChannelTests).
            settings["Alerts:TimeoutSeconds"] = "10";
            settings["Alerts:MaxAttempts"] = "2";
            settings["Alerts:RetryBaseDelayMilliseconds"] = "20";
            settings["Alerts:MaxRetryAfterSeconds"] = "1";
            settings["Alerts:SendingTimeoutSeconds"] = "25";
            foreach (var channel in new[] { "Slack", "Teams", "Telegram", "Email", "Webhook" })
                settings[$"Alerts:{channel}:MessagesPerSecond"] = "0";
            ConfigureSettings(settings);
        }, o => ConfigureHost(o with { ConfigureServices = s => s.AddSingleton<TimeProvider>(Clock) }));
    }

    /// <summary>Options of the host for the tests of a class (queue polling off by default).</summary>
    protected virtual Leitstand.LocalHost.Functions.FunctionsHostOptions ConfigureHost(Leitstand.LocalHost.Functions.FunctionsHostOptions options) => options;

    /// <summary>More settings of the host for the tests of a class.</summary>
    protected virtual void ConfigureSettings(Dictionary<string, string?> settings) { }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Slack.DisposeAsync();
        await Teams.DisposeAsync();
        await Telegram.DisposeAsync();
        await Webhook.DisposeAsync();
        await Email.DisposeAsync();
        await ClearDeliveriesAsync();
    }

    /// <summary>
    /// Alert delivery works on the whole database (every due delivery, every open incident, every silent
    /// agent): so that no test sends or counts another's, each starts without alerts and deliveries, and
    /// with the agents of earlier tests revoked (tests of the stack collection run one after the other).
    /// </summary>
    private async Task ClearDeliveriesAsync()
    {
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        await connection.ExecuteAsync("delete from alerts; update agents set revoked_at = now() where revoked_at is null;");
    }

    /// <summary>All five sinks: how many messages each received.</summary>
    protected (int Slack, int Teams, int Telegram, int Email, int Webhook) Received() =>
        (Slack.Requests.Count, Teams.Requests.Count, Telegram.Requests.Count, Email.Messages.Count, Webhook.Requests.Count);

    protected async Task<(Guid Id, string Key)> CreateAgentAsync()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, name: "Greta Geheim", company: "Geheim GmbH");
        var key = AgentKeys.Generate();
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        var id = await connection.ExecuteScalarAsync<Guid>("""
            insert into agents (lead_id, name, key_hash, key_prefix) values (@lead, 'Agent Geheim GmbH', @hash, @prefix) returning id
            """, new { lead, hash = key.Hash, prefix = key.DisplayPrefix });
        return (id, key.Key);
    }

    protected Task<HeartbeatResult> BeatAsync(string key, string status = "ok", string? errorClass = null) =>
        Host.Services.GetRequiredService<IngestHeartbeat>().ExecuteAsync(key,
            new Heartbeat("heartbeat", status, "1.0.0", 60, errorClass, errorClass is null ? null : "E_TEST", 1, 0, 0, 12, 40, []), CancellationToken.None);

    /// <summary>What the queue function does with each alert message waiting for this host (no polling: the test decides when).</summary>
    protected async Task<int> DeliverQueuedAsync()
    {
        var queue = new Azure.Storage.Queues.QueueClient(Stack.Azurite.ConnectionString, Host.AlertsQueue, Leitstand.Functions.ServiceSetup.QueueClientOptionsForApp());
        await queue.CreateIfNotExistsAsync();
        var deliver = Host.Services.GetRequiredService<DeliverAlert>();
        // Producers send their outbox rows right after the commit, some in the background (heartbeats). Not "Agent
        // verbunden": its row (made by a trigger at an agent's first heartbeat) waits for the ResendOutbox timer, so
        // waiting for it would only wait out the bound.
        for (var i = 0; i < 400 && await CountAsync("""
                 select count(*) from outbox_messages where queue = @queue and sent_at is null
                   and not coalesce(payload -> 'alerts' @> '[{"kind": "agent_connected"}]', false)
                 """, new { queue = Host.AlertsQueue }) > 0; i++)
            await Task.Delay(50);
        var handled = 0;
        while (true)
        {
            var messages = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1))).Value;
            if (messages.Length == 0) return handled;
            foreach (var message in messages)
            {
                await deliver.ExecuteAsync(message.Body.ToString(), CancellationToken.None);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                handled++;
            }
        }
    }

    /// <summary>The minute timer (follow-ups, then everything due).</summary>
    protected Task<AlertFollowUpsResult> TickAsync() => Host.Services.GetRequiredService<RunAlertFollowUps>().ExecuteAsync(CancellationToken.None);

    protected Task<Guid> IncidentOfAsync(Guid agent) =>
        Crm.ScalarAsync<Guid>(Stack.Admin, "select id from incidents where agent_id = @agent order by opened_at desc limit 1", new { agent });

    protected Task<int> CountAsync(string sql, object? param = null) => Crm.ScalarAsync<int>(Stack.Admin, sql, param);

    protected async Task<IReadOnlyList<(string Channel, string State, int Attempts, string? LastError)>> DeliveriesAsync(string kind, Guid subject)
    {
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        return (await connection.QueryAsync<(string, string, int, string?)>("""
            select d.channel::text, d.state::text, d.attempts, d.last_error from alert_deliveries d join alerts a on a.id = d.alert_id
            where a.kind = @kind and a.subject_id = @subject order by d.channel
            """, new { kind, subject })).ToList();
    }

    /// <summary>The channels of the default routes (alert_routes): critical alerts and won deals go everywhere, warnings and leads to chat and the webhook.</summary>
    protected static readonly string[] EveryChannel = ["email", "slack", "teams", "telegram", "webhook"];
    protected static readonly string[] ChatAndWebhook = ["slack", "teams", "telegram", "webhook"];

    /// <summary>
    /// The alert's deliveries are exactly one per channel in <paramref name="channels"/>, each in <paramref name="state"/>
    /// (so that "every delivery is suppressed" cannot pass with no delivery planned at all).
    /// </summary>
    protected async Task AssertDeliveriesAsync(string kind, Guid subject, string state, string[] channels) =>
        Assert.Equal(channels.Order().Select(c => $"{c}: {state}"), (await DeliveriesAsync(kind, subject)).Select(d => $"{d.Channel}: {d.State}").Order());

    /// <summary>The alert ids a webhook request carried (the receiver's view).</summary>
    protected static IReadOnlyList<string> WebhookAlertKinds(HttpSink.Request request) =>
        request.Json().GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("kind").GetString()!).ToList();

    protected static string AllText(HttpSink sink) => string.Join("\n", sink.Requests.Select(r => r.Body));

    protected static JsonElement Json(HttpSink.Request request) => request.Json();
}
