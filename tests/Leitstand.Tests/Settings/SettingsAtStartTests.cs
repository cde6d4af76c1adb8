using Leitstand.Functions;
using Leitstand.LocalHost.Functions;

namespace Leitstand.Tests.Settings;

/// <summary>
/// The app validates every setting when it starts (AppSettings, ValidateOnStart): the local host over the
/// sample settings, with one value made bad, refuses to start with exactly one message, naming that setting.
/// </summary>
public sealed class SettingsAtStartTests
{
    private static async Task<IReadOnlyList<string>> StartFailuresAsync(params (string Key, string? Value)[] settings)
    {
        var app = FunctionsWebHost.Build(new FunctionsHostOptions
        {
            Url = "http://127.0.0.1:0",
            Settings = settings.ToDictionary(s => s.Key, s => s.Value),
            RunTimers = false,
            RunQueues = false,
            ConfigureServices = Leitstand.Tests.Fixtures.PiiCapture.AddTo, // its log lines, for the personal-data scan
        });
        try
        {
            await app.StartAsync();
            await app.StopAsync();
            return [];
        }
        catch (Exception ex) when (AppSettings.Failures(ex) is { Count: > 0 } failures)
        {
            return failures;
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_sample_settings_start_the_app()
    {
        Assert.Empty(await StartFailuresAsync());
    }

    [Theory]
    [InlineData("Agents:KeyHandoverKey", "dG9vLXNob3J0", "Agents__KeyHandoverKey must be 32 random bytes in base64")]
    [InlineData("Agents:KeyHandoverKey", "", "Agents__KeyHandoverKey must be 32 random bytes in base64")]
    [InlineData("Pipeline:WebhookSecret", "", "Pipeline__WebhookSecret must be at least 32 characters")]
    [InlineData("Pipeline:BatchSize", "0", "Pipeline__BatchSize must be between 1 and 1000, got 0")]
    [InlineData("Leads:ClientHashKey", "short", "Leads__ClientHashKey must be at least 16 characters")]
    [InlineData("Leads:AllowedOrigins:1", "https://example.de/formular", "Leads__AllowedOrigins__1 must be an origin")]
    [InlineData("Leads:LeadCapturedQueue", "Lead_Captured", "Leads__LeadCapturedQueue must be a storage queue name")]
    [InlineData("Leads:ThankYouUrl", "danke.html", "Leads__ThankYouUrl must be a path starting with '/'")]
    [InlineData("Monitoring:FlipsPerHour", "sechs", "Monitoring__FlipsPerHour must be a whole number, got 'sechs'")]
    [InlineData("Monitoring:HeartbeatWriters", "0", "Monitoring__HeartbeatWriters must be between 1 and 16, got 0")]
    [InlineData("Database:ConnectionString", "", "Database__ConnectionString is required")]
    [InlineData("Database:ConnectionString", "Host=aws-1-eu-central-1.pooler.supabase.com;Port=6543;Username=leitstand_functions.abcd;Password=pw;SSL Mode=Require;Max Auto Prepare=20", "Database__ConnectionString must have Max Auto Prepare=0 on port 6543")]
    [InlineData("Database:ConnectionString", "Host=aws-1-eu-central-1.pooler.supabase.com;Port=6543;Username=leitstand_functions.abcd;Password=pw", "Database__ConnectionString must encrypt the connection")]
    [InlineData("Database:ConnectionString", "Hots=127.0.0.1;Password=geheim", "Database__ConnectionString is not an Npgsql connection string")]
    [InlineData("AzureWebJobsStorage", "", "AzureWebJobsStorage is required")]
    [InlineData("Auth:SupabaseUrl", "http://abcd.supabase.co", "Auth__SupabaseUrl must be an absolute https URL")]
    [InlineData("Auth:ClockSkewSeconds", "900", "Auth__ClockSkewSeconds must be between 0 and 300")]
    [InlineData("Alerts:AckLinkSecret", "short", "Alerts__AckLinkSecret must be at least 32 characters")]
    [InlineData("Alerts:Email:UseStartTls", "ja", "Alerts__Email__UseStartTls must be true or false, got 'ja'")]
    public async Task A_bad_value_stops_the_start_with_one_message_naming_its_setting(string key, string value, string message)
    {
        var failures = await StartFailuresAsync((key, value));

        Assert.StartsWith(message, Assert.Single(failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unresolved_key_vault_reference_is_named_once_as_such()
    {
        var failures = await StartFailuresAsync(("Agents:KeyHandoverKey", "@Microsoft.KeyVault(SecretUri=https://leitstand-kv.vault.azure.net/secrets/agent-key-handover-key)"));

        Assert.StartsWith("Agents__KeyHandoverKey is an unresolved Key Vault reference", Assert.Single(failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_values_in_several_sections_are_reported_together_one_message_each()
    {
        var failures = await StartFailuresAsync(("Agents:KeyHandoverKey", "kurz"), ("Pipeline:WebhookSecret", "kurz"), ("Monitoring:MaxBodyBytes", "10"));

        Assert.Equal(3, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Agents__KeyHandoverKey ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Pipeline__WebhookSecret ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Monitoring__MaxBodyBytes ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_connection_string_is_never_echoed()
    {
        var failures = await StartFailuresAsync(("Database:ConnectionString", "Hots=127.0.0.1;Password=streng-geheim"));

        Assert.DoesNotContain("streng-geheim", Assert.Single(failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Identity_based_storage_as_in_azure_is_valid_without_a_connection_string()
    {
        var failures = await StartFailuresAsync(
            ("AzureWebJobsStorage", null),
            ("AzureWebJobsStorage:accountName", "stleitstandabc"),
            ("AzureWebJobsStorage:queueServiceUri", "https://stleitstandabc.queue.core.windows.net"),
            ("AzureWebJobsStorage:credential", "managedidentity"));

        Assert.Empty(failures);
    }
}
