namespace Leitstand.Monitoring;

/// <summary>Settings of agent monitoring (configuration section "Monitoring"). Validated at start (<see cref="Validate"/>).</summary>
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

    /// <summary>One English message per bad value, naming the app setting (empty when all is well).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Range(string name, int value, int min, int max)
        {
            if (value < min || value > max) errors.Add($"Monitoring__{name} must be between {min} and {max}, got {value}.");
        }
        Range(nameof(HeartbeatRetentionDays), HeartbeatRetentionDays, 1, 365);
        Range(nameof(FlipRetentionDays), FlipRetentionDays, 1, 3650);
        Range(nameof(FlipsPerHour), FlipsPerHour, 2, 60);
        Range(nameof(EscalateAfterMinutes), EscalateAfterMinutes, 1, 24 * 60);
        Range(nameof(AutoRestartsPerHour), AutoRestartsPerHour, 0, 60);
        Range(nameof(KeyRotationOverlapHours), KeyRotationOverlapHours, 0, 24 * 30);
        Range(nameof(MaxBodyBytes), MaxBodyBytes, 256, 64 * 1024);
        Range(nameof(HeartbeatWriters), HeartbeatWriters, 1, 16);
        Range(nameof(HeartbeatBatchSize), HeartbeatBatchSize, 1, 1000);
        return errors;
    }
}
