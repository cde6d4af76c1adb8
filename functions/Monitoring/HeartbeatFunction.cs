using Leitstand.Monitoring;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

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
        if (kind is null) return HttpEdge.Problem(StatusCodes.Status404NotFound, "Unbekanntes Signal. Erlaubt: /heartbeat, /heartbeat/start, /heartbeat/fail.");

        var key = HttpEdge.AgentKey(req);
        if (key is null) return HttpEdge.Problem(StatusCodes.Status401Unauthorized, "Agent-Schlüssel fehlt (Header X-Agent-Key).");

        string? body = null;
        if (HttpMethods.IsPost(req.Method))
        {
            (body, var tooLarge) = await HttpEdge.ReadTextAsync(req, settings.MaxBodyBytes, "Ein Heartbeat enthält nur Betriebsdaten; bitte kürzer fassen.", ct);
            if (tooLarge is not null) return tooLarge;
        }

        var parsed = HeartbeatParser.Parse(kind, body);
        if (parsed.Heartbeat is null) return HttpEdge.Refused(parsed.Malformed, "Ungültiger Heartbeat.", HeartbeatParser.OnlyOperationalData, parsed.Errors);

        // The database unreachable: nothing was stored; the agent sends the heartbeat again later (its next one counts just the same).
        return await HttpEdge.RunAsync(req, async () => await ingest.ExecuteAsync(key, parsed.Heartbeat, ct) switch
        {
            HeartbeatResult.Accepted when HttpMethods.IsHead(req.Method) => new OkResult(),
            HeartbeatResult.Accepted a => HttpEdge.Json(StatusCodes.Status200OK, new { status = "accepted", agent_id = a.AgentId, agent_status = a.AgentStatus, commands = a.Commands }),
            _ => HttpEdge.UnknownAgentKey(),
        }, HttpEdge.SendAgainLater);
    }
}
