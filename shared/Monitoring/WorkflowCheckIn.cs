using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using Cronos;
using Dapper;
using Leitstand.Alerts;
using Leitstand.Platform;
using Npgsql;

namespace Leitstand.Monitoring;

/// <summary>
/// A workflow check-in as accepted (POST /api/workflows/{workflow}/checkins): a run's state, optionally its id, duration
/// and a short error code, and the rhythm that registers an unknown workflow. Nothing else: no field carries content.
/// </summary>
public sealed record WorkflowCheckInRequest(string Status, Guid? CheckInId, double? DurationSeconds, string? ErrorCode, string? Cron, TimeSpan? Interval);

/// <summary>
/// Reads a check-in body against an allowlist, with a German message per field (the same rules as the heartbeat: no
/// free text, a short code only).
/// </summary>
public static partial class WorkflowCheckInParser
{
    public const int Version = 1;
    public const string OnlyRunData = "Ein Check-in enthält nur den Zustand des Laufs, seine Dauer und einen kurzen Fehlercode – keine Inhalte.";
    private static readonly string[] Statuses = ["in_progress", "ok", "error"];
    public const double MaxDurationSeconds = 31 * 86400;

    public sealed record Result(WorkflowCheckInRequest? CheckIn, bool Malformed, IReadOnlyDictionary<string, string[]> Errors);

    /// <summary>A workflow's key: a slug (a–z, digits, - and _), 1 to 64 characters.</summary>
    public static bool IsWorkflowKey(string? key) => key is not null && WorkflowKey().IsMatch(key);

    public static Result Parse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return Fail(true, "body", "Erwartet wird ein JSON-Objekt mit mindestens \"status\".");
        if (AgentReportJson.ReadObject(body, out var problem) is not { } root) return Fail(true, "body", problem!);

        var errors = new Dictionary<string, string[]>();
        void Refuse(string field, string why) => errors[field] = [why];
        string? status = null, code = null, cron = null;
        Guid? id = null;
        double? duration = null;
        TimeSpan? interval = null;

        foreach (var property in root.EnumerateObject())
        {
            var v = property.Value;
            switch (property.Name)
            {
                case "status":
                    if (v.ValueKind != JsonValueKind.String || !Statuses.Contains(v.GetString()))
                        Refuse("status", "Erlaubt sind \"in_progress\", \"ok\" und \"error\".");
                    else status = v.GetString();
                    break;
                case "check_in_id":
                    if (v.ValueKind != JsonValueKind.String || !Guid.TryParse(v.GetString(), out var g))
                        Refuse("check_in_id", "Eine Check-in-ID (UUID), wie die Antwort auf \"in_progress\" sie nennt.");
                    else id = g;
                    break;
                case "duration_s":
                    if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var d) || d < 0 || d > MaxDurationSeconds)
                        Refuse("duration_s", "Die Dauer des Laufs in Sekunden (0 bis 2678400).");
                    else duration = d;
                    break;
                case "error_code":
                    if (!AgentReportJson.IsErrorCode(v, out var c))
                        Refuse("error_code", AgentReportJson.ErrorCodeRule + OnlyRunData);
                    else code = c;
                    break;
                case "schedule":
                    ReadSchedule(v, Refuse, ref cron, ref interval);
                    break;
                case "version":
                    if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var n) || n != Version)
                        Refuse("version", $"Diese Schnittstelle hat die Version {Version}.");
                    break;
                default:
                    Refuse(AgentReportJson.FieldName(property.Name), $"Das Feld ist nicht erlaubt. {OnlyRunData}");
                    break;
            }
        }
        if (status is null && !errors.ContainsKey("status")) Refuse("status", "Bitte den Zustand des Laufs angeben: \"in_progress\", \"ok\" oder \"error\".");
        if (code is not null && status is not null && status != "error") Refuse("error_code", "Einen Fehlercode gibt es nur mit \"status\": \"error\".");
        if (duration is not null && status == "in_progress") Refuse("duration_s", "Eine Dauer gibt es erst am Ende des Laufs (\"ok\" oder \"error\").");
        if (errors.Count > 0) return new(null, false, errors);
        return new(new WorkflowCheckInRequest(status!, id, duration, code, cron, interval), false, errors);
    }

    private static void ReadSchedule(JsonElement v, Action<string, string> refuse, ref string? cron, ref TimeSpan? interval)
    {
        const string Shape = "Ein Zeitplan: {\"cron\": \"0 8 * * 1-5\", \"timezone\": \"Europe/Berlin\"} oder {\"interval\": \"PT30M\"} (1 Minute bis 31 Tage).";
        if (v.ValueKind != JsonValueKind.Object) { refuse("schedule", Shape); return; }
        string? c = null, i = null;
        foreach (var p in v.EnumerateObject())
        {
            switch (p.Name)
            {
                case "cron" when p.Value.ValueKind == JsonValueKind.String: c = p.Value.GetString(); break;
                case "interval" when p.Value.ValueKind == JsonValueKind.String: i = p.Value.GetString(); break;
                case "timezone" when p.Value.ValueKind == JsonValueKind.String && p.Value.GetString() == "Europe/Berlin": break;
                case "timezone": refuse("schedule.timezone", "Zeitpläne gelten in Europe/Berlin."); return;
                default: refuse("schedule", Shape); return;
            }
        }
        if ((c is null) == (i is null)) { refuse("schedule", Shape); return; }
        if (c is not null)
        {
            if (!IsCron(c))
                refuse("schedule.cron", "Kein gültiger Cron-Ausdruck (fünf Felder: Minute Stunde Tag Monat Wochentag, z. B. „0 8 * * 1-5“).");
            else cron = c;
            return;
        }
        TimeSpan span;
        try { span = i!.Length <= 20 && IsoDuration().IsMatch(i) ? XmlConvert.ToTimeSpan(i) : TimeSpan.Zero; }
        catch (FormatException) { span = TimeSpan.Zero; }
        if (span < TimeSpan.FromMinutes(1) || span > TimeSpan.FromDays(31))
            refuse("schedule.interval", "Ein Intervall nach ISO 8601 zwischen 1 Minute und 31 Tagen, z. B. \"PT30M\", \"PT2H\" oder \"P1D\".");
        else interval = span;
    }

    /// <summary>A cron schedule a workflow can have: five fields, 9 to 100 characters, that fires again (in Europe/Berlin).</summary>
    public static bool IsCron(string cron) =>
        cron.Length is >= 9 and <= 100 && CronExpression.TryParse(cron, CronFormat.Standard, out var expression)
        && expression.GetNextOccurrence(DateTime.UtcNow, BerlinTime.Zone) is not null;

    private static Result Fail(bool malformed, string field, string message) =>
        new(null, malformed, new Dictionary<string, string[]> { [field] = [message] });

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex WorkflowKey();

    // Days, hours, minutes, seconds; no years or months (not a fixed length).
    [GeneratedRegex("^P(?:[0-9]{1,3}D)?(?:T(?:[0-9]{1,5}H)?(?:[0-9]{1,6}M)?(?:[0-9]{1,7}S)?)?$")]
    private static partial Regex IsoDuration();
}

