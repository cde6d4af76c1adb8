using System.Text.Json;
using Dapper;
using Npgsql;

namespace Leitstand.Monitoring;

/// <summary>
/// The team edits a watched workflow in <c>#/agents/&lt;id&gt;</c> (<c>PATCH /api/agents/{id}/workflows/{key}</c>): its grace
/// after the expected start and its longest run; for a workflow the client registered also its rhythm (a cron schedule in
/// Europe/Berlin or an interval; the onboarding's workflows take theirs from the onboarding). Compare-and-set on
/// <c>agent_workflows.version</c>, which counts every change of these settings, whoever makes it (team, client check-in,
/// onboarding): an edit made on an older version changes nothing. A new rhythm sets the next expected start from now.
/// Runs as the functions' role after the membership check (the team's own role only reads workflows).
/// </summary>
public sealed class EditWorkflow(NpgsqlDataSource db, TimeProvider clock)
{
    public const int MaxGraceSeconds = 86_400;
    public const int MinMaxRuntimeSeconds = 60;
    public const int MaxMaxRuntimeSeconds = 86_400;
    public const int MinIntervalSeconds = 60;
    public const int MaxIntervalSeconds = 31 * 86_400;
    public static readonly IReadOnlyList<string> Fields = ["grace_seconds", "max_runtime_seconds", "schedule", "interval_seconds"];

    private const string ReadSql = """
        select w.id, w.origin, w.version from public.agent_workflows w join public.agents a on a.id = w.agent_id
        where a.id = @AgentId and a.revoked_at is null and w.key = @Key
        """;

    // Compare-and-set on the version the edit was made on; the trigger agent_workflows_version counts it up.
    private const string UpdateSql = """
        update public.agent_workflows w set
          grace = coalesce(make_interval(secs => @GraceSeconds), w.grace),
          max_runtime = coalesce(make_interval(secs => @MaxRuntimeSeconds), w.max_runtime),
          schedule = case when @NewRhythm then @Schedule else w.schedule end,
          run_interval = case when @NewRhythm then make_interval(secs => @IntervalSeconds) else w.run_interval end,
          next_expected_at = case when @NewRhythm then @NextExpectedAt else w.next_expected_at end
        where w.id = @Id and w.version = @Version
        returning w.id, w.key, w.name, w.schedule, extract(epoch from w.run_interval)::int as intervalseconds,
                  extract(epoch from w.grace)::int as graceseconds, extract(epoch from w.max_runtime)::int as maxruntimeseconds,
                  w.origin, w.next_expected_at as nextexpectedat, w.version
        """;

    /// <summary>What to change (null: unchanged): the version the edit was made on; a new rhythm is a cron schedule or an interval.</summary>
    public sealed record Patch(int Version, int? GraceSeconds, int? MaxRuntimeSeconds, string? Schedule, int? IntervalSeconds)
    {
        public bool NewRhythm => Schedule is not null || IntervalSeconds is not null;
    }

    /// <summary>The workflow's settings after the edit.</summary>
    public sealed record Settings(Guid Id, string Key, string Name, string? Schedule, int? IntervalSeconds, int GraceSeconds, int MaxRuntimeSeconds,
        string Origin, DateTime? NextExpectedAt, int Version);

