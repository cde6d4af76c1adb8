using Leitstand.Alerts;
using Leitstand.Functions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Leitstand.Tests.Alerts;

public sealed class AlertSettingsTests
{
    private static AlertSettings Valid() => new() { AckLinkSecret = new string('k', 40) };

    [Fact]
    public void The_defaults_with_a_secret_are_valid_and_every_channel_is_off()
    {
        var settings = Valid();
        Assert.Empty(settings.Validate());
        Assert.False(settings.SlackOn || settings.TeamsOn || settings.TelegramOn || settings.EmailOn || settings.WebhookOn);
    }

    [Fact]
    public void Each_bad_value_gets_its_own_message_naming_the_setting_without_echoing_secrets()
    {
        var settings = Valid();
        settings.AckLinkSecret = "short";
        settings.Slack.WebhookUrl = "http://hooks.slack.com/services/T000/B000/SECRETPART";
        settings.Telegram.BotToken = "123:abc";
        settings.Webhook.Url = "https://example.de/hook";
        settings.Webhook.Secret = "not-a-standard-webhooks-secret";
        settings.Email.Host = "smtp.example.de";

        var errors = settings.Validate();

        Assert.Contains(errors, e => e.StartsWith("Alerts__AckLinkSecret", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Alerts__Slack__WebhookUrl must be an absolute https URL", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Alerts__Telegram__BotToken and Alerts__Telegram__ChatId go together", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Alerts__Webhook__Secret must be 'whsec_'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Alerts__Email__Host and Alerts__Email__To go together", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("SECRETPART", StringComparison.Ordinal) || e.Contains("123:abc", StringComparison.Ordinal));
    }

    [Fact]
    public void The_app_refuses_to_start_with_invalid_alert_settings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = "Host=127.0.0.1",
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Leads:ClientHashKey"] = new string('h', 32),
            ["Alerts:AckLinkSecret"] = new string('k', 40),
            ["Alerts:Webhook:Url"] = "https://example.de/hook",
        }).Build();

        using var provider = new ServiceCollection().AddLeitstand(configuration).BuildServiceProvider();

        var error = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(AppSettings.Failures(error), f => f.StartsWith("Alerts__Webhook__Secret", StringComparison.Ordinal));
    }

    [Fact]
    public void Sending_timeout_must_cover_the_longest_send()
    {
        var settings = Valid();
        settings.SendingTimeoutSeconds = 20; // 3 attempts of 10 s alone take 30 s

        Assert.Contains(settings.Validate(), e => e.StartsWith("Alerts__SendingTimeoutSeconds", StringComparison.Ordinal));
    }
}
