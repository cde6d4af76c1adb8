namespace Leitstand.Retention;

/// <summary>
/// The retention periods (configuration section "Retention"), validated at start (<see cref="Validate"/>). The defaults
/// are what the privacy page and docs/datenschutz.md promise: web/landing/retention.json states them, and a test keeps
/// that file, the page, the document and these defaults equal. LOST leads keep Pipeline__LostRetentionDays, heartbeats
/// and status flips Monitoring__HeartbeatRetentionDays / FlipRetentionDays.
/// </summary>
public sealed class RetentionSettings
{
    /// <summary>A lead in NEW … CALL_BOOKED is anonymised this long after its last contact (touchpoint, stage change, creation).</summary>
    public int OpenLeadMonths { get; set; } = 12;
    /// <summary>A cold prospect never contacted (no touchpoint) is anonymised this long after it was entered.</summary>
    public int UncontactedProspectMonths { get; set; } = 3;
    /// <summary>A customer is anonymised this long after the contract ended (docs/datenschutz.md, "Vertragsende"); won deals stay.</summary>
    public int CustomerMonths { get; set; } = 36;
    /// <summary>Resolved incidents and their events are deleted this long after they were resolved.</summary>
    public int IncidentMonths { get; set; } = 12;
    /// <summary>Sent outbox messages are deleted this long after they were sent.</summary>
    public int OutboxDays { get; set; } = 30;
    /// <summary>Alerts and their delivery log are deleted this long after they were raised (none may still be in delivery).</summary>
    public int AlertDays { get; set; } = 90;
    /// <summary>Rate-limit windows (hashed client, never an address) are deleted this long after they started.</summary>
    public int RateLimitDays { get; set; } = 1;

    /// <summary>One English message per bad value, naming the app setting (empty when all is well).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Range(string name, int value, int min, int max)
        {
            if (value < min || value > max) errors.Add($"Retention__{name} must be between {min} and {max}, got {value}.");
        }
        Range(nameof(OpenLeadMonths), OpenLeadMonths, 1, 120);
        Range(nameof(UncontactedProspectMonths), UncontactedProspectMonths, 1, 120);
        Range(nameof(CustomerMonths), CustomerMonths, 1, 240);
        Range(nameof(IncidentMonths), IncidentMonths, 1, 120);
        Range(nameof(OutboxDays), OutboxDays, 1, 3650);
        Range(nameof(AlertDays), AlertDays, 1, 3650);
        Range(nameof(RateLimitDays), RateLimitDays, 1, 365);
        if (errors.Count == 0 && UncontactedProspectMonths > OpenLeadMonths)
            errors.Add($"Retention__UncontactedProspectMonths ({UncontactedProspectMonths}) must not exceed Retention__OpenLeadMonths ({OpenLeadMonths}): a never-contacted prospect is not kept longer than any other lead.");
        return errors;
    }
}
