using Leitstand.Privacy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Privacy;

/// <summary>
/// <c>POST /api/objections</c> records an objection (Art. 21 DSGVO) by e-mail or handle and channel and stops the
/// matching leads at once; <c>GET /api/objections</c> lists them without personal data. For a signed-in team member
/// (<see cref="TeamApi.RunAsTeamAsync"/>). Neither e-mail nor handle, or a malformed one → 422 (German, per field).
/// </summary>
public sealed class ObjectionFunctions(RecordObjection record, ListObjections list)
{
    [Function("RecordObjection")]
    public Task<IActionResult> Record(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "objections")] HttpRequest req, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            var read = await TeamApi.ReadJsonAsync<RecordObjection.Request>(req, ct);
            if (read.Error is not null) return read.Error;
            var (person, errors) = RecordObjection.Validate(read.Value!);
            if (person is null) return TeamApi.Unprocessable(errors);
            return TeamApi.Created(await record.ExecuteAsync(user, person, ct));
        });

    [Function("ListObjections")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "objections")] HttpRequest req, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user => TeamApi.Json200(await list.ExecuteAsync(user, ct)));
}
