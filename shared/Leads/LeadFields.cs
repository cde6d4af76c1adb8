namespace Leitstand.Leads;

/// <summary>The field names the landing-page form and JSON callers use (API names, snake_case).</summary>
public static class LeadFields
{
    public const string Name = "name";
    public const string Email = "email";
    public const string Phone = "phone";
    public const string Company = "company";
    public const string Message = "message";
    public const string Source = "source";
    public const string Page = "page";
    public const string UtmSource = "utm_source";
    public const string UtmMedium = "utm_medium";
    public const string UtmCampaign = "utm_campaign";
    public const string UtmTerm = "utm_term";
    public const string UtmContent = "utm_content";
    public const string Consent = "consent";
    public const string ConsentTextVersion = "consent_text_version";
    /// <summary>Honeypot: hidden from people, filled in by bots.</summary>
    public const string Honeypot = "website";
    /// <summary>Set by the page's script on load (Unix milliseconds); used for the minimum fill time.</summary>
    public const string FormStartedAt = "form_started_at";
    /// <summary>Not a field: the key under which problems with the body as a whole are reported.</summary>
    public const string Body = "body";
}
