using Leitstand.Monitoring;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Monitoring;

/// <summary>
/// <c>POST /api/agents/{agentId}/key-handover</c>: shows a new agent's key once, for the person installing
/// it. Team only: in Azure it needs the function key (header x-functions-key) until team sign-in exists.
/// </summary>
public sealed class RevealAgentKeyFunction(RevealAgentKey reveal)
{
    [Function("RevealAgentKey")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "agents/{agentId}/key-handover")] HttpRequest req,
        string agentId, CancellationToken ct)
    {
        if (!Guid.TryParse(agentId, out var id))
            return new BadRequestObjectResult(new { title = "Ungültige Agent-ID.", errors = new { agentId = new[] { "Erwartet wird eine UUID." } } });
        req.HttpContext.Response.Headers.CacheControl = "no-store";
        return await reveal.ExecuteAsync(id, ct) switch
        {
            RevealAgentKeyResult.Revealed r => new OkObjectResult(new
            {
                agentId = r.AgentId,
                agentName = r.AgentName,
                key = r.Key,
                note = "Der Schlüssel wird nur dieses eine Mal angezeigt. Trage ihn jetzt beim Agenten ein (Keychain/Passwort-Manager).",
            }),
            RevealAgentKeyResult.AlreadyShown => new ObjectResult(new { title = "Der Schlüssel wurde bereits angezeigt oder ist abgelaufen. Bitte einen neuen Schlüssel erzeugen (rotieren)." })
                { StatusCode = StatusCodes.Status410Gone },
            _ => new NotFoundObjectResult(new { title = "Diesen Agenten gibt es nicht." }),
        };
    }
}
