using System.Text;
using Leitstand.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Leitstand.Functions.Pipeline;

/// <summary>
/// <c>POST /api/webhooks/supabase</c>: Supabase's Database Webhook. Only a fast path: it processes the
/// pending pipeline events; the timer catches up on anything a lost webhook call missed.
/// </summary>
public sealed class SupabaseWebhookFunction(ProcessPipelineEvents process, PipelineSettings settings, ILogger<SupabaseWebhookFunction> log)
{
    private const int MaxBodyBytes = 64 * 1024;

    [Function("SupabaseWebhook")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/supabase")] HttpRequest req,
        CancellationToken ct)
    {
        if (!SupabaseWebhook.IsAuthorised(req.Headers[SupabaseWebhook.SecretHeader].ToString(), settings.WebhookSecret))
        {
            log.LogWarning("Supabase webhook refused: missing or wrong secret");
            return HttpEdge.Problem(StatusCodes.Status401Unauthorized, "Nicht autorisiert.");
        }
        // Bounded like every body, also when it comes chunked without a length.
        var bytes = await HttpEdge.ReadBoundedAsync(req, MaxBodyBytes, ct);
        if (bytes is null) return HttpEdge.TooLarge(MaxBodyBytes, "Der Webhook sendet nur die ID und die Stufe des Ereignisses.");
        var payload = SupabaseWebhook.Parse(Encoding.UTF8.GetString(bytes), out var errors);
        if (payload is null)
        {
            log.LogWarning("Supabase webhook refused: malformed payload ({Fields})", string.Join(",", errors.Keys));
            return HttpEdge.Problem(StatusCodes.Status400BadRequest, "Ungültige Webhook-Nutzlast.", errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
        }

        log.LogInformation("Supabase webhook {Type} on {Schema}.{Table}", payload.Type, payload.Schema, payload.Table);
        // The database unreachable: the events stay in the database; Supabase may retry, the timer catches up anyway.
        return await HttpEdge.RunAsync(req,
            async () => HttpEdge.Json(StatusCodes.Status200OK, new { processed = await process.ExecuteAsync(ct) }),
            () => HttpEdge.DatabaseDown("Der Leitstand erreicht die Datenbank gerade nicht; die Ereignisse werden nachgeholt."));
    }
}
