using System.Text.Json;
using Leitstand.Alerts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Alerts;

/// <summary>
/// The alerts' poison queue for the team: list what failed, re-queue it once the cause is fixed. Team only:
/// in Azure they need the function key (x-functions-key) until team sign-in exists.
/// </summary>
public sealed class PoisonAlertsFunctions(PoisonAlerts poison)
{
    [Function("ListPoisonAlerts")]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "alerts/poison")] HttpRequest req, CancellationToken ct)
    {
        var max = int.TryParse(req.Query["max"], out var m) ? m : 32;
        try
        {
            var messages = await poison.ListAsync(max, ct);
            return new OkObjectResult(new
            {
                queue = poison.QueueName,
                poison_queue = poison.PoisonQueueName,
                count = messages.Count,
                messages = messages.Select(a => new
                {
                    message_id = a.MessageId,
                    inserted_on = a.InsertedOn,
                    dequeue_count = a.DequeueCount,
                    body = a.BodyJson is { } json ? (object)json : a.BodyText,
                }),
            });
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or AggregateException)
        {
            return QueueDown();
        }
    }

    [Function("RequeuePoisonAlerts")]
    public async Task<IActionResult> Requeue(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "alerts/poison/requeue")] HttpRequest req, CancellationToken ct)
    {
        string? messageId = null;
        using (var reader = new StreamReader(req.Body))
        {
            var text = await reader.ReadToEndAsync(ct);
            if (!string.IsNullOrWhiteSpace(text))
            {
                try
                {
                    using var doc = JsonDocument.Parse(text);
                    if (doc.RootElement.ValueKind != JsonValueKind.Object) return BadBody();
                    if (doc.RootElement.TryGetProperty("message_id", out var id) && id.ValueKind != JsonValueKind.Null)
                    {
                        if (id.ValueKind != JsonValueKind.String || id.GetString() is not { Length: > 0 and <= 100 } value) return BadBody();
                        messageId = value;
                    }
                }
                catch (JsonException)
                {
                    return BadBody();
                }
            }
        }

        int moved;
        try { moved = await poison.RequeueAsync(messageId, ct); }
        catch (Exception ex) when (ex is Azure.RequestFailedException or AggregateException) { return QueueDown(); }

        if (messageId is not null && moved == 0)
            return new NotFoundObjectResult(new { title = "Diese Nachricht liegt nicht in der Poison-Queue." });
        return new OkObjectResult(new
        {
            requeued = moved,
            queue = poison.QueueName,
            note = moved == 0 ? "Die Poison-Queue ist leer." : $"{moved} Nachricht(en) wieder in der Queue '{poison.QueueName}'.",
        });
    }

    private static ObjectResult BadBody() => new BadRequestObjectResult(new
    {
        title = "Ungültiger Inhalt.",
        errors = new { body = new[] { "Erwartet wird kein Inhalt (alle) oder {\"message_id\": \"…\"} (eine)." } },
    });

    private static ObjectResult QueueDown() =>
        new(new { title = "Die Queue ist gerade nicht erreichbar. Bitte später erneut versuchen." }) { StatusCode = StatusCodes.Status503ServiceUnavailable };
}
