namespace Leitstand.Leads;

/// <summary>Settings of the lead form (configuration section "Leads"; see local.settings.sample.json).</summary>
public sealed class LeadCaptureSettings
{
    /// <summary>Origins allowed to post the form from a browser (CORS).</summary>
    public string[] AllowedOrigins { get; set; } = ["http://localhost:7071", "http://127.0.0.1:7071"];
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
}
