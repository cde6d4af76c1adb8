using System.Globalization;
using System.Text.RegularExpressions;
using Leitstand.Fulfilment;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Fulfilment;

/// <summary>
/// The install as a run, for a signed-in team member (<see cref="TeamApi.RunAsTeamAsync"/>): book the appointment of a
/// WON lead, read the run with its checklist, mark items (done, skipped with a reason, a baseline item "nicht
/// anwendbar" with a reason), and the handover summary as HTML. The run finishes by itself when its last item is
/// marked; items of a finished run are 409. Values the rules refuse are 422 with a German message at the field.
/// </summary>
public sealed partial class InstallFunctions(BookInstall book, GetInstall get, MarkInstallItem mark, GetHandoverSummary summary, TimeProvider clock)
{
    public sealed record BookRequest(string? StartsAt);

    public sealed record ReasonRequest(string? Reason);

    [Function("BookInstall")]
    public Task<IActionResult> Book(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "leads/{leadId}/install")] HttpRequest req, string leadId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(leadId, out var id)) return TeamApi.InvalidId("lead_id");
            var read = await TeamApi.ReadJsonAsync<BookRequest>(req, ct);
            if (read.Error is not null) return read.Error;
            var text = read.Value!.StartsAt?.Trim();
            if (string.IsNullOrEmpty(text))
                return TeamApi.Invalid(Field("starts_at", "Bitte den Beginn der Installation angeben, z. B. 2026-12-08T10:00:00+01:00."));
            if (!WithOffset().IsMatch(text) || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var startsAt))
                return TeamApi.Invalid(Field("starts_at", "Erwartet wird Datum und Uhrzeit mit Zeitzone (ISO 8601), z. B. 2026-12-08T10:00:00+01:00."));
            var now = clock.GetUtcNow();
            if (startsAt > now.AddDays(BookInstall.MaxDaysAhead))
                return TeamApi.Unprocessable(Field("starts_at", $"Höchstens {BookInstall.MaxDaysAhead} Tage im Voraus."));
            var result = await book.ExecuteAsync(user, id, startsAt.UtcDateTime, ct);
            return result.Status switch
            {
                BookInstallStatus.Booked => TeamApi.Created(new
                {
                    Id = result.RunId, LeadId = id, result.StartsAt, result.EndsAt, State = "booked",
                    Appointment = InstallTimes.Appointment(result.StartsAt!.Value, result.EndsAt!.Value),
                }),
                BookInstallStatus.NotWon => TeamApi.Unprocessable(Field("stage",
                    "Eine Installation lässt sich erst buchen, wenn der Lead gewonnen ist (Stufe „Gewonnen“).")),
                BookInstallStatus.Past => TeamApi.Unprocessable(Field("starts_at", "Der Beginn liegt in der Vergangenheit. Bitte einen künftigen Termin wählen.")),
                BookInstallStatus.Overlap => TeamApi.Unprocessable(
                    Field("starts_at", $"Du hast zu dieser Zeit schon eine Installation ({InstallTimes.Appointment(result.StartsAt!.Value, result.EndsAt!.Value)}). "
                        + "Eine Installation dauert 5 Stunden; bitte einen anderen Beginn wählen."),
                    new Dictionary<string, object?> { ["conflicting_install_id"] = result.RunId }),
                _ => TeamApi.NotFound("Diesen Lead gibt es nicht."),
            };
        });

    [Function("GetInstall")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "installs/{installId}")] HttpRequest req, string installId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(installId, out var id)) return TeamApi.InvalidId("install_id");
            return await get.ExecuteAsync(user, id, ct) is { } run ? TeamApi.Json200(run) : NoSuchInstall();
        });

    [Function("CompleteInstallItem")]
    public Task<IActionResult> Complete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "installs/{installId}/items/{itemId}/complete")] HttpRequest req,
        string installId, string itemId, CancellationToken ct) => MarkAsync(req, installId, itemId, InstallItemMark.Done, ct);

    [Function("SkipInstallItem")]
    public Task<IActionResult> Skip(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "installs/{installId}/items/{itemId}/skip")] HttpRequest req,
        string installId, string itemId, CancellationToken ct) => MarkAsync(req, installId, itemId, InstallItemMark.Skipped, ct);

    [Function("InstallItemNotApplicable")]
    public Task<IActionResult> NotApplicable(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "installs/{installId}/items/{itemId}/not-applicable")] HttpRequest req,
        string installId, string itemId, CancellationToken ct) => MarkAsync(req, installId, itemId, InstallItemMark.NotApplicable, ct);

    [Function("InstallSummary")]
    public Task<IActionResult> Summary(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "installs/{installId}/summary")] HttpRequest req, string installId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(installId, out var id)) return TeamApi.InvalidId("install_id");
            if (await summary.ExecuteAsync(user, id, ct) is not { } page) return NoSuchInstall();
            var headers = req.HttpContext.Response.Headers;
            headers.CacheControl = "no-store";
            headers["X-Content-Type-Options"] = "nosniff";
            headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
            return new ContentResult { StatusCode = StatusCodes.Status200OK, ContentType = "text/html; charset=utf-8", Content = page.Render() };
        });

    private Task<IActionResult> MarkAsync(HttpRequest req, string installId, string itemId, InstallItemMark how, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(installId, out var runId)) return TeamApi.InvalidId("install_id");
            if (!Guid.TryParse(itemId, out var item)) return TeamApi.InvalidId("item_id");
            var read = await TeamApi.ReadJsonAsync(req, ct, new ReasonRequest(null));
            if (read.Error is not null) return read.Error;
            var reason = read.Value!.Reason?.Trim();
            if (how == InstallItemMark.Done && !string.IsNullOrEmpty(reason))
                return TeamApi.Unprocessable(Field("reason", "Ein Grund gehört zu „überspringen“ oder „nicht anwendbar“, nicht zu „erledigt“."));
            if (how != InstallItemMark.Done && string.IsNullOrEmpty(reason))
                return TeamApi.Unprocessable(Field("reason", how == InstallItemMark.Skipped
                    ? "Bitte einen Grund angeben, warum dieser Punkt übersprungen wird."
                    : "Bitte einen Grund angeben, warum dieser Punkt nicht anwendbar ist."));
            if (reason is { Length: > MarkInstallItem.ReasonMax })
                return TeamApi.Unprocessable(Field("reason", $"Höchstens {MarkInstallItem.ReasonMax} Zeichen."));
            return await mark.ExecuteAsync(user, runId, item, how, reason, ct) switch
            {
                MarkInstallItemStatus.Marked or MarkInstallItemStatus.RunFinishedNow =>
                    await get.ExecuteAsync(user, runId, ct) is { } run ? TeamApi.Json200(run) : NoSuchInstall(),
                MarkInstallItemStatus.RunAlreadyFinished => TeamApi.Problem(StatusCodes.Status409Conflict,
                    "Diese Installation ist abgeschlossen; ihre Punkte lassen sich nicht mehr ändern."),
                MarkInstallItemStatus.NotOpen => TeamApi.Problem(StatusCodes.Status409Conflict,
                    "Dieser Punkt ist schon abgehakt (erledigt, übersprungen oder nicht anwendbar)."),
                MarkInstallItemStatus.BaselineNotSkippable => TeamApi.Unprocessable(Field("item",
                    "Punkte der Sicherheits-Baseline lassen sich nicht überspringen. Trifft ein Punkt nicht zu: „nicht anwendbar“ mit Grund.")),
                MarkInstallItemStatus.NotBaseline => TeamApi.Unprocessable(Field("item",
                    "„Nicht anwendbar“ gibt es nur für Punkte der Sicherheits-Baseline; andere Punkte mit Grund überspringen.")),
                MarkInstallItemStatus.ReasonRequired => TeamApi.Unprocessable(Field("reason", "Bitte einen Grund angeben.")),
                _ => TeamApi.NotFound("Diesen Punkt gibt es in dieser Installation nicht."),
            };
        });

    private static Dictionary<string, string[]> Field(string name, string message) => new() { [name] = [message] };

    private static IActionResult NoSuchInstall() => TeamApi.NotFound("Diese Installation gibt es nicht.");

    [GeneratedRegex(@"(Z|[+-]\d{2}:?\d{2})$", RegexOptions.IgnoreCase)]
    private static partial Regex WithOffset();
}
