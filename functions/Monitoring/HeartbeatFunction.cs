using System.Text;
using Leitstand.Monitoring;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;
using Npgsql;

namespace Leitstand.Functions.Monitoring;

/// <summary>
/// <c>/api/heartbeat</c> (success), <c>/api/heartbeat/start</c> and <c>/api/heartbeat/fail</c>: agents report
/// in, authenticated by their key (header <c>X-Agent-Key</c> or <c>Authorization: Bearer</c>). POST carries
/// the operational fields; GET and HEAD are a bare ping for agents that can only curl. The answer lists
/// commands waiting for the agent (restart).
/// </summary>
public sealed class HeartbeatFunction(IngestHeartbeat ingest, MonitoringSettings settings)
{
    [Function("Heartbeat")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", "post", Route = "heartbeat/{signal?}")] HttpRequest req,
        string? signal, CancellationToken ct)
    {
        var kind = signal switch { null or "" => "heartbeat", "start" => "start", "fail" => "fail", _ => null };
        if (kind is null) return new NotFoundObjectResult(new { title = "Unbekanntes Signal. Erlaubt: /heartbeat, /heartbeat/start, /heartbeat/fail." });

        var key = AgentKey(req);
        if (key is null)
            return new ObjectResult(new { title = "Agent-Schlüssel fehlt (Header X-Agent-Key)." }) { StatusCode = StatusCodes.Status401Unauthorized };

        string? body = null;
        if (HttpMethods.IsPost(req.Method))
        {
            if (req.ContentLength > settings.MaxBodyBytes)
                return new ObjectResult(new { title = $"Heartbeat zu groß (höchstens {settings.MaxBodyBytes} Bytes)." }) { StatusCode = StatusCodes.Status413PayloadTooLarge };
            var buffer = new byte[settings.MaxBodyBytes + 1];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await req.Body.ReadAsync(buffer.AsMemory(length), ct)) > 0) length += read;
            if (length > settings.MaxBodyBytes)
                return new ObjectResult(new { title = $"Heartbeat zu groß (höchstens {settings.MaxBodyBytes} Bytes)." }) { StatusCode = StatusCodes.Status413PayloadTooLarge };
            body = Encoding.UTF8.GetString(buffer, 0, length);
        }

        var parsed = HeartbeatParser.Parse(kind, body);
        if (parsed.Heartbeat is null)
        {
            return parsed.Malformed
                ? new BadRequestObjectResult(new { title = "Ungültiger Heartbeat.", status = 400, errors = parsed.Errors })
                : new UnprocessableEntityObjectResult(new { title = HeartbeatParser.OnlyOperationalData, status = 422, errors = parsed.Errors });
        }

        HeartbeatResult result;
        try
        {
            result = await ingest.ExecuteAsync(key, parsed.Heartbeat, ct);
        }
        catch (NpgsqlException ex) when (ex.IsTransient || ex.InnerException is System.Net.Sockets.SocketException or TimeoutException)
        {
            // Nothing was stored: the agent sends the heartbeat again later (its next one counts just the same).
            req.HttpContext.Response.Headers.RetryAfter = "30";
            return new ObjectResult(new { title = "Leitstand ist gerade nicht erreichbar. Bitte in 30 Sekunden erneut senden.", status = 503 })
            { StatusCode = StatusCodes.Status503ServiceUnavailable };
        }

        return result switch
        {
            HeartbeatResult.Accepted when HttpMethods.IsHead(req.Method) => new OkResult(),
            HeartbeatResult.Accepted a => new OkObjectResult(new { status = "accepted", agentId = a.AgentId, agentStatus = a.AgentStatus, commands = a.Commands }),
            _ => new ObjectResult(new { title = "Unbekannter oder widerrufener Agent-Schlüssel." }) { StatusCode = StatusCodes.Status401Unauthorized },
        };
    }

    private static string? AgentKey(HttpRequest req)
    {
        var header = req.Headers["X-Agent-Key"].ToString();
        if (header.Length > 0) return header.Length <= 100 ? header : null;
        var authorization = req.Headers[HeaderNames.Authorization].ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length <= 107
            ? authorization["Bearer ".Length..].Trim()
            : null;
    }
}
