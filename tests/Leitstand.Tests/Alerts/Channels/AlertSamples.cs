using Leitstand.Alerts.Channels;

namespace Leitstand.Tests.Alerts.Channels;

/// <summary>Messages as the fan-out builds them: German texts without personal data, links into the status center.</summary>
public static class AlertSamples
{
    public const string WebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    public static OutgoingAlert Alert(string title = "Kein Heartbeat", string text = "Agent „Praxis Nord“ meldet sich seit 15 Minuten nicht.",
        string severity = "critical", bool acknowledgeLink = true, int index = 0)
    {
        var id = Guid.NewGuid();
        return new OutgoingAlert(
            AlertId: id,
            Kind: "incident_opened",
            Severity: severity,
            DedupeKey: $"incident:{index}",
            SubjectType: "agent",
            SubjectId: Guid.NewGuid(),
            Title: title,
            Text: text,
            Link: new Uri($"https://leitstand.example.de/status/#/incidents/{id}"),
            AcknowledgeLink: acknowledgeLink ? new Uri($"https://functions.example.de/api/alerts/ack?t=tok{index}") : null,
            OccurredAt: new DateTime(2026, 12, 1, 22, 15, 30, DateTimeKind.Utc));
    }

    public static OutgoingMessage Single(OutgoingAlert? alert = null) => new(Guid.NewGuid(), [alert ?? Alert()]);

    /// <summary>A group of <paramref name="count"/> alerts, each with its own title ("Kein Heartbeat 1", …).</summary>
    public static OutgoingMessage Group(int count, string severity = "warning") =>
        new(Guid.NewGuid(), Enumerable.Range(1, count).Select(i => Alert($"Kein Heartbeat {i}", $"Agent {i} schweigt.", severity, index: i)).ToList());
}
