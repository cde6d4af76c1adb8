using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Pipeline;

/// <summary>A host of its own, and what the deal tests ask of answers and the database.</summary>
public abstract class DealTestBase(StackFixture stack) : IAsyncLifetime
{
    protected StackFixture Stack { get; } = stack;
    protected RunningHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await RunningHost.StartAsync(Stack);

    public async Task DisposeAsync() => await Host.DisposeAsync();

    protected Task<HttpResponseMessage> CreateAsync(Guid lead, object body) => Host.TeamClient.PostAsJsonAsync($"/api/leads/{lead}/deals", body);

    protected Task<HttpResponseMessage> PatchAsync(Guid deal, object body) =>
        Host.TeamClient.PatchAsync($"/api/deals/{deal}", JsonContent.Create(body));

    protected static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    protected static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var problem = await JsonAsync(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return problem;
    }

    protected static string[] Errors(JsonElement problem, string field) =>
        problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()!).ToArray();

    protected Task<int> DealCountAsync(Guid lead) => Crm.ScalarAsync<int>(Stack.Admin, "select count(*)::int from deals where lead_id = @lead", new { lead });

    protected Task<int> HistoryCountAsync(Guid deal) => Crm.ScalarAsync<int>(Stack.Admin, "select count(*)::int from deal_history where deal_id = @deal", new { deal });

    /// <summary>A request signed in as a user who is not a team member.</summary>
    protected async Task<HttpResponseMessage> AsNonMemberAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (await TestIssuer.Shared).Token(Guid.NewGuid()));
        return await Host.Client.SendAsync(request);
    }
}
