using Leitstand.Privacy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Privacy;

/// <summary>
/// <c>GET /api/people?email=…</c> or <c>?handle=…&amp;channel=…</c>: the leads stored with this e-mail or handle
/// (<see cref="FindPeople"/>), for a request about a person (Auskunft, Löschung). 422 in German without either.
/// </summary>
public sealed class FindPeopleFunction(FindPeople find)
{
    [Function("FindPeople")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "people")] HttpRequest req, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            var (query, errors) = FindPeople.Validate(req.Query["email"], req.Query["handle"], req.Query["channel"]);
            if (query is null) return TeamApi.Problem(StatusCodes.Status422UnprocessableEntity, "Bitte prüfe die Angaben.", errors);
            return TeamApi.Json200(new { people = await find.ExecuteAsync(user, query, ct) });
        });
}
