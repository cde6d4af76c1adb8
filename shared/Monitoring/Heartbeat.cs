using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Leitstand.Monitoring;

/// <summary>A heartbeat as accepted: operational fields only, typed and in range.</summary>
public sealed record Heartbeat(
    string Kind,
    string? Status,
    string? AgentVersion,
    long? UptimeSeconds,
    string? ErrorClass,
    string? ErrorCode,
    long? MessagesHandled,
    long? FailedRuns,
    int? QueueDepth,
    float? LatencyP50Ms,
    float? LatencyP95Ms,
    Guid[] AckCommands,
    int? Restarts = null,
    long? MemoryBytes = null,
    double? CpuSeconds = null)
{
    public static Heartbeat Ping(string kind) => new(kind, null, null, null, null, null, null, null, null, null, null, []);
}

/// <summary>
/// Reads a heartbeat body against an allowlist. Only operational data is collected centrally: an unknown
/// field, free text beyond a short error code, or anything that could carry content is refused, with a
/// German message that names the field and why.
/// </summary>
public static partial class HeartbeatParser
{
    public const string OnlyOperationalData = "Nur Betriebsdaten werden angenommen (Status, Version, Laufzeit, Fehlerklasse, kurzer Fehlercode, Zähler, Latenzen, Neustarts, Speicher, CPU) – keine Inhalte.";
    private static readonly string[] Statuses = ["ok", "degraded", "error"];
    private const long MaxCounter = 1_000_000_000_000;
    public const int MaxRestarts = 1_000_000_000;
    /// <summary>1 TiB of resident memory.</summary>
    public const long MaxMemoryBytes = 1L << 40;
    /// <summary>CPU time of ten years on 64 cores.</summary>
    public const double MaxCpuSeconds = 64.0 * 10 * 366 * 86400;

    public static readonly IReadOnlyList<string> Fields =
    [
        "status", "agent_version", "uptime_seconds", "error_class", "error_code",
        "messages_handled", "failed_runs", "queue_depth", "latency_p50_ms", "latency_p95_ms", "ack_commands",
        "restarts", "memory_bytes", "cpu_seconds",
    ];

    public sealed record Result(Heartbeat? Heartbeat, bool Malformed, IReadOnlyDictionary<string, string[]> Errors);

    public static Result Parse(string kind, string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return new(Heartbeat.Ping(kind), false, new Dictionary<string, string[]>());
        if (AgentReportJson.ReadObject(body, out var problem) is not { } root) return Fail(true, "body", problem!);

        var errors = new Dictionary<string, string[]>();
        void Refuse(string field, string why) => errors[field] = [why];

        string? status = null, version = null, errorClass = null, errorCode = null;
        long? uptime = null, messages = null, failed = null;
        int? queueDepth = null;
        float? p50 = null, p95 = null;
        int? restarts = null;
        long? memory = null;
        double? cpu = null;
        var ack = new List<Guid>();

        foreach (var property in root.EnumerateObject())
        {
            var v = property.Value;
            switch (property.Name)
            {
                case "status":
                    if (v.ValueKind != JsonValueKind.String || !Statuses.Contains(v.GetString()))
                        Refuse("status", "Erlaubt sind \"ok\", \"degraded\" und \"error\".");
                    else status = v.GetString();
                    break;
                case "agent_version":
                    if (v.ValueKind != JsonValueKind.String || v.GetString() is not { Length: > 0 and <= 32 } ver || !VersionPattern().IsMatch(ver))
                        Refuse("agent_version", "Eine Versionsnummer wie \"1.4.2\" (höchstens 32 Zeichen: Buchstaben, Ziffern, . + -).");
                    else version = ver;
                    break;
                case "error_class":
                    if (v.ValueKind != JsonValueKind.String || !ErrorClasses.ReportedByAgents.Contains(v.GetString()))
                        Refuse("error_class", $"Erlaubt sind nur die Fehlerklassen {string.Join(", ", ErrorClasses.ReportedByAgents)}.");
                    else errorClass = v.GetString();
                    break;
                case "error_code":
                    if (!AgentReportJson.IsErrorCode(v, out var code))
                        Refuse("error_code", AgentReportJson.ErrorCodeRule + OnlyOperationalData);
                    else errorCode = code;
                    break;
                case "uptime_seconds": uptime = Integer(v, "uptime_seconds", 0, 10L * 366 * 86400, Refuse); break;
                case "messages_handled": messages = Integer(v, "messages_handled", 0, MaxCounter, Refuse); break;
                case "failed_runs": failed = Integer(v, "failed_runs", 0, MaxCounter, Refuse); break;
                case "queue_depth": queueDepth = (int?)Integer(v, "queue_depth", 0, 10_000_000, Refuse); break;
                case "latency_p50_ms": p50 = Number(v, "latency_p50_ms", Refuse); break;
                case "latency_p95_ms": p95 = Number(v, "latency_p95_ms", Refuse); break;
                case "restarts": restarts = (int?)Integer(v, "restarts", 0, MaxRestarts, Refuse); break;
                case "memory_bytes": memory = Integer(v, "memory_bytes", 0, MaxMemoryBytes, Refuse); break;
                case "cpu_seconds":
                    if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var seconds) && seconds >= 0 && seconds <= MaxCpuSeconds) cpu = seconds;
                    else Refuse("cpu_seconds", $"Eine Zahl von 0 bis {MaxCpuSeconds.ToString(CultureInfo.InvariantCulture)} (Sekunden CPU-Zeit).");
                    break;
                case "ack_commands":
                    if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() > 10
                        || v.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String || !Guid.TryParse(e.GetString(), out _)))
                        Refuse("ack_commands", "Eine Liste von höchstens 10 Befehls-IDs (UUID).");
                    else ack.AddRange(v.EnumerateArray().Select(e => Guid.Parse(e.GetString()!)));
                    break;
                default:
                    Refuse(property.Name, $"Das Feld '{AgentReportJson.FieldName(property.Name)}' ist nicht erlaubt. {OnlyOperationalData}");
                    break;
            }
        }
        if (status == "error" && errorClass is null && !errors.ContainsKey("error_class")) errorClass = "unknown";
        if (errors.Count > 0) return new(null, false, errors);
        return new(new Heartbeat(kind, status, version, uptime, errorClass, errorCode, messages, failed, queueDepth, p50, p95, [.. ack], restarts, memory, cpu), false, errors);
    }

    private static long? Integer(JsonElement v, string field, long min, long max, Action<string, string> refuse)
    {
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n >= min && n <= max) return n;
        refuse(field, $"Eine ganze Zahl von {min.ToString(CultureInfo.InvariantCulture)} bis {max.ToString(CultureInfo.InvariantCulture)}.");
        return null;
    }

    private static float? Number(JsonElement v, string field, Action<string, string> refuse)
    {
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var n) && n >= 0 && n <= 3_600_000) return (float)n;
        refuse(field, "Eine Zahl von 0 bis 3600000 (Millisekunden).");
        return null;
    }

    private static Result Fail(bool malformed, string field, string message) =>
        new(null, malformed, new Dictionary<string, string[]> { [field] = [message] });

    [GeneratedRegex("^[0-9A-Za-z][0-9A-Za-z.+-]*$")]
    private static partial Regex VersionPattern();
}
