using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Leitstand.Functions;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Tests.Infra;

/// <summary>infra/bicep: builds and lints without a warning, and deploys what the code needs (compiled ARM template).</summary>
public sealed partial class BicepTests
{
    private static string Diagnostics(BicepCli.Result result) => (result.Output + result.Errors).Trim();

    [Fact]
    public async Task Main_template_and_its_modules_build_and_lint_without_a_warning()
    {
        await BicepCli.BuildMainAsync();
        var lint = await BicepCli.RunAsync("lint", "main.bicep");

        Assert.True(lint.ExitCode == 0 && Diagnostics(lint).Length == 0, $"bicep lint main.bicep:\n{Diagnostics(lint)}");
    }

    [Fact]
    public async Task Every_environment_has_a_parameter_file_that_builds_and_lints_without_a_warning()
    {
        var files = Directory.GetFiles(BicepCli.Folder, "*.bicepparam").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["prod.bicepparam", "staging.bicepparam"], files);

        foreach (var file in files)
        {
            var build = await BicepCli.RunAsync("build-params", file!, "--stdout");
            Assert.True(build.ExitCode == 0 && build.Errors.Trim().Length == 0, $"bicep build-params {file}:\n{build.Errors}");
            var lint = await BicepCli.RunAsync("lint", file!);
            Assert.True(lint.ExitCode == 0 && Diagnostics(lint).Length == 0, $"bicep lint {file}:\n{Diagnostics(lint)}");
        }
    }

    [Fact]
    public async Task Everything_is_deployed_to_germany_west_central_unless_told_otherwise()
    {
        var template = await BicepCli.BuildMainAsync();

        Assert.Equal("germanywestcentral", template.GetProperty("parameters").GetProperty("location").GetProperty("defaultValue").GetString());
        // Every module gets the location parameter; nothing falls back to the resource group's region.
        foreach (var module in BicepCli.OfType(template, "Microsoft.Resources/deployments").Where(m => m.GetProperty("properties").GetProperty("template").GetProperty("parameters").TryGetProperty("location", out _)))
            Assert.Equal("[parameters('location')]", module.GetProperty("properties").GetProperty("parameters").GetProperty("location").GetProperty("value").GetString());
        Assert.DoesNotContain("resourceGroup().location", template.GetRawText(), StringComparison.Ordinal);
        foreach (var file in Directory.GetFiles(BicepCli.Folder, "*.bicepparam"))
            Assert.Contains("param location = 'germanywestcentral'", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_function_app_runs_dotnet_isolated_10_on_flex_consumption_with_memory_and_instances_as_parameters()
    {
        var template = await BicepCli.BuildMainAsync();
        var plan = Assert.Single(BicepCli.OfType(template, "Microsoft.Web/serverfarms"));
        var site = Assert.Single(BicepCli.OfType(template, "Microsoft.Web/sites")).GetProperty("properties");
        var config = site.GetProperty("functionAppConfig");

        Assert.Equal("FlexConsumption", plan.GetProperty("sku").GetProperty("tier").GetString());
        Assert.Equal("dotnet-isolated", config.GetProperty("runtime").GetProperty("name").GetString());
        Assert.Equal("10.0", config.GetProperty("runtime").GetProperty("version").GetString());
        Assert.Equal("[parameters('instanceMemoryMB')]", config.GetProperty("scaleAndConcurrency").GetProperty("instanceMemoryMB").GetString());
        Assert.Equal("[parameters('maximumInstanceCount')]", config.GetProperty("scaleAndConcurrency").GetProperty("maximumInstanceCount").GetString());
        Assert.Equal("SystemAssignedIdentity", config.GetProperty("deployment").GetProperty("storage").GetProperty("authentication").GetProperty("type").GetString());
        Assert.True(site.GetProperty("httpsOnly").GetBoolean());
        var module = BicepCli.OfType(template, "Microsoft.Resources/deployments").Single(m => m.GetProperty("name").GetString() == "functionapp");
        Assert.Equal("[parameters('instanceMemoryMB')]", module.GetProperty("properties").GetProperty("parameters").GetProperty("instanceMemoryMB").GetProperty("value").GetString());
        Assert.Equal("[parameters('maximumInstanceCount')]", module.GetProperty("properties").GetProperty("parameters").GetProperty("maximumInstanceCount").GetProperty("value").GetString());
    }

    [Fact]
    public async Task The_storage_account_takes_no_shared_keys_and_azure_web_jobs_storage_is_identity_based()
    {
        var template = await BicepCli.BuildMainAsync();
        var account = Assert.Single(BicepCli.OfType(template, "Microsoft.Storage/storageAccounts")).GetProperty("properties");

        Assert.False(account.GetProperty("allowSharedKeyAccess").GetBoolean());
        Assert.False(account.GetProperty("allowBlobPublicAccess").GetBoolean());
        Assert.DoesNotContain("listKeys(", template.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", template.GetRawText(), StringComparison.Ordinal);
        var settings = BicepSource.AppSettings();
        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
        Assert.Equal("'managedidentity'", settings["AzureWebJobsStorage__credential"]);
        Assert.Contains("AzureWebJobsStorage__accountName", settings.Keys);
    }

    [Fact]
    public async Task Every_queue_the_functions_listen_to_is_created_with_its_poison_queue()
    {
        var template = await BicepCli.BuildMainAsync();
        var storage = BicepCli.OfType(template, "Microsoft.Resources/deployments").Single(m => m.GetProperty("name").GetString() == "storage");
        var created = storage.GetProperty("properties").GetProperty("parameters").GetProperty("queues").GetProperty("value").EnumerateArray()
            .Select(q => Resolve(template, q.GetString()!)).ToHashSet();
        var queueResource = Assert.Single(BicepCli.OfType(template, "Microsoft.Storage/storageAccounts/queueServices/queues"));
        // The storage module creates each queue and "<queue>-poison".
        Assert.Contains("format('{0}-poison', lambdaVariables('q'))", queueResource.GetProperty("name").GetString(), StringComparison.Ordinal);

        var triggers = typeof(ServiceSetup).Assembly.GetTypes().SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetParameters()).Select(p => p.GetCustomAttribute<QueueTriggerAttribute>()).OfType<QueueTriggerAttribute>()
            .Select(a => a.QueueName).ToList();
        Assert.NotEmpty(triggers);
        var settings = BicepSource.AppSettings();
        foreach (var queueName in triggers)
        {
            // "%Alerts:Queue%" names a setting; the Bicep sets it to one of the created queues.
            var setting = SettingReference().Match(queueName) is { Success: true } m ? AppSettings.SettingName(m.Groups[1].Value) : null;
            var value = setting is null ? queueName : Resolve(template, $"[variables('{settings[setting]}')]");
            Assert.True(created.Contains(value), $"Queue '{value}' of trigger '{queueName}' is not created by infra/bicep (created: {string.Join(", ", created)}).");
        }
    }

    [Fact]
    public async Task The_app_identity_holds_exactly_blob_queue_key_vault_secrets_and_metrics_roles()
    {
        var template = await BicepCli.BuildMainAsync();
        var roles = BicepCli.OfType(template, "Microsoft.Resources/deployments").Single(m => m.GetProperty("name").GetString() == "roles").GetProperty("properties").GetProperty("template");
        var ids = BicepCli.OfType(roles, "Microsoft.Authorization/roleAssignments")
            .Select(r => RoleVariable().Match(r.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!).Groups[1].Value)
            .Select(v => roles.GetProperty("variables").GetProperty(v).GetString()!)
            .Order().ToList();

        Assert.Equal(new[]
        {
            "3913510d-42f4-4e42-8a64-420c390055eb", // Monitoring Metrics Publisher
            "4633458b-17de-408a-b874-0445c86b69e6", // Key Vault Secrets User
            "974c5e8b-45b9-4653-ba55-5f855dd0fb88", // Storage Queue Data Contributor
            "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", // Storage Blob Data Owner
        }, ids);
    }

    [Fact]
    public async Task Telemetry_and_the_vault_take_no_keys_or_access_policies()
    {
        var template = await BicepCli.BuildMainAsync();
        var insights = Assert.Single(BicepCli.OfType(template, "Microsoft.Insights/components")).GetProperty("properties");
        var workspace = Assert.Single(BicepCli.OfType(template, "Microsoft.OperationalInsights/workspaces")).GetProperty("properties");
        var vault = Assert.Single(BicepCli.OfType(template, "Microsoft.KeyVault/vaults")).GetProperty("properties");

        Assert.True(insights.GetProperty("DisableLocalAuth").GetBoolean());
        Assert.True(workspace.GetProperty("features").GetProperty("disableLocalAuth").GetBoolean());
        Assert.True(vault.GetProperty("enableRbacAuthorization").GetBoolean());
        Assert.True(vault.GetProperty("enablePurgeProtection").GetBoolean());
        Assert.Equal("'Authorization=AAD'", BicepSource.AppSettings()["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
    }

    [Fact]
    public async Task Outputs_give_the_urls_of_the_landing_page_form_the_status_center_and_the_supabase_webhook()
    {
        var outputs = (await BicepCli.BuildMainAsync()).GetProperty("outputs");

        Assert.Contains("'{0}/api/leads'", outputs.GetProperty("leadFormUrl").GetProperty("value").GetString(), StringComparison.Ordinal);
        Assert.Equal(outputs.GetProperty("functionsUrl").GetProperty("value").GetString(), outputs.GetProperty("statusCenterApiBase").GetProperty("value").GetString());
        Assert.Contains("defaultHostName", outputs.GetProperty("functionsUrl").GetProperty("value").GetString(), StringComparison.Ordinal);
        Assert.Contains("'{0}/api/webhooks/supabase'", outputs.GetProperty("supabaseWebhookUrl").GetProperty("value").GetString(), StringComparison.Ordinal);
        Assert.True(outputs.TryGetProperty("keyVaultSecretNames", out _));
    }

    [Fact]
    public void Every_secret_setting_is_a_versionless_key_vault_reference()
    {
        var settings = BicepSource.AppSettings();
        var secrets = settings.Where(s => s.Value.StartsWith("secret(", StringComparison.Ordinal)).Select(s => s.Key).ToHashSet();

        Assert.Superset(new HashSet<string>
        {
            "Database__ConnectionString", "Pipeline__WebhookSecret", "Agents__KeyHandoverKey", "Leads__ClientHashKey", "Alerts__AckLinkSecret",
            "Auth__LegacyJwtSecret", "Alerts__Slack__WebhookUrl", "Alerts__Teams__WebhookUrl", "Alerts__Telegram__BotToken",
            "Alerts__Email__Password", "Alerts__Webhook__Secret",
        }, secrets);
        Assert.Contains("func secret(vaultUri string, secretName string) string => '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/${secretName})'",
            BicepSource.MainBicep(), StringComparison.Ordinal);
    }

    /// <summary>A literal or "[variables('x')]" of the main template.</summary>
    private static string Resolve(JsonElement template, string expression) =>
        VariableReference().Match(expression) is { Success: true } m ? template.GetProperty("variables").GetProperty(m.Groups[1].Value).GetString()! : expression;

    [GeneratedRegex(@"^\[variables\('([^']+)'\)\]$")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"^%([^%]+)%$")]
    private static partial Regex SettingReference();

    [GeneratedRegex(@"variables\('([^']+)'\)")]
    private static partial Regex RoleVariable();
}
