namespace Leitstand.Alerts.Channels;

/// <summary>
/// One way to reach the team (Slack, Teams, Telegram, e-mail, signed webhook). <see cref="SendAsync"/> makes
/// exactly one attempt and says how it went; retries, timeouts, the circuit breaker and the rate limit are
/// <see cref="ResilientChannel"/>'s job. Transport failures (connection refused, reset) may be thrown.
/// </summary>
public interface IAlertChannel
{
    /// <summary>"slack", "teams", "telegram", "email" or "webhook" (alert_routes.channels, alert_deliveries.channel).</summary>
    string Key { get; }
    /// <summary>False when its settings are missing: the channel is off and gets no deliveries.</summary>
    bool IsConfigured { get; }
    /// <summary>Provider pace (messages a second; 0: no limit).</summary>
    double MessagesPerSecond { get; }
    Task<SendOutcome> SendAsync(OutgoingMessage message, CancellationToken ct);
}

/// <summary>How one attempt (or, from <see cref="ResilientChannel"/>, one delivery run) ended.</summary>
public abstract record SendOutcome
{
    private SendOutcome() { }

    public sealed record Delivered : SendOutcome;
    /// <summary>Worth trying again (5xx, 408, 429, timeout, refused, open circuit), after RetryAfter if the peer said so.</summary>
    public sealed record Transient(string Error, TimeSpan? RetryAfter = null) : SendOutcome;
    /// <summary>Trying again cannot help (404/410 webhook gone, 401/403, Telegram "chat not found", "bot was blocked").</summary>
    public sealed record Permanent(string Error) : SendOutcome;

    public static readonly SendOutcome Ok = new Delivered();
}

/// <summary>
/// What goes out on one channel in one message: one alert, or several of the same kind grouped (a flood of
/// 40 "Kein Heartbeat" is one message). Carries no personal data: titles and texts are the producers' German
/// texts without names, links lead to the status center.
/// </summary>
/// <param name="MessageId">Stable across retries of the same message (the webhook's <c>webhook-id</c>), so receivers drop repeats.</param>
public sealed record OutgoingMessage(Guid MessageId, IReadOnlyList<OutgoingAlert> Alerts)
{
    public bool IsGroup => Alerts.Count > 1;

    /// <summary>The highest severity in the message.</summary>
    public string Severity => Alerts.Select(a => a.Severity).OrderByDescending(SeverityRank).First();

    /// <summary>German headline: the alert's title, or "40× Incident: Kein Heartbeat" for a group.</summary>
    public string Title => IsGroup
        ? Alerts.Select(a => a.Title).Distinct().Count() == 1 ? $"{Alerts.Count}× {Alerts[0].Title}" : $"{Alerts.Count} Alerts: {Alerts[0].Title} …"
        : Alerts[0].Title;

    public static int SeverityRank(string severity) => severity switch { "critical" => 2, "warning" => 1, _ => 0 };
}

/// <param name="Link">Absolute link to the subject in the status center.</param>
/// <param name="AcknowledgeLink">Signed, expiring link that opens the acknowledge page (open incidents only).</param>
public sealed record OutgoingAlert(
    Guid AlertId,
    string Kind,
    string Severity,
    string DedupeKey,
    string SubjectType,
    Guid SubjectId,
    string Title,
    string Text,
    Uri Link,
    Uri? AcknowledgeLink,
    DateTime OccurredAt);
