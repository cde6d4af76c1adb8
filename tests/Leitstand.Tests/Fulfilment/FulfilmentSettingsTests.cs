using Leitstand.Functions;
using Leitstand.Fulfilment;
using Leitstand.LocalHost.Functions;

namespace Leitstand.Tests.Fulfilment;

/// <summary>Fulfilment__… settings: validated at start with a message naming the setting.</summary>
public sealed class FulfilmentSettingsTests
{
    [Fact]
    public void A_short_link_secret_and_a_plain_http_url_are_refused_each_with_its_message()
    {
        var errors = new FulfilmentSettings { LinkSecret = "short", PublicFunctionsUrl = "http://example.de", LinkValidDays = 0 }.Validate();

        Assert.Contains(errors, e => e.StartsWith("Fulfilment__LinkSecret must be at least 32 characters", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Fulfilment__PublicFunctionsUrl must be an absolute https URL", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Fulfilment__LinkValidDays must be between 1 and 90", StringComparison.Ordinal));
        Assert.Empty(new FulfilmentSettings { LinkSecret = new string('k', 32) }.Validate());
    }

    [Fact]
    public async Task The_app_does_not_start_without_a_link_secret()
    {
        var app = FunctionsWebHost.Build(new FunctionsHostOptions
        {
            Url = "http://127.0.0.1:0",
            Settings = new Dictionary<string, string?> { ["Fulfilment:LinkSecret"] = "" },
            RunTimers = false,
            RunQueues = false,
            ConfigureServices = Leitstand.Tests.Fixtures.PiiCapture.AddTo, // its log lines, for the personal-data scan
        });
        try
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());
            Assert.Equal(["Fulfilment__LinkSecret must be at least 32 characters (a random secret from Key Vault)."], AppSettings.Failures(error));
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}
