namespace Leitstand.Leads;

/// <summary>
/// Queue message "lead captured" (queue <c>lead-captured</c>), documented in docs/queue-messages.md.
/// It carries no personal data: consumers read the lead by id.
/// </summary>
public sealed record LeadCaptured(
    Guid MessageId,
    DateTime OccurredAt,
    Guid LeadId,
    bool IsNewLead,
    bool Reopened,
    string Stage,
    string Source,
    string? UtmCampaign)
{
    public string Type => "lead.captured";
    public int Version => 2;
}
