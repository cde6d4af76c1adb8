using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Leitstand.Tests.Fixtures;
using Npgsql;

namespace Leitstand.Tests.Privacy;

/// <summary>Helpers of the Privacy tests: objections through the API, leads with an e-mail of the test's own and an open task.</summary>
public static class Objections
{
    public static Task<HttpResponseMessage> PostAsync(RunningHost host, object body) => host.TeamClient.PostAsJsonAsync("/api/objections", body);

    public static async Task<JsonElement> BodyAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>The same request with a valid token of a user who is not a team member (403).</summary>
    public static async Task<HttpResponseMessage> AsNonMemberAsync(RunningHost host, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (await TestIssuer.Shared).Token(Guid.NewGuid()));
        return await host.Client.SendAsync(request);
    }

    /// <summary>A lead from the form (with consent) in <paramref name="stage"/>, its e-mail, and one open sales task.</summary>
    public static async Task<(Guid LeadId, string Email, Guid TaskId)> LeadWithOpenTaskAsync(NpgsqlDataSource admin, string stage = "NEW")
    {
        var leadId = await Crm.CreateLeadAsync(admin, stage);
        await using var connection = await admin.OpenConnectionAsync();
        var email = await connection.ExecuteScalarAsync<string>("select email from leads where id = @leadId", new { leadId });
        var taskId = await connection.ExecuteScalarAsync<Guid>("""
            insert into tasks (lead_id, kind, title, due_at) values (@leadId, 'follow_up', 'Follow-up 1', now() + interval '1 day') returning id
            """, new { leadId });
        return (leadId, email!, taskId);
    }
}
