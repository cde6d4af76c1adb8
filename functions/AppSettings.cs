using System.Text.RegularExpressions;
using Leitstand.Alerts;
using Leitstand.Auth;
using Leitstand.Fulfilment;
using Leitstand.Leads;
using Leitstand.Monitoring;
using Leitstand.Pipeline;
using Leitstand.Privacy;
using Leitstand.Retention;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Leitstand.Functions;

/// <summary>
/// Every settings section the app binds, validated when the host starts (<c>ValidateOnStart</c>): a bad value
/// stops the app at start with one English message per value, naming the app setting
/// (e.g. "Agents__KeyHandoverKey must be 32 random bytes in base64 …"), instead of failing on first use.
/// The sections' classes are registered as singletons, so the use cases take them as before.
/// </summary>
public static partial class AppSettings
{
    /// <summary>Section and class of every bound setting; the settings test checks them against the sample, the README and the Bicep.</summary>
    public static readonly IReadOnlyList<(string Section, Type Type)> Sections =
    [
        ("Database", typeof(DatabaseSettings)),
        ("AzureWebJobsStorage", typeof(StorageSettings)),
        ("Leads", typeof(LeadCaptureSettings)),
        ("Pipeline", typeof(PipelineSettings)),
        ("Agents", typeof(AgentKeySettings)),
        ("Monitoring", typeof(MonitoringSettings)),
        ("Auth", typeof(AuthSettings)),
        ("Alerts", typeof(AlertSettings)),
        ("Fulfilment", typeof(FulfilmentSettings)),
        ("Privacy", typeof(PrivacySettings)),
        ("Retention", typeof(RetentionSettings)),
    ];

    public static IServiceCollection AddValidatedSettings(this IServiceCollection services, IConfiguration configuration)
    {
        Add<DatabaseSettings>(services, configuration, "Database", s => s.Validate());
        // "AzureWebJobsStorage" is a connection string (locally) or a section (identity-based, in Azure), as for the Functions host.
        Add<StorageSettings>(services, configuration, "AzureWebJobsStorage", s => s.Validate(),
            (section, s) => { section.Bind(s); s.ConnectionString = section.Value ?? ""; });
        Add<LeadCaptureSettings>(services, configuration, "Leads", s => s.Validate());
        Add<PipelineSettings>(services, configuration, "Pipeline", s => s.Validate());
        Add<AgentKeySettings>(services, configuration, "Agents", s => s.Validate());
        Add<MonitoringSettings>(services, configuration, "Monitoring", s => s.Validate());
        Add<AuthSettings>(services, configuration, "Auth", s => s.Validate());
        Add<AlertSettings>(services, configuration, "Alerts", s => s.Validate());
        Add<FulfilmentSettings>(services, configuration, "Fulfilment", s => s.Validate());
        Add<PrivacySettings>(services, configuration, "Privacy", s => s.Validate());
        Add<RetentionSettings>(services, configuration, "Retention", s => s.Validate());
        return services;
    }

    /// <summary>
    /// The messages of a failed start: every failure of every section (the host throws one
    /// OptionsValidationException, or an AggregateException of several). Empty for any other exception.
    /// </summary>
    public static IReadOnlyList<string> Failures(Exception exception) => exception switch
    {
        OptionsValidationException options => [.. options.Failures],
        AggregateException aggregate => [.. aggregate.InnerExceptions.SelectMany(Failures)],
        _ => [],
    };

    /// <summary>"Alerts:Email:Host" as the app setting is spelled: "Alerts__Email__Host".</summary>
    public static string SettingName(string configurationKey) => configurationKey.Replace(":", "__", StringComparison.Ordinal);

    private static void Add<T>(IServiceCollection services, IConfiguration configuration, string sectionName,
        Func<T, IReadOnlyList<string>> validate, Action<IConfigurationSection, T>? bind = null) where T : class
    {
        var section = configuration.GetSection(sectionName);
        bind ??= (s, options) => s.Bind(options);
        services.AddOptions<T>()
            .Configure(options =>
            {
                try { bind(section, options); }
                catch (InvalidOperationException ex)
                {
                    // The binder's "Failed to convert configuration value …" becomes a validation failure like the others.
                    throw new OptionsValidationException(Options.DefaultName, typeof(T), [ConversionMessage(ex)]);
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(new SectionValidator<T>(section, validate));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
    }

    private static string ConversionMessage(InvalidOperationException ex)
    {
        var match = ConversionError().Match(ex.InnerException?.Message is { } inner && !ConversionError().IsMatch(ex.Message) ? inner : ex.Message);
        if (!match.Success) return ex.Message;
        var kind = match.Groups["type"].Value switch
        {
            "System.Int32" or "System.Int64" => "a whole number",
            "System.Double" or "System.Decimal" => "a number",
            "System.Boolean" => "true or false",
            var other => "a " + other,
        };
        return $"{SettingName(match.Groups["key"].Value)} must be {kind}, got '{match.Groups["value"].Value}'.";
    }

    [GeneratedRegex("value '(?<value>[^']*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex ConversionError();

    private sealed class SectionValidator<T>(IConfigurationSection section, Func<T, IReadOnlyList<string>> validate) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            // In Azure a Key Vault reference the platform could not resolve arrives as its own text.
            var unresolved = section.AsEnumerable()
                .Where(kv => kv.Value is { } v && v.StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase))
                .Select(kv => SettingName(kv.Key))
                .Order(StringComparer.Ordinal)
                .ToList();
            var errors = unresolved
                .Select(key => $"{key} is an unresolved Key Vault reference: the secret is missing or the app's identity may not read it (role Key Vault Secrets User).")
                .Concat(validate(options).Where(e => !unresolved.Any(key => e.StartsWith(key + " ", StringComparison.Ordinal))))
                .ToList();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
