using Leitstand.Platform;

namespace Leitstand.Leads;

/// <summary>
/// Settings of the lead form (configuration section "Leads"; see local.settings.sample.json). Validated at
/// start (<see cref="Validate"/>), one message per bad value.
/// </summary>
public sealed class LeadCaptureSettings
{
    /// <summary>
    /// Origins allowed to post the form from a browser (CORS). No default: the configuration binder appends
    /// to an array's default, so a default here would be allowed in Azure too.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];
    /// <summary>Where a plain HTML form post is redirected after success (303).</summary>
    public string ThankYouUrl { get; set; } = "/danke.html";
    /// <summary>Where the error page links back to.</summary>
    public string FormUrl { get; set; } = "/#anfrage";
    public int MaxBodyBytes { get; set; } = 16 * 1024;
    public int RateLimitPerMinute { get; set; } = 5;
    /// <summary>Form posts faster than this after the page loaded are treated as bots.</summary>
    public double MinFillSeconds { get; set; } = 3;
    /// <summary>Key for hashing client addresses (HMAC); set a long random value in Azure (Key Vault).</summary>
    public string ClientHashKey { get; set; } = "";
    public string LeadCapturedQueue { get; set; } = "lead-captured";

    /// <summary>One English message per bad value, naming the app setting (empty when all is well).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (ClientHashKey.Length < 16)
            errors.Add("Leads__ClientHashKey must be at least 16 characters (a random secret from Key Vault in Azure).");
        if (AllowedOrigins.Length == 0)
            errors.Add("Leads__AllowedOrigins__0 is required: the origin of the landing page, e.g. https://agent-in-5-stunden.de.");
        for (var i = 0; i < AllowedOrigins.Length; i++)
            if (!IsOrigin(AllowedOrigins[i]))
                errors.Add($"Leads__AllowedOrigins__{i} must be an origin (scheme, host and port, no path), e.g. https://agent-in-5-stunden.de, got '{AllowedOrigins[i]}'.");
        if (!IsPageUrl(ThankYouUrl))
            errors.Add($"Leads__ThankYouUrl must be a path starting with '/' or an absolute https URL, got '{ThankYouUrl}'.");
        if (!IsPageUrl(FormUrl))
            errors.Add($"Leads__FormUrl must be a path starting with '/' or an absolute https URL, got '{FormUrl}'.");
        if (MaxBodyBytes is < 1024 or > 1024 * 1024)
            errors.Add($"Leads__MaxBodyBytes must be between 1024 and 1048576, got {MaxBodyBytes}.");
        if (RateLimitPerMinute is < 1 or > 1000)
            errors.Add($"Leads__RateLimitPerMinute must be between 1 and 1000, got {RateLimitPerMinute}.");
        if (MinFillSeconds is < 0 or > 60 || double.IsNaN(MinFillSeconds))
            errors.Add($"Leads__MinFillSeconds must be between 0 and 60, got {MinFillSeconds}.");
        if (!QueueNames.IsValid(LeadCapturedQueue))
            errors.Add($"Leads__LeadCapturedQueue must be a storage queue name ({QueueNames.RuleText}), got '{LeadCapturedQueue}'.");
        return errors;
    }

    private static bool IsOrigin(string value) =>
        Uri.TryCreate(value.TrimEnd('/'), UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
        && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0;

    private static bool IsPageUrl(string value) =>
        (value.StartsWith('/') && !value.StartsWith("//", StringComparison.Ordinal))
        || (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)));
}
