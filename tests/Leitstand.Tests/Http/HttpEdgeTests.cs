using System.Net;
using System.Text;
using System.Text.Json;
using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Http;

/// <summary>
/// The one HTTP edge (functions/HttpEdge.cs) on the anonymous endpoints: every body bounded, also a chunked
/// one without a length; problem+json with a German title; snake_case answers; 503 with Retry-After when the
/// database cannot be reached.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class HttpEdgeTests(StackFixture stack) : IAsyncLifetime
{
    private const string Secret = "whsec_edge_test_secret_0123456789";
    private RunningHost _host = null!;

    public async Task InitializeAsync() => _host = await RunningHost.StartAsync(stack, s => s["Pipeline:WebhookSecret"] = Secret);
    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static HttpRequestMessage Chunked(string path, int bytes, params (string Name, string Value)[] headers)
    {
        var json = "{\"message\":\"" + new string('x', bytes) + "\"}";
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json))) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.Matches("[äöüÄÖÜß]|Bitte|Die |Der |Nicht|Ungültig|Unbekannt", body.GetProperty("title").GetString());
        Assert.Equal(JsonValueKind.Object, body.GetProperty("errors").ValueKind);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_refused_on_every_anonymous_endpoint()
    {
        await AssertProblemAsync(await _host.Client.SendAsync(Chunked("/api/leads", 40_000)), HttpStatusCode.RequestEntityTooLarge);
        await AssertProblemAsync(await _host.Client.SendAsync(Chunked("/api/heartbeat", 10_000, ("X-Agent-Key", "lsa_unknown"))), HttpStatusCode.RequestEntityTooLarge);
        await AssertProblemAsync(await _host.Client.SendAsync(Chunked("/api/webhooks/supabase", 100_000, ("X-Webhook-Secret", Secret))), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Refusals_are_problem_json_with_a_german_title()
    {
        await AssertProblemAsync(await _host.Client.PostAsync("/api/heartbeat", new StringContent("{}", Encoding.UTF8, "application/json")), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await _host.Client.GetAsync("/api/heartbeat/reboot"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await _host.Client.PostAsync("/api/webhooks/supabase", new StringContent("{}", Encoding.UTF8, "application/json")), HttpStatusCode.Unauthorized);
        var webhook = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/supabase") { Content = new StringContent("[1]", Encoding.UTF8, "application/json") };
        webhook.Headers.Add("X-Webhook-Secret", Secret);
        await AssertProblemAsync(await _host.Client.SendAsync(webhook), HttpStatusCode.BadRequest);
        // a client of its own: the form's rate limit counts per client across hosts
        var lead = new HttpRequestMessage(HttpMethod.Post, "/api/leads") { Content = new StringContent("{\"name\":\"\"}", Encoding.UTF8, "application/json") };
        lead.Headers.Add("X-Forwarded-For", Leitstand.Tests.Leads.LeadForms.UniqueClient());
        await AssertProblemAsync(await _host.Client.SendAsync(lead), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_database_that_cannot_be_reached_is_a_503_with_retry_after_and_never_a_500()
    {
        await using var down = await RunningHost.StartAsync(stack, s =>
        {
            s["Database:ConnectionString"] = $"Host=127.0.0.1;Port={Processes.FreeTcpPort()};Username=leitstand_functions;Database=postgres;Timeout=1";
            s["Pipeline:WebhookSecret"] = Secret;
        });
        var webhook = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/supabase")
        {
            Content = new StringContent("""{"type":"INSERT","table":"pipeline_events","schema":"public","record":{"id":1,"to_stage":"WON"},"old_record":null}""", Encoding.UTF8, "application/json"),
        };
        webhook.Headers.Add("X-Webhook-Secret", Secret);
        var heartbeat = new HttpRequestMessage(HttpMethod.Post, "/api/heartbeat") { Content = new StringContent("""{"status":"ok"}""", Encoding.UTF8, "application/json") };
        heartbeat.Headers.Add("X-Agent-Key", "lsa_" + new string('a', 40));

        foreach (var response in new[] { await down.Client.SendAsync(webhook), await down.Client.SendAsync(heartbeat) })
        {
            await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter?.Delta);
        }
    }
}
