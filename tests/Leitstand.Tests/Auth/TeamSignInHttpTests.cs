using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Auth;

/// <summary>What a team endpoint answers for no token, a bad one, a non-member and a member (over HTTP, the host's own verification).</summary>
[Collection(StackCollection.Name)]
public sealed class TeamSignInHttpTests(StackFixture stack) : IAsyncLifetime
{
    private RunningHost _host = null!;

    public async Task InitializeAsync() => _host = await RunningHost.StartAsync(stack);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<HttpResponseMessage> GetTasksAsync(string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/tasks");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _host.Client.SendAsync(request);
    }

    private static async Task<string> TitleAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString()!;
    }

    [Fact]
    public async Task Missing_header_gets_401_with_a_bearer_challenge()
    {
        var response = await GetTasksAsync(null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Contains("Bitte anmelden", await TitleAsync(response));
    }

    [Fact]
    public async Task Invalid_or_expired_token_gets_401_invalid_token()
    {
        var issuer = await TestIssuer.Shared;
        var expired = issuer.Token(_host.TeamMemberId, change: d => (d.IssuedAt, d.NotBefore, d.Expires) = (DateTime.UtcNow.AddHours(-2), DateTime.UtcNow.AddHours(-2), DateTime.UtcNow.AddHours(-1)));

        foreach (var token in new[] { expired, "kein.gueltiges.token", issuer.Token(_host.TeamMemberId, TestIssuer.SigningKey.NewRs256()) })
        {
            var response = await GetTasksAsync(token);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
            Assert.Contains("ungültig oder abgelaufen", await TitleAsync(response));
        }
    }

    [Fact]
    public async Task Signed_in_user_who_is_not_a_team_member_gets_403()
    {
        var stranger = (await TestIssuer.Shared).Token(Guid.NewGuid());

        var response = await GetTasksAsync(stranger);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("nicht zum Team", await TitleAsync(response));
    }

    [Fact]
    public async Task Team_member_by_app_metadata_role_is_let_in_as_the_rls_rule_says()
    {
        var token = (await TestIssuer.Shared).Token(Guid.NewGuid(), change: d => d.Claims["app_metadata"] = new Dictionary<string, object> { ["role"] = "team" });

        Assert.Equal(HttpStatusCode.OK, (await GetTasksAsync(token)).StatusCode);
    }

    [Fact]
    public async Task Team_member_gets_the_answer()
    {
        Assert.Equal(HttpStatusCode.OK, (await GetTasksAsync(_host.TeamToken)).StatusCode);
    }

    /// <summary>
    /// The HTTP functions that are not team endpoints: machines and visitors, each with a check of its own
    /// (docs/auth.md, "Anonym in Azure, aber nicht offen"). Everything else must demand a team token.
    /// </summary>
    private static readonly Dictionary<string, string> PublicMachineEndpoints = new()
    {
        ["SubmitLead"] = "lead form: visitors of the landing page (allowed origins, rate limit, bot check)",
        ["Heartbeat"] = "agents at customers (their own agent key)",
        ["WorkflowCheckIn"] = "agents at customers reporting their workflows' runs (their own agent key)",
        ["AgentSelf"] = "agents at customers asking whether their key is accepted (leitstand-agent doctor; their own agent key)",
        ["SupabaseWebhook"] = "Supabase's database webhook (shared secret header)",
        ["AcknowledgeLink"] = "acknowledge link in alert e-mails and chats (signed, expiring token)",
        ["OnboardingPage"] = "the customer's onboarding questionnaire (signed, expiring, revocable link for one lead)",
    };

    private static List<Leitstand.LocalHost.Functions.FunctionDescriptor> HttpFunctions() =>
        Leitstand.LocalHost.Functions.FunctionCatalog.Discover(typeof(Leitstand.Functions.ServiceSetup).Assembly)
            .Where(f => f.Trigger == Leitstand.LocalHost.Functions.TriggerKind.Http).ToList();

    private static Microsoft.Azure.Functions.Worker.AuthorizationLevel AuthLevel(Leitstand.LocalHost.Functions.FunctionDescriptor f) =>
        f.TriggerParameter.GetCustomAttributes(typeof(Microsoft.Azure.Functions.Worker.HttpTriggerAttribute), false)
            .Cast<Microsoft.Azure.Functions.Worker.HttpTriggerAttribute>().Single().AuthLevel;

    [Fact]
    public async Task Every_team_endpoint_refuses_a_request_without_a_token()
    {
        // Every HTTP function but the listed machine endpoints is a team endpoint: found by reflection, so a new
        // one cannot be forgotten. Route parameters get a random id.
        var id = Guid.NewGuid();
        var functions = HttpFunctions();
        Assert.All(PublicMachineEndpoints.Keys, name => Assert.Contains(functions, f => f.Name == name));
        var endpoints = functions
            .Where(f => !PublicMachineEndpoints.ContainsKey(f.Name))
            .Select(f => (Method: f.HttpMethods[0].ToUpperInvariant(),
                          Path: "/api/" + System.Text.RegularExpressions.Regex.Replace(f.Route!, "{[^}]+}", id.ToString())))
            .ToList();
        Assert.Contains(endpoints, e => e.Path == "/api/kpi");
        Assert.Contains(endpoints, e => e.Path == "/api/agents" && e.Method == "GET");
        Assert.True(endpoints.Count >= 18, $"only {endpoints.Count} team endpoints found: {string.Join(", ", endpoints)}");

        foreach (var (method, path) in endpoints)
        {
            var response = await _host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {(int)response.StatusCode}");
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
    }

    [Fact]
    public void Every_http_function_is_anonymous_to_the_functions_host_so_the_token_alone_guards_it()
    {
        // The status center is a public static page: it cannot carry a function key, so none may be required.
        var keyed = HttpFunctions().Where(f => AuthLevel(f) != Microsoft.Azure.Functions.Worker.AuthorizationLevel.Anonymous).Select(f => f.Name).ToList();

        Assert.True(keyed.Count == 0, "AuthorizationLevel other than Anonymous: " + string.Join(", ", keyed));
    }
}
