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

    [Fact]
    public async Task Every_team_endpoint_refuses_a_request_without_a_token()
    {
        // Every function with AuthorizationLevel.Function is a team endpoint: all of them, found by
        // reflection, so a new one cannot be forgotten. Route parameters get a random id.
        var id = Guid.NewGuid();
        var endpoints = Leitstand.LocalHost.Functions.FunctionCatalog.Discover(typeof(Leitstand.Functions.ServiceSetup).Assembly)
            .Where(f => f.Trigger == Leitstand.LocalHost.Functions.TriggerKind.Http
                        && f.TriggerParameter.GetCustomAttributes(typeof(Microsoft.Azure.Functions.Worker.HttpTriggerAttribute), false)
                             .Cast<Microsoft.Azure.Functions.Worker.HttpTriggerAttribute>().Single().AuthLevel == Microsoft.Azure.Functions.Worker.AuthorizationLevel.Function)
            .Select(f => (Method: f.HttpMethods[0].ToUpperInvariant(),
                          Path: "/api/" + System.Text.RegularExpressions.Regex.Replace(f.Route!, "{[^}]+}", id.ToString())))
            .ToList();
        Assert.Contains(endpoints, e => e.Path == "/api/kpi");
        Assert.True(endpoints.Count >= 17, $"only {endpoints.Count} team endpoints found");

        foreach (var (method, path) in endpoints)
        {
            var response = await _host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {(int)response.StatusCode}");
        }
    }
}
