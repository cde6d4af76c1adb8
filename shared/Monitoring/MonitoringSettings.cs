namespace Leitstand.Monitoring;

/// <summary>Settings of agent monitoring (configuration section "Monitoring").</summary>
public sealed class MonitoringSettings
{
    public int HeartbeatRetentionDays { get; set; } = 14;
    public int FlipRetentionDays { get; set; } = 365;
    /// <summary>This many status flips within an hour make one "unstable" incident instead of a storm.</summary>
    public int FlipsPerHour { get; set; } = 6;
    /// <summary>An incident whose restart has not made the agent healthy after this long escalates.</summary>
    public int EscalateAfterMinutes { get; set; } = 15;
    public int AutoRestartsPerHour { get; set; } = 3;
    /// <summary>After a key rotation the previous key keeps working this long.</summary>
    public int KeyRotationOverlapHours { get; set; } = 24;
    public int MaxBodyBytes { get; set; } = 4096;
    /// <summary>
    /// Connections that write heartbeats at the same time; heartbeats arriving meanwhile wait and go together.
    /// One keeps the database busy on one core while the functions answer HTTP on the other (bench/README.md).
    /// </summary>
    public int HeartbeatWriters { get; set; } = 1;
    /// <summary>At most this many heartbeats in one round trip.</summary>
    public int HeartbeatBatchSize { get; set; } = 64;
}
