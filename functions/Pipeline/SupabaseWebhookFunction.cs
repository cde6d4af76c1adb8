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
            return new ObjectResult(new { title = "Nicht autorisiert." }) { StatusCode = StatusCodes.Status401Unauthorized };
        }
        if (req.ContentLength > MaxBodyBytes)
            return new ObjectResult(new { title = "Die Anfrage ist zu groß." }) { StatusCode = StatusCodes.Status413PayloadTooLarge };

        using var reader = new StreamReader(req.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(ct);
        var payload = SupabaseWebhook.Parse(body, out var errors);
        if (payload is null)
        {
            log.LogWarning("Supabase webhook refused: malformed payload ({Fields})", string.Join(",", errors.Keys));
            return new BadRequestObjectResult(new { title = "Ungültige Webhook-Nutzlast.", status = 400, errors });
        }

        log.LogInformation("Supabase webhook {Type} on {Schema}.{Table}", payload.Type, payload.Schema, payload.Table);
        var processed = await process.ExecuteAsync(ct);
        return new OkObjectResult(new { processed });
    }
}
