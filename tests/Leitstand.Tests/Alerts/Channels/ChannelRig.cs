using Leitstand.Alerts;
using Leitstand.Alerts.Channels;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Leitstand.Tests.Alerts.Channels;

/// <summary>
/// The channels wired as the app wires them (<see cref="AlertChannelsSetup.AddAlertChannels"/>), with small
/// settings so retries and timeouts take milliseconds, and a log that tests can read.
/// </summary>
public sealed class ChannelRig : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private ChannelRig(AlertSettings settings, TimeProvider time)
    {
        Settings = settings;
        var services = new ServiceCollection();
        services.AddSingleton(settings);
        services.AddSingleton(time);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(Log));
        services.AddAlertChannels();
        _services = services.BuildServiceProvider();
    }

    public AlertSettings Settings { get; }
    public ListLoggerProvider Log { get; } = new();
    public AlertChannels Channels => _services.GetRequiredService<AlertChannels>();
    public T Channel<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <param name="configure">Sets the channel under test (URL, token, …) and any setting the test is about.</param>
    public static ChannelRig Create(Action<AlertSettings> configure, TimeProvider? time = null)
    {
        var settings = new AlertSettings
        {
            StatusCenterUrl = "https://leitstand.example.de/status/",
            // Generous: a first connection on a busy machine (SMTP login, JIT) can take more than a second; the test about
            // timeouts sets its own.
            TimeoutSeconds = 15,
            MaxAttempts = 3,
            RetryBaseDelayMilliseconds = 20,
            MaxRetryAfterSeconds = 5,
            BreakSeconds = 30,
        };
        // No pacing unless a test is about it: the defaults (1/s for Slack and Telegram) would slow every retry.
        settings.Slack.MessagesPerSecond = 0;
        settings.Teams.MessagesPerSecond = 0;
        settings.Telegram.MessagesPerSecond = 0;
        settings.Email.MessagesPerSecond = 0;
        settings.Webhook.MessagesPerSecond = 0;
        configure(settings);
        return new ChannelRig(settings, time ?? TimeProvider.System);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
