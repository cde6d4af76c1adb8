namespace Leitstand.Pipeline;

/// <summary>Settings of the pipeline automation (configuration section "Pipeline"). Validated at start (<see cref="Validate"/>).</summary>
public sealed class PipelineSettings
{
    /// <summary>Shared secret of the Supabase webhook (header X-Webhook-Secret); the same value as the Supabase Vault's leitstand_webhook_secret.</summary>
    public string WebhookSecret { get; set; } = "";
    /// <summary>How long a LOST lead is kept before the retention timer deletes it.</summary>
    public int LostRetentionDays { get; set; } = 365;
    /// <summary>Events are claimed in batches of this size.</summary>
    public int BatchSize { get; set; } = 100;
    /// <summary>An event that failed this often is left for a person to look at (pipeline_events.last_error).</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>One English message per bad value, naming the app setting (empty when all is well).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (WebhookSecret.Length < 32)
            errors.Add("Pipeline__WebhookSecret must be at least 32 characters (the random secret also stored as leitstand_webhook_secret in the Supabase Vault; Key Vault in Azure).");
        if (LostRetentionDays is < 1 or > 3650)
            errors.Add($"Pipeline__LostRetentionDays must be between 1 and 3650, got {LostRetentionDays}.");
        if (BatchSize is < 1 or > 1000)
            errors.Add($"Pipeline__BatchSize must be between 1 and 1000, got {BatchSize}.");
        if (MaxAttempts is < 1 or > 100)
            errors.Add($"Pipeline__MaxAttempts must be between 1 and 100, got {MaxAttempts}.");
        return errors;
    }
}
