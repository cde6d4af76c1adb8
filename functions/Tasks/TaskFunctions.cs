using System.Globalization;
using Leitstand.Platform;
using Leitstand.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Tasks;

/// <summary>
/// The team's calls around the daily list: list, complete, reopen, and generate for a date, for a signed-in
/// team member (<see cref="TeamApi.RunAsTeamAsync"/>). List, complete and reopen run under the user's claims;
/// generating runs as the functions' role (it writes the digest alert, docs/auth.md).
/// </summary>
public sealed class TaskFunctions(ListTasks list, CompleteTask complete, ReopenTask reopen, GenerateDailyTasks generate, TimeProvider clock)
{
    [Function("ListTasks")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tasks")] HttpRequest req, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            var errors = new Dictionary<string, string[]>();
            var view = req.Query["view"].ToString() is { Length: > 0 } v ? v : "day";
            if (!ListTasks.Views.Contains(view)) errors["view"] = [$"Erlaubt sind {string.Join(", ", ListTasks.Views)}."];
            var date = ParseDate(req.Query["date"].ToString(), errors);
            Guid? assignee = null;
            var unassigned = false;
            if (req.Query["assignee"].ToString() is { Length: > 0 } a)
            {
                if (a == "none") unassigned = true;
                else if (Guid.TryParse(a, out var id)) assignee = id;
                else errors["assignee"] = ["Erwartet wird die user_id eines Teammitglieds oder „none“ (ohne Zuständigkeit)."];
            }
            var kind = req.Query["kind"].ToString() is { Length: > 0 } k ? k : null;
            if (kind is { Length: > 60 }) errors["kind"] = ["Höchstens 60 Zeichen."];
            if (errors.Count > 0) return TeamApi.Invalid(errors);
            return TeamApi.Json200(await list.ExecuteAsync(user, new TaskQuery(date, view, assignee, unassigned, kind), ct));
        });

    [Function("CompleteTask")]
    public Task<IActionResult> Complete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "tasks/{taskId}/complete")] HttpRequest req, string taskId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(taskId, out var id)) return TeamApi.InvalidId("task_id");
            var read = await TeamApi.ReadJsonAsync<CompleteTask.Request>(req, ct);
            if (read.Error is not null) return read.Error;
            if (CompleteTask.Validate(read.Value!) is { Count: > 0 } errors)
                return errors.Keys.All(k => k == "note") ? NoteRefused(errors) : TeamApi.Invalid(errors);
            var result = await complete.ExecuteAsync(user, id, read.Value!, ct);
            return result.Status switch
            {
                CompleteTaskStatus.Completed => TeamApi.Json200(new
                {
                    TaskId = id,
                    Status = read.Value!.Outcome == "done" ? "done" : "skipped",
                    result.LeadId,
                    result.TouchpointId,
                    result.FromStage,
                    result.ToStage,
                }),
                CompleteTaskStatus.NotOpen => TeamApi.Problem(StatusCodes.Status409Conflict, "Diese Aufgabe ist bereits abgeschlossen. Zum erneuten Bearbeiten erst wieder öffnen."),
                CompleteTaskStatus.ChannelRequired => TeamApi.Invalid(new Dictionary<string, string[]>
                {
                    ["channel"] = ["Für einen erledigten Erstkontakt oder ein Follow-up bitte den Kanal angeben (dm, email, call oder meeting)."],
                }),
                CompleteTaskStatus.NoteWithoutTouchpoint => NoteRefused(new Dictionary<string, string[]> { ["note"] = [CompleteTask.NoteWithoutTouchpoint] }),
                CompleteTaskStatus.NotSkippable => TeamApi.Problem(StatusCodes.Status422UnprocessableEntity, "Diese Aufgabe lässt sich nicht überspringen.",
                    new Dictionary<string, string[]> { ["outcome"] = [CompleteTask.NotSkippable] }),
                _ => TeamApi.NotFound("Diese Aufgabe gibt es nicht."),
            };
        });

    /// <summary>A note that is too long or has no touchpoint to belong to: the request is well-formed, so 422.</summary>
    private static IActionResult NoteRefused(IReadOnlyDictionary<string, string[]> errors) =>
        TeamApi.Problem(StatusCodes.Status422UnprocessableEntity, "Bitte prüfe die Notiz.", errors);

    [Function("ReopenTask")]
    public Task<IActionResult> Reopen(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "tasks/{taskId}/reopen")] HttpRequest req, string taskId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(taskId, out var id)) return TeamApi.InvalidId("task_id");
            return await reopen.ExecuteAsync(user, id, ct) switch
            {
                ReopenTaskResult.Reopened => TeamApi.Json200(new { TaskId = id, Status = "open", Note = "Wieder offen. Ein schon erfasster Kontakt und ein Stufenwechsel bleiben bestehen." }),
                ReopenTaskResult.AlreadyOpen => TeamApi.Problem(StatusCodes.Status409Conflict, "Diese Aufgabe ist bereits offen."),
                _ => TeamApi.NotFound("Diese Aufgabe gibt es nicht."),
            };
        });

    /// <summary>Generates the list of a Berlin date on demand (default today); answers what each rule created.</summary>
    [Function("GenerateTasks")]
    public Task<IActionResult> Generate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "tasks/generate")] HttpRequest req, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async _ =>
        {
            var read = await TeamApi.ReadJsonAsync(req, ct, new GenerateRequest(null));
            if (read.Error is not null) return read.Error;
            var errors = new Dictionary<string, string[]>();
            var date = ParseDate(read.Value!.Date, errors) ?? BerlinTime.Today(clock.GetUtcNow().UtcDateTime);
            var today = BerlinTime.Today(clock.GetUtcNow().UtcDateTime);
            if (errors.Count == 0 && Math.Abs(date.DayNumber - today.DayNumber) > GenerateDailyTasks.MaxDaysAway)
                errors["date"] = [$"Höchstens {GenerateDailyTasks.MaxDaysAway} Tage vor oder nach heute."];
            if (errors.Count > 0) return TeamApi.Invalid(errors);
            var result = await generate.ExecuteAsync(date, ct);
            return TeamApi.Json200(new { result.Date, result.Created, DigestQueued = result.DigestMessageIds.Count > 0 });
        });

    public sealed record GenerateRequest(string? Date);

    private static DateOnly? ParseDate(string? text, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        errors["date"] = ["Erwartet wird ein Datum wie 2026-12-02."];
        return null;
    }
}
