using Leitstand.Alerts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Alerts;

/// <summary>
/// The alerts' poison queue for the team: list what failed, re-queue it once the cause is fixed. For a
/// signed-in team member (<see cref="TeamApi.RunAsTeamAsync"/>); the queue itself is the app's storage
/// account, reached with the app's own credentials (docs/auth.md).
/// </summary>
public sealed class PoisonAlertsFunctions(PoisonAlerts poison)
{
    public sealed record RequeueRequest(string? MessageId);

    [Function("ListPoisonAlerts")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "alerts/poison")] HttpRequest req, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async _ =>
        {
            var max = int.TryParse(req.Query["max"], out var m) ? m : 32;
            try
            {
                var messages = await poison.ListAsync(max, ct);
                return TeamApi.Json200(new
                {
                    Queue = poison.QueueName,
                    PoisonQueue = poison.PoisonQueueName,
                    messages.Count,
                    Messages = messages.Select(a => new
                    {
                        a.MessageId,
                        a.InsertedOn,
                        a.DequeueCount,
                        Body = a.BodyJson is { } json ? (object)json : a.BodyText,
                    }).ToList(),
                });
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or AggregateException)
            {
                return QueueDown();
            }
        });

    [Function("RequeuePoisonAlerts")]
    public Task<IActionResult> Requeue(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "alerts/poison/requeue")] HttpRequest req, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async _ =>
        {
            var read = await TeamApi.ReadJsonAsync(req, ct, new RequeueRequest(null));
            if (read.Error is not null) return BadBody();
            if (read.Value!.MessageId is { } given && given is not { Length: > 0 and <= 100 }) return BadBody();
            var messageId = read.Value.MessageId;

            int moved;
            try { moved = await poison.RequeueAsync(messageId, ct); }
            catch (Exception ex) when (ex is Azure.RequestFailedException or AggregateException) { return QueueDown(); }

            if (messageId is not null && moved == 0)
                return TeamApi.NotFound("Diese Nachricht liegt nicht in der Poison-Queue.");
            return TeamApi.Json200(new
            {
                Requeued = moved,
                Queue = poison.QueueName,
                Note = moved == 0 ? "Die Poison-Queue ist leer." : $"{moved} Nachricht(en) wieder in der Queue '{poison.QueueName}'.",
            });
        });

    private static IActionResult BadBody() => TeamApi.Problem(StatusCodes.Status400BadRequest, "Ungültiger Inhalt.",
        new Dictionary<string, string[]> { ["body"] = ["Erwartet wird kein Inhalt (alle) oder {\"message_id\": \"…\"} (eine)."] });

    private static IActionResult QueueDown() =>
        TeamApi.Problem(StatusCodes.Status503ServiceUnavailable, "Die Queue ist gerade nicht erreichbar. Bitte später erneut versuchen.");
}
