using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Leitstand.Alerts.Channels;

public static class AlertChannelsSetup
{
    /// <summary>The named HttpClient of the HTTP channels.</summary>
    public const string HttpClientName = "alerts";

    /// <summary>
    /// Registers the five channels, <see cref="AlertChannels"/> and the "alerts" HttpClient. Expects
    /// <see cref="AlertSettings"/> and <see cref="TimeProvider"/> as singletons (the caller registers them).
    /// </summary>
    public static IServiceCollection AddAlertChannels(this IServiceCollection services)
    {
        services.AddLogging();
        services.AddHttpClient(HttpClientName, client =>
            {
                // Per-attempt timeouts are Polly's (ResilientChannel); a second, shorter one here would only
                // turn a timeout into an unclassified TaskCanceledException.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            // The factory's default loggers write request URLs, and for Slack, Teams and the webhook the URL is
            // the secret (Telegram's bot token is in the path).
            .RemoveAllLoggers();

        services.TryAddSingleton<SlackChannel>();
        services.TryAddSingleton<TeamsChannel>();
        services.TryAddSingleton<TelegramChannel>();
        services.TryAddSingleton<EmailChannel>();
        services.TryAddSingleton<WebhookChannel>();
        services.AddSingleton<IAlertChannel>(sp => sp.GetRequiredService<SlackChannel>());
        services.AddSingleton<IAlertChannel>(sp => sp.GetRequiredService<TeamsChannel>());
        services.AddSingleton<IAlertChannel>(sp => sp.GetRequiredService<TelegramChannel>());
        services.AddSingleton<IAlertChannel>(sp => sp.GetRequiredService<EmailChannel>());
        services.AddSingleton<IAlertChannel>(sp => sp.GetRequiredService<WebhookChannel>());
        services.TryAddSingleton<AlertChannels>();
        return services;
    }
}