    /// <summary>
    /// The body as a <see cref="Patch"/>, or German problems per field: a field that is not editable, a number out of its
    /// range, a cron expression that is not one, a schedule together with an interval, a missing version, nothing to change.
    /// </summary>
    public static (Patch? Patch, IReadOnlyDictionary<string, string[]> Errors) Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
            return (null, new Dictionary<string, string[]> { ["body"] = ["Erwartet wird ein JSON-Objekt."] });
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        int? version = null, grace = null, maxRuntime = null, interval = null;
        string? schedule = null;
        var named = 0;
        foreach (var property in body.EnumerateObject())
        {
            var v = property.Value;
            switch (property.Name)
            {
                case "version":
                    if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n > 0) version = n;
                    else errors["version"] = ["Erwartet wird die Versionsnummer (Ganzzahl) des Workflows aus GET /api/agents/{id}."];
                    break;
                case "grace_seconds":
                    named++;
                    grace = Seconds(v, "grace_seconds", 0, MaxGraceSeconds, "Die Kulanz nach dem erwarteten Start in Sekunden: 0 bis 86400 (ein Tag).", errors);
                    break;
                case "max_runtime_seconds":
                    named++;
                    maxRuntime = Seconds(v, "max_runtime_seconds", MinMaxRuntimeSeconds, MaxMaxRuntimeSeconds,
                        "Die längste erlaubte Laufzeit in Sekunden: 60 (eine Minute) bis 86400 (ein Tag).", errors);
                    break;
                case "schedule":
                    named++;
                    if (v.ValueKind == JsonValueKind.String && v.GetString()!.Trim() is { } cron && WorkflowCheckInParser.IsCron(cron)) schedule = cron;
                    else errors["schedule"] = ["Kein gültiger Cron-Ausdruck (fünf Felder in Berliner Zeit: Minute Stunde Tag Monat Wochentag, z. B. „0 8 * * 1-5“)."];
                    break;
                case "interval_seconds":
                    named++;
                    interval = Seconds(v, "interval_seconds", MinIntervalSeconds, MaxIntervalSeconds,
                        "Das Intervall in Sekunden: 60 (eine Minute) bis 2678400 (31 Tage).", errors);
                    break;
                default:
                    errors[property.Name.Length <= 40 ? property.Name : property.Name[..40] + "…"] =
                        [$"Dieses Feld gibt es nicht oder es ist nicht änderbar. Änderbar: {string.Join(", ", Fields)}."];
                    break;
            }
        }
        if (body.TryGetProperty("schedule", out _) && body.TryGetProperty("interval_seconds", out _))
            errors["schedule"] = ["Entweder ein Zeitplan (schedule) oder ein Intervall (interval_seconds), nicht beides."];
        if (version is null && !errors.ContainsKey("version"))
            errors["version"] = ["Bitte die Version angeben, die die Ansicht geladen hat (version des Workflows aus GET /api/agents/{id})."];
        if (named == 0 && errors.Count == 0)
            errors["body"] = [$"Nichts zu ändern. Änderbar: {string.Join(", ", Fields)}."];
        return errors.Count > 0 ? (null, errors) : (new Patch(version!.Value, grace, maxRuntime, schedule, interval), errors);
    }

    private static int? Seconds(JsonElement v, string field, int min, int max, string message, Dictionary<string, string[]> errors)
    {
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n >= min && n <= max) return n;
        errors[field] = [message];
        return null;
    }

    public async Task<EditWorkflowResult> ExecuteAsync(Guid agentId, string key, Patch patch, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var current = await connection.QuerySingleOrDefaultAsync<Current>(new CommandDefinition(ReadSql, new { AgentId = agentId, Key = key }, cancellationToken: ct));
        if (current is null) return new EditWorkflowResult.NotFound();
        if (patch.NewRhythm && current.Origin != "client")
            return new EditWorkflowResult.Refused(patch.Schedule is not null ? "schedule" : "interval_seconds",
                "Den Rhythmus eines Workflows aus dem Onboarding legt das Onboarding fest (Antworten des Kunden); hier änderbar sind Kulanz und längste Laufzeit.");
        if (current.Version != patch.Version) return new EditWorkflowResult.Stale(current.Version);

        var now = clock.GetUtcNow().UtcDateTime;
        var saved = await connection.QuerySingleOrDefaultAsync<Settings>(new CommandDefinition(UpdateSql, new
        {
            current.Id,
            patch.Version,
            GraceSeconds = (double?)patch.GraceSeconds,
            MaxRuntimeSeconds = (double?)patch.MaxRuntimeSeconds,
            patch.NewRhythm,
            patch.Schedule,
            IntervalSeconds = (double?)patch.IntervalSeconds,
            NextExpectedAt = patch.NewRhythm
                ? CheckWorkflows.Next(patch.Schedule, patch.IntervalSeconds is { } s ? TimeSpan.FromSeconds(s) : null, now)
                : null,
        }, cancellationToken: ct));
        if (saved is not null) return new EditWorkflowResult.Edited(saved);
        // changed in between (someone else's edit, the client's check-in): nothing written
        var version = await connection.ExecuteScalarAsync<int?>(new CommandDefinition(
            "select version from public.agent_workflows where id = @Id", new { current.Id }, cancellationToken: ct));
        return version is { } v ? new EditWorkflowResult.Stale(v) : new EditWorkflowResult.NotFound();
    }

    private sealed record Current(Guid Id, string Origin, int Version);
}

public abstract record EditWorkflowResult
{
    public sealed record Edited(EditWorkflow.Settings Workflow) : EditWorkflowResult;
    /// <summary>No such agent (or revoked) or no such workflow.</summary>
    public sealed record NotFound : EditWorkflowResult;
    /// <summary>The workflow's settings changed since the version the edit was made on; nothing was changed.</summary>
    public sealed record Stale(int CurrentVersion) : EditWorkflowResult;
    /// <summary>Not allowed for this workflow: the field and the German reason.</summary>
    public sealed record Refused(string Field, string Message) : EditWorkflowResult;
}
