namespace Leitstand.Fulfilment;

/// <summary>
/// Settings of fulfilment (configuration section "Fulfilment", app settings <c>Fulfilment__…</c>): the customer's
/// onboarding link. Validated at start (<see cref="Validate"/>), one message per bad value.
/// </summary>
public sealed class FulfilmentSettings
{
    /// <summary>Key of the HMAC that signs the customers' onboarding links (at least 32 characters; Key Vault in Azure).</summary>
    public string LinkSecret { get; set; } = "";
    /// <summary>Base URL of this functions app as customers reach it (the onboarding links point here).</summary>
    public string PublicFunctionsUrl { get; set; } = "http://localhost:7071";
    /// <summary>How long an onboarding link is good for.</summary>
    public int LinkValidDays { get; set; } = 14;
    /// <summary>Largest questionnaire post (bytes); larger is 413.</summary>
    public int MaxBodyBytes { get; set; } = 65536;

    /// <summary>One English message per bad value, naming the app setting (empty when all is well).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (LinkSecret.Length < 32) errors.Add("Fulfilment__LinkSecret must be at least 32 characters (a random secret from Key Vault).");
        if (!Uri.TryCreate(PublicFunctionsUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
            errors.Add($"Fulfilment__PublicFunctionsUrl must be an absolute https URL (http only for localhost), got '{PublicFunctionsUrl}'.");
        if (LinkValidDays is < 1 or > 90) errors.Add($"Fulfilment__LinkValidDays must be between 1 and 90, got {LinkValidDays}.");
        if (MaxBodyBytes is < 4096 or > 1_048_576) errors.Add($"Fulfilment__MaxBodyBytes must be between 4096 and 1048576, got {MaxBodyBytes}.");
        return errors;
    }
}
