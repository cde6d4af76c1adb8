namespace Leitstand.Leads;

/// <summary>A validated, normalised lead form submission.</summary>
public sealed record LeadSubmission(
    string Name,
    string Email,
    string? Phone,
    string? Company,
    string? Message,
    string Source,
    string? UtmSource,
    string? UtmMedium,
    string? UtmCampaign,
    string? UtmTerm,
    string? UtmContent,
    string ConsentTextVersion,
    string ConsentSource);
