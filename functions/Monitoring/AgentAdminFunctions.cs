using System.Text.Json;
using Leitstand.Monitoring;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Monitoring;

/// <summary>
/// The team's monitoring actions. Team only: in Azure they need the function key (x-functions-key)
/// until team sign-in exists.
/// </summary>
public sealed class AgentAdminFunctions(RequestRestart restart, AcknowledgeIncident acknowledge, GetIncident getIncident, RotateAgentKey rotate, CreateAgent create)
{
    private const string Team = "team";

    [Function("RequestRestart")]
    public async Task<IActionResult> RequestRestart(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "agents/{agentId}/restart")] HttpRequest req, string agentId, CancellationToken ct)
    {
        if (!Guid.TryParse(agentId, out var id)) return InvalidId("agentId");
        string? reason = null;
        if (req.ContentLength is > 0)
        {
            try
            {
                using var doc = await JsonDocument.ParseAsync(req.Body, cancellationToken: ct);
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String)
                    reason = r.GetString() is { Length: <= 200 } text ? text : null;
            }
            catch (JsonException)
            {
                return new BadRequestObjectResult(new { title = "Ungültiges JSON.", errors = new { body = new[] { "Erwartet wird {\"reason\": \"…\"} oder kein Inhalt." } } });
            }
        }
        return await restart.ExecuteAsync(id, Team, reason, ct) switch
        {
            RestartResult.Requested r => new AcceptedResult((string?)null, new { commandId = r.CommandId, status = "pending", note = "Wird mit dem nächsten Heartbeat an den Agenten ausgeliefert." }),
            RestartResult.AlreadyWaiting w => new AcceptedResult((string?)null, new { commandId = w.CommandId, status = "already_waiting", note = "Ein Neustart wartet bereits auf den Agenten." }),
            _ => new NotFoundObjectResult(new { title = "Diesen Agenten gibt es nicht (oder er ist widerrufen)." }),
        };
    }

    [Function("AcknowledgeIncident")]
    public async Task<IActionResult> Acknowledge(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "incidents/{incidentId}/acknowledge")] HttpRequest req, string incidentId, CancellationToken ct)
    {
        if (!Guid.TryParse(incidentId, out var id)) return InvalidId("incidentId");
        return await acknowledge.ExecuteAsync(id, Team, ct) switch
        {
            AcknowledgeResult.Acknowledged => new OkObjectResult(new { status = "acknowledged" }),
            AcknowledgeResult.AlreadyAcknowledged => new OkObjectResult(new { status = "acknowledged", note = "War bereits übernommen." }),
            AcknowledgeResult.AlreadyResolved => new ConflictObjectResult(new { title = "Das Incident ist bereits behoben." }),
            _ => new NotFoundObjectResult(new { title = "Dieses Incident gibt es nicht." }),
        };
    }

    [Function("GetIncident")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "incidents/{incidentId}")] HttpRequest req, string incidentId, CancellationToken ct)
    {
        if (!Guid.TryParse(incidentId, out var id)) return InvalidId("incidentId");
        return await getIncident.ExecuteAsync(id, ct) is { } view
            ? new OkObjectResult(view)
            : new NotFoundObjectResult(new { title = "Dieses Incident gibt es nicht." });
    }

    [Function("RotateAgentKey")]
    public async Task<IActionResult> Rotate(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "agents/{agentId}/keys/rotate")] HttpRequest req, string agentId, CancellationToken ct)
    {
        if (!Guid.TryParse(agentId, out var id)) return InvalidId("agentId");
        req.HttpContext.Response.Headers.CacheControl = "no-store";
        return await rotate.ExecuteAsync(id, ct) is { } rotated
            ? new OkObjectResult(new
            {
                agentId = id,
                key = rotated.Key.Key,
                previousKeyValidUntil = rotated.PreviousKeyValidUntil,
                note = "Der neue Schlüssel wird nur dieses eine Mal angezeigt. Der alte gilt bis zum genannten Zeitpunkt weiter.",
            })
            : new NotFoundObjectResult(new { title = "Diesen Agenten gibt es nicht (oder er ist widerrufen)." });
    }

    [Function("CreateAgent")]
    public async Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "agents")] HttpRequest req, CancellationToken ct)
    {
        CreateAgent.Request? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<CreateAgent.Request>(req.Body,
                new JsonSerializerOptions(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow }, ct);
        }
        catch (JsonException ex)
        {
            return new BadRequestObjectResult(new { title = "Ungültiges JSON.", errors = new { body = new[] { "Erwartet: {\"lead_id\", \"deal_id\" (optional), \"name\", \"interval_seconds\", \"grace_seconds\"}. " + ex.Path } } });
        }
        if (request is null) return new BadRequestObjectResult(new { title = "Inhalt fehlt." });
        var errors = CreateAgent.Validate(request);
        if (errors.Count > 0) return new BadRequestObjectResult(new { title = "Bitte prüfe die Angaben.", errors });
        req.HttpContext.Response.Headers.CacheControl = "no-store";
        return await create.ExecuteAsync(request, ct) is { } created
            ? new ObjectResult(new { agentId = created.AgentId, key = created.Key, note = "Der Schlüssel wird nur dieses eine Mal angezeigt." }) { StatusCode = StatusCodes.Status201Created }
            : new NotFoundObjectResult(new { title = "Lead (oder Deal dieses Leads) nicht gefunden." });
    }

    private static BadRequestObjectResult InvalidId(string field) =>
        new(new { title = "Ungültige ID.", errors = new Dictionary<string, string[]> { [field] = ["Erwartet wird eine UUID."] } });
}
