using Leitstand.Alerts.Channels;
using Microsoft.Extensions.Logging;

namespace Leitstand.Tests.Alerts.Channels;

public sealed class AlertChannelsTests
{
    [Fact]
    public async Task Only_configured_channels_are_enabled_in_the_fixed_order()
    {
        await using var rig = ChannelRig.Create(s =>
        {
            s.Webhook.Url = "http://127.0.0.1:9/hook";
            s.Webhook.Secret = AlertSamples.WebhookSecret;
            s.Email.Host = "127.0.0.1";
            s.Email.From = "alerts@leitstand.example.de";
            s.Email.To = "team@leitstand.example.de";
            s.Slack.WebhookUrl = "http://127.0.0.1:9/slack";
        });

        Assert.Equal(["slack", "email", "webhook"], rig.Channels.Enabled);
        Assert.Equal("email", rig.Channels.Get("email").Key);
        Assert.Throws<InvalidOperationException>(() => rig.Channels.Get("teams"));
        Assert.Throws<InvalidOperationException>(() => rig.Channels.Get("fax"));
    }

    [Fact]
    public async Task The_same_resilient_channel_is_returned_every_time_so_breaker_and_limiter_state_persist()
    {
        await using var rig = ChannelRig.Create(s => s.Slack.WebhookUrl = "http://127.0.0.1:9/slack");

        Assert.Same(rig.Channels.Get("slack"), rig.Channels.Get("slack"));
    }

    [Fact]
    public async Task Which_channels_are_on_and_off_is_logged_once_with_the_missing_setting_names()
    {
        await using var rig = ChannelRig.Create(s =>
        {
            s.Slack.WebhookUrl = "http://127.0.0.1:9/services/XXsecretXX";
            s.Telegram.BotToken = "123:XXtokenXX";
        });
        _ = rig.Channels;
        _ = rig.Channels.Get("slack");

        var entry = Assert.Single(rig.Log.Entries, e => e.Category == typeof(AlertChannels).FullName);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Contains("on: slack;", entry.Message);
        Assert.Contains("teams (Alerts__Teams__WebhookUrl missing)", entry.Message);
        Assert.Contains("telegram (Alerts__Telegram__ChatId missing)", entry.Message);
        Assert.Contains("email (Alerts__Email__Host, Alerts__Email__To missing)", entry.Message);
        Assert.Contains("webhook (Alerts__Webhook__Url missing)", entry.Message);
        Assert.DoesNotContain("XXsecretXX", entry.Message);
        Assert.DoesNotContain("XXtokenXX", entry.Message);
    }
}
