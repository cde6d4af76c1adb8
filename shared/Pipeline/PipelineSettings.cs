namespace Leitstand.Pipeline;

/// <summary>Settings of the pipeline automation (configuration section "Pipeline").</summary>
public sealed class PipelineSettings
{
    /// <summary>Shared secret of the Supabase webhook (header X-Webhook-Secret). Empty: every call is refused.</summary>
    public string WebhookSecret { get; set; } = "";
    /// <summary>How long a LOST lead is kept before the retention timer deletes it.</summary>
    public int LostRetentionDays { get; set; } = 365;
    /// <summary>Events are claimed in batches of this size.</summary>
    public int BatchSize { get; set; } = 100;
    /// <summary>An event that failed this often is left for a person to look at (pipeline_events.last_error).</summary>
    public int MaxAttempts { get; set; } = 10;
}
