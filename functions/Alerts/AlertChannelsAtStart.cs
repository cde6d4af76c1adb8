using Leitstand.Alerts.Channels;
using Microsoft.Extensions.Hosting;

namespace Leitstand.Functions.Alerts;

/// <summary>Builds the alert channels when the app starts, so the line "Alert channels on: …; off: …" is logged once, at start.</summary>
public sealed class AlertChannelsAtStart(AlertChannels channels) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.FromResult(channels.Enabled.Count);
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
