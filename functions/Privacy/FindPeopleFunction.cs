using Leitstand.Privacy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Privacy;

/// <summary>
/// <c>POST /api/people/search</c> with <c>{"email": …}</c> or <c>{"handle": …, "channel": …}</c>: the leads stored with
/// this e-mail or handle (<see cref="FindPeople"/>), for a request about a person (Auskunft, Löschung). A POST, not a
/// query string: request URLs end up in the platform's request logs (Application Insights), a body does not. 422 in
/// German without either.
/// </summary>
public sealed class FindPeopleFunction(FindPeople find)
{
    [Function("FindPeople")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "people/search")] HttpRequest req, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            var read = await TeamApi.ReadJsonAsync<FindPeople.Request>(req, ct);
            if (read.Error is not null) return read.Error;
            var (query, errors) = FindPeople.Validate(read.Value!.Email, read.Value.Handle, read.Value.Channel);
            if (query is null) return TeamApi.Unprocessable(errors);
            return TeamApi.Json200(new { people = await find.ExecuteAsync(user, query, ct) });
        });
}
