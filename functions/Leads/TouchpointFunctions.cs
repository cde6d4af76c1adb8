using Leitstand.Leads;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Leads;

/// <summary>
/// Touchpoints logged without a task, and the note codes they carry; for a signed-in team member, under
/// the user's claims (<see cref="TeamApi.RunAsTeamAsync"/>). A note over 500 characters is a 422 when it is the
/// only problem (the request itself is well-formed); other bad input stays a 400.
/// </summary>
public sealed class TouchpointFunctions(LogTouchpoint logTouchpoint, ListTouchpointNoteCodes noteCodes, TimeProvider clock)
{
    [Function("LogTouchpoint")]
    public Task<IActionResult> Log(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "leads/{leadId}/touchpoints")] HttpRequest req, string leadId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(leadId, out var id)) return TeamApi.InvalidId("lead_id");
            var read = await TeamApi.ReadJsonAsync<LogTouchpoint.Request>(req, ct);
            if (read.Error is not null) return read.Error;
            var (touchpoint, errors) = LogTouchpoint.Validate(read.Value!, clock.GetUtcNow());
            if (touchpoint is null)
                return errors.Keys.All(k => k == "note")
                    ? TeamApi.Unprocessable(errors)
                    : TeamApi.Invalid(errors);
            return await logTouchpoint.ExecuteAsync(user, id, touchpoint, ct) is { } logged
                ? TeamApi.Created(logged)
                : TeamApi.NotFound("Diesen Lead gibt es nicht.");
        });

    [Function("ListTouchpointNoteCodes")]
    public Task<IActionResult> ListNoteCodes(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "touchpoint-note-codes")] HttpRequest req, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user => TeamApi.Json200(new { NoteCodes = await noteCodes.ExecuteAsync(user, ct) }));
}
