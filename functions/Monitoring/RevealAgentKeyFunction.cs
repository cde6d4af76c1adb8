using Leitstand.Monitoring;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Monitoring;

/// <summary>
/// <c>POST /api/agents/{agentId}/key-handover</c>: shows a new agent's key once, for the team member installing
/// it (<see cref="TeamApi.RunAsTeamAsync"/>). The sealed key copies are for the functions' role only, so the
/// handover runs as that role after the membership check (docs/auth.md).
/// </summary>
public sealed class RevealAgentKeyFunction(RevealAgentKey reveal)
{
    [Function("RevealAgentKey")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agents/{agentId}/key-handover")] HttpRequest req,
        string agentId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async _ =>
        {
            if (!Guid.TryParse(agentId, out var id)) return TeamApi.InvalidId("agent_id");
            return await reveal.ExecuteAsync(id, ct) switch
            {
                RevealAgentKeyResult.Revealed r => TeamApi.Json200(new
                {
                    r.AgentId,
                    r.AgentName,
                    r.Key,
                    r.KeyPrefix,
                    Note = "Der Schlüssel wird nur dieses eine Mal angezeigt. Trage ihn jetzt beim Agenten ein (Keychain/Passwort-Manager).",
                }),
                RevealAgentKeyResult.AlreadyShown => TeamApi.Problem(StatusCodes.Status410Gone,
                    "Der Schlüssel wurde bereits angezeigt oder ist abgelaufen. Bitte einen neuen Schlüssel erzeugen (rotieren)."),
                _ => TeamApi.NotFound("Diesen Agenten gibt es nicht."),
            };
        });
}
