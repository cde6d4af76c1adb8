using Microsoft.Extensions.Logging;

namespace Leitstand.Alerts.Channels;

/// <summary>
/// The configured channels, each behind its <see cref="ResilientChannel"/> (one per channel for the app's
/// lifetime, so breaker and limiter state persist). Says once, at construction, which channels are on and
/// which are off and why, instead of a line per message.
/// </summary>
public sealed class AlertChannels : IDisposable
{
    /// <summary>Every channel key in the fixed order used for <see cref="Enabled"/>.</summary>
    public static readonly IReadOnlyList<string> Keys = ["slack", "teams", "telegram", "email", "webhook"];
    private static int Order(string key) => Keys.ToList().IndexOf(key) is var i and >= 0 ? i : int.MaxValue;

    private readonly Dictionary<string, ResilientChannel> _channels;

    public AlertChannels(IEnumerable<IAlertChannel> channels, AlertSettings settings, TimeProvider time, ILoggerFactory logs)
    {
        var all = channels.OrderBy(c => Order(c.Key)).ToList();
        var resilientLog = logs.CreateLogger<ResilientChannel>();
        _channels = all.Where(c => c.IsConfigured).ToDictionary(c => c.Key, c => new ResilientChannel(c, settings, time, resilientLog));
        Enabled = all.Where(c => c.IsConfigured).Select(c => c.Key).ToList();

        var off = all.Where(c => !c.IsConfigured).Select(c => $"{c.Key} ({string.Join(", ", MissingSettings(c.Key, settings))} missing)");
        logs.CreateLogger<AlertChannels>().LogInformation("Alert channels on: {On}; off: {Off}",
            Enabled.Count == 0 ? "none" : string.Join(", ", Enabled), string.Join("; ", off) is { Length: > 0 } o ? o : "none");
    }

    /// <summary>Keys of the configured channels, in the order of <see cref="Keys"/>.</summary>
    public IReadOnlyList<string> Enabled { get; }

    /// <summary>The channel for a key of <see cref="Enabled"/>; an unknown or switched-off key is a bug of the caller.</summary>
    public ResilientChannel Get(string key) =>
        _channels.TryGetValue(key, out var channel) ? channel
            : throw new InvalidOperationException($"Alert channel '{key}' is not configured (enabled: {string.Join(", ", Enabled)}).");

    /// <summary>The app settings a switched-off channel lacks (names only, never values).</summary>
    public static IReadOnlyList<string> MissingSettings(string key, AlertSettings settings)
    {
        var missing = new List<string>();
        void Need(string name, string value) { if (value.Length == 0) missing.Add("Alerts__" + name); }
        switch (key)
        {
            case "slack": Need("Slack__WebhookUrl", settings.Slack.WebhookUrl); break;
            case "teams": Need("Teams__WebhookUrl", settings.Teams.WebhookUrl); break;
            case "telegram": Need("Telegram__BotToken", settings.Telegram.BotToken); Need("Telegram__ChatId", settings.Telegram.ChatId); break;
            case "email": Need("Email__Host", settings.Email.Host); Need("Email__To", settings.Email.To); break;
            case "webhook": Need("Webhook__Url", settings.Webhook.Url); break;
        }
        return missing;
    }

    public void Dispose()
    {
        foreach (var channel in _channels.Values) channel.Dispose();
    }
}