public abstract record WorkflowCheckInResult
{
    public sealed record Accepted(Guid CheckInId, Guid WorkflowId, bool Paused) : WorkflowCheckInResult;
    public sealed record UnknownAgent : WorkflowCheckInResult;
    /// <summary>The workflow is not known and the check-in brought no schedule to register it.</summary>
    public sealed record UnknownWorkflow : WorkflowCheckInResult;
    /// <summary>The agent has <see cref="WorkflowCheckIn.MaxWorkflowsPerAgent"/> workflows already.</summary>
    public sealed record TooMany : WorkflowCheckInResult;
}

/// <summary>
/// A check-in into the database, one round trip (public.workflow_checkin): registers an unknown workflow, records the
/// run (state, times, duration, code), opens workflow_failed on error and resolves the workflow's incidents on ok; the
/// alerts go out at once.
/// </summary>
public sealed class WorkflowCheckIn(NpgsqlDataSource db, AlertOutbox alerts, TimeProvider clock)
{
    public const int MaxWorkflowsPerAgent = 20;

    private const string Sql = """
        select public.workflow_checkin(@KeyHash, @Workflow, @Status, @CheckInId, @Duration, @ErrorCode, @Cron,
                                       make_interval(secs => @IntervalSeconds), @At, @Queue, @Max)::text
        """;

    public async Task<WorkflowCheckInResult> ExecuteAsync(string agentKey, string workflow, WorkflowCheckInRequest checkIn, CancellationToken ct)
    {
        string json;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            json = await connection.ExecuteScalarAsync<string>(new CommandDefinition(Sql, new
            {
                KeyHash = AgentKeys.Hash(agentKey),
                Workflow = workflow,
                checkIn.Status,
                checkIn.CheckInId,
                Duration = checkIn.DurationSeconds,
                checkIn.ErrorCode,
                checkIn.Cron,
                IntervalSeconds = checkIn.Interval?.TotalSeconds,
                At = clock.GetUtcNow().UtcDateTime,
                Queue = alerts.Queue,
                Max = MaxWorkflowsPerAgent,
            }, cancellationToken: ct)) ?? "{}";
        }
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var result = root.GetProperty("result").GetString();
        if (result is "accepted" or "paused")
        {
            var created = root.GetProperty("alerts").EnumerateArray().Select(e => e.GetGuid()).ToArray();
            if (created.Length > 0) await alerts.DispatchAsync(created);
            return new WorkflowCheckInResult.Accepted(root.GetProperty("check_in_id").GetGuid(), root.GetProperty("workflow_id").GetGuid(), result == "paused");
        }
        return result switch
        {
            "unknown_workflow" => new WorkflowCheckInResult.UnknownWorkflow(),
            "too_many" => new WorkflowCheckInResult.TooMany(),
            _ => new WorkflowCheckInResult.UnknownAgent(),
        };
    }
}
