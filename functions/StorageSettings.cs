using Azure.Core;
using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace Leitstand.Functions;

/// <summary>
/// The storage account of the queues, read like the Functions host reads <c>AzureWebJobsStorage</c>: locally a
/// connection string (Azurite), in Azure identity-based (<c>AzureWebJobsStorage__accountName</c> or
/// <c>__queueServiceUri</c>, <c>__credential</c> = managedidentity; the account allows no shared keys).
/// </summary>
public sealed class StorageSettings
{
    /// <summary>The value of AzureWebJobsStorage itself, when it is a connection string.</summary>
    public string ConnectionString { get; set; } = "";
    public string AccountName { get; set; } = "";
    public string QueueServiceUri { get; set; } = "";
    /// <summary>"managedidentity" in Azure (the app's system-assigned identity); empty: DefaultAzureCredential (an operator's az login for --poison against Azure).</summary>
    public string Credential { get; set; } = "";

    public static StorageSettings From(IConfigurationSection section)
    {
        var settings = new StorageSettings();
        section.Bind(settings);
        settings.ConnectionString = section.Value ?? "";
        return settings;
    }

    public bool IsConfigured => ConnectionString.Length > 0 || AccountName.Length > 0 || QueueServiceUri.Length > 0;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!IsConfigured)
            errors.Add("AzureWebJobsStorage is required: a connection string (locally UseDevelopmentStorage=true) or, in Azure, AzureWebJobsStorage__accountName with AzureWebJobsStorage__credential=managedidentity.");
        if (ConnectionString.Length == 0 && QueueServiceUri.Length > 0
            && (!Uri.TryCreate(QueueServiceUri, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps))
            errors.Add($"AzureWebJobsStorage__queueServiceUri must be an absolute https URL (https://<account>.queue.core.windows.net), got '{QueueServiceUri}'.");
        if (Credential.Length > 0 && !Credential.Equals("managedidentity", StringComparison.OrdinalIgnoreCase))
            errors.Add($"AzureWebJobsStorage__credential must be 'managedidentity' or empty, got '{Credential}'.");
        return errors;
    }

    public QueueServiceClient CreateQueueServiceClient(QueueClientOptions options)
    {
        if (ConnectionString.Length > 0) return new QueueServiceClient(ConnectionString, options);
        var uri = new Uri(QueueServiceUri.Length > 0 ? QueueServiceUri : $"https://{AccountName}.queue.core.windows.net");
        TokenCredential credential = Credential.Equals("managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
            : new DefaultAzureCredential();
        return new QueueServiceClient(uri, credential, options);
    }
}
