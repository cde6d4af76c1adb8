namespace Leitstand.Alerts.Channels;

/// <summary>German labels and limits every channel shares, so Slack, Teams, Telegram and e-mail read alike.</summary>
public static class AlertText
{
    /// <summary>A group lists at most this many alerts; the rest is "… und N weitere" (chat limits, readability).</summary>
    public const int MaxListed = 20;

    /// <summary>Texts are the producers' short German sentences; this only guards the providers' size limits.</summary>
    public const int MaxTextLength = 1000;

    public const string OpenLabel = "Öffnen";
    public const string AcknowledgeLabel = "Übernehmen";
    public const string OpenInStatusCenterLabel = "Im Status-Center öffnen";

    public static string SeverityLabel(string severity) => severity switch
    {
        "critical" => "Kritisch",
        "warning" => "Warnung",
        _ => "Info",
    };

    public static string SeverityIcon(string severity) => severity switch
    {
        "critical" => "🔴",
        "warning" => "🟠",
        _ => "🔵",
    };

    /// <summary>The alerts a message lists, capped at <see cref="MaxListed"/>.</summary>
    public static IReadOnlyList<OutgoingAlert> Listed(OutgoingMessage message) =>
        message.Alerts.Count <= MaxListed ? message.Alerts : message.Alerts.Take(MaxListed).ToList();

    /// <summary>"… und 5 weitere" when the group is longer than the list, else null.</summary>
    public static string? MoreLine(OutgoingMessage message) =>
        message.Alerts.Count > MaxListed ? $"… und {message.Alerts.Count - MaxListed} weitere" : null;

    public static string Truncate(string text, int max = MaxTextLength) =>
        text.Length <= max ? text : text[..(max - 1)] + "…";
}
