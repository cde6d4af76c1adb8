using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dapper;
using Leitstand.Alerts;
using Leitstand.LocalHost.Functions;
using Leitstand.LocalHost.Stack;
using Leitstand.Monitoring;
using Leitstand.Tests.Fixtures;
using Leitstand.Tests.Leads;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Leitstand.Tests.Http;

/// <summary>
/// PostgreSQL stopped (pg_ctl stop -m fast, as in a Supabase restart or failover) and started again while the lead
/// form, heartbeats and the team API are in use: every answer is the usual one or a 503 with Retry-After and a
/// German problem+json, never a 500; after the restart every endpoint recovers; nothing that was accepted is lost.
/// On a cluster of its own, so the shared test cluster stays up for the other tests.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class DatabaseRestartTests(StackFixture stack) : IAsyncLifetime
{
    private const string WebhookSecret = "whsec_restart_test_secret_0123456789";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "leitstand-restart-" + Guid.NewGuid().ToString("N")[..8]);
    private PostgresCluster _postgres = null!;
    private NpgsqlDataSource _admin = null!;
    private RunningHost _host = null!;

    public async Task InitializeAsync()
    {
        _postgres = new PostgresCluster(Path.Combine(_directory, "pg"), Processes.FreeTcpPort(), throwaway: true);
        await _postgres.StartAsync();
        await PiiCapture.RecordAsync(_postgres); // the host runs against this cluster: the scan must know its leads
        await LocalDatabase.PrepareAsync(_postgres, RepoPaths.Supabase, seed: false);
        _admin = NpgsqlDataSource.Create(_postgres.AdminConnectionString());
        _host = await RunningHost.StartAsync(stack, s =>
        {
            s["Database:ConnectionString"] = _postgres.FunctionsConnectionString();
            s["Pipeline:WebhookSecret"] = WebhookSecret;
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _admin.DisposeAsync();
        await _postgres.StopAsync();
        PiiCapture.CopyLog(_postgres.LogFile);
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private sealed record Answer(string Kind, string Key, TimeSpan SentAt, HttpStatusCode Status, TimeSpan? RetryAfter, string? MediaType, string Body);

    [Fact]
    public async Task Stopping_and_starting_postgres_under_traffic_gives_only_503s_with_retry_after_then_recovers_and_loses_nothing_accepted()
    {
        var agentKey = await CreateAgentAsync();
        var member = await Crm.CreateTeamMemberAsync(_admin);
        var token = (await TestIssuer.Shared).Token(member, change: d => d.Claims["email"] = $"team-{member:N}@example.de");
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _host.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };

        var clock = Stopwatch.StartNew();
        var answers = new ConcurrentQueue<Answer>();
        var heartbeatNumber = 0L;
        using var stop = new CancellationTokenSource();

        async Task TrafficAsync(string kind, Func<(string Key, HttpRequestMessage Request)> next)
        {
            while (!stop.IsCancellationRequested)
            {
                var (key, request) = next();
                var sentAt = clock.Elapsed;
                try
                {
                    using (request)
                    using (var response = await client.SendAsync(request))
                    {
                        answers.Enqueue(new Answer(kind, key, sentAt, response.StatusCode, response.Headers.RetryAfter?.Delta,
                            response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync()));
                    }
                }
                catch (HttpRequestException ex)
                {
                    // No answer at all (status 0) is a failure like a 500.
                    answers.Enqueue(new Answer(kind, key, sentAt, 0, null, null, ex.Message));
                }
                await Task.Delay(25);
            }
        }

        (string, HttpRequestMessage) Lead()
        {
            var email = LeadForms.UniqueEmail();
            return (email, LeadForms.Json(LeadForms.Valid(email)));
        }

        (string, HttpRequestMessage) Heartbeat()
        {
            var number = Interlocked.Increment(ref heartbeatNumber);
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/heartbeat")
            {
                Content = new StringContent($$"""{"status":"ok","uptime_seconds":{{number}}}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Agent-Key", agentKey);
            return (number.ToString(System.Globalization.CultureInfo.InvariantCulture), request);
        }

        (string, HttpRequestMessage) Team(string path)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return (path, request);
        }

        var traffic = new[]
        {
            TrafficAsync("lead", Lead), TrafficAsync("lead", Lead),
            TrafficAsync("heartbeat", Heartbeat), TrafficAsync("heartbeat", Heartbeat),
            TrafficAsync("team", () => Team("/api/agents")), TrafficAsync("team", () => Team("/api/tasks")),
        };
        string[] kinds = ["lead", "heartbeat", "team"];

        bool EachKindSucceededSince(TimeSpan since) =>
            kinds.All(k => answers.Any(a => a.Kind == k && a.SentAt >= since && (int)a.Status is >= 200 and < 300));

        async Task WaitForAsync(Func<bool> condition, TimeSpan limit, string what)
        {
            var deadline = clock.Elapsed + limit;
            while (!condition())
            {
                if (clock.Elapsed > deadline || traffic.Any(t => t.IsFaulted))
                {
                    stop.Cancel();
                    await Task.WhenAll(traffic);
                    throw new Xunit.Sdk.XunitException($"{what} not within {limit.TotalSeconds} s. Answers: {Summary(answers)}");
                }
                await Task.Delay(50);
            }
        }

        try
        {
            await WaitForAsync(() => EachKindSucceededSince(TimeSpan.Zero), TimeSpan.FromSeconds(45), "Traffic before the outage");
            await Task.Delay(500);

            var stoppedAt = clock.Elapsed;
            await _postgres.StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(5));
            // Every endpoint meets the outage too, not only the traffic: a new one is checked without being listed here.
            var sweep = await SweepEveryHttpFunctionAsync(client, token, agentKey);
            await _postgres.StartAsync();
            var startedAt = clock.Elapsed;

            await WaitForAsync(() => EachKindSucceededSince(startedAt), TimeSpan.FromSeconds(45), "Recovery after the restart");
            stop.Cancel();
            await Task.WhenAll(traffic);

            var all = answers.ToList();
            var expected = new Dictionary<string, HttpStatusCode> { ["lead"] = HttpStatusCode.Created, ["heartbeat"] = HttpStatusCode.OK, ["team"] = HttpStatusCode.OK };
            var wrong = all.Where(a => a.Status != expected[a.Kind] && !IsUnavailable(a)).ToList();
            Assert.True(wrong.Count == 0, $"Answers other than the usual one or 503 with Retry-After and a German problem+json: {Summary(wrong)}. All: {Summary(all)}");
            var wrongSweep = sweep.Where(a => (int)a.Status >= 500 && !(a.Status == HttpStatusCode.ServiceUnavailable && a.RetryAfter > TimeSpan.Zero)).ToList();
            Assert.True(wrongSweep.Count == 0, $"Endpoints that answered the outage with something else than 503 and Retry-After: {Summary(wrongSweep)}");
            // The acknowledge link's page too (a person's page: German HTML rather than problem+json).
            Assert.Contains(sweep, a => a.Kind == "AcknowledgeLink" && a.Status == HttpStatusCode.ServiceUnavailable && a.MediaType == "text/html");
            // The outage was met by every kind of traffic (else the test proves nothing).
            Assert.All(kinds, k => Assert.Contains(all, a => a.Kind == k && a.Status == HttpStatusCode.ServiceUnavailable && a.SentAt >= stoppedAt));

            // Nothing accepted lost.
            var acceptedLeads = all.Where(a => a.Kind == "lead" && a.Status == HttpStatusCode.Created).Select(a => a.Key).ToArray();
            var storedLeads = (await QueryAsync<string>("select email from leads where email = any(@emails)", new { emails = acceptedLeads })).ToHashSet();
            var lostLeads = acceptedLeads.Where(e => !storedLeads.Contains(e)).ToArray();
            Assert.True(lostLeads.Length == 0, $"Leads answered 201 but not stored: {string.Join(", ", lostLeads)}");
            var acceptedBeats = all.Where(a => a.Kind == "heartbeat" && a.Status == HttpStatusCode.OK).Select(a => long.Parse(a.Key, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var storedBeats = (await QueryAsync<long>("select uptime_seconds from agent_heartbeats where uptime_seconds = any(@numbers)", new { numbers = acceptedBeats })).ToHashSet();
            var lostBeats = acceptedBeats.Where(n => !storedBeats.Contains(n)).ToArray();
            Assert.True(lostBeats.Length == 0, $"Heartbeats answered 200 but not stored: {string.Join(", ", lostBeats)}");
        }
        finally
        {
            stop.Cancel();
            try { await Task.WhenAll(traffic); } catch (Exception) { /* reported above when it matters */ }
            if (!_postgres.Started) await _postgres.StartAsync();
        }
    }

    /// <summary>503, Retry-After, and the German problem+json every endpoint answers then.</summary>
    private static bool IsUnavailable(Answer a)
    {
        if (a.Status != HttpStatusCode.ServiceUnavailable || a.RetryAfter is not { } wait || wait <= TimeSpan.Zero) return false;
        if (a.MediaType != "application/problem+json") return false;
        var problem = JsonDocument.Parse(a.Body).RootElement;
        return problem.GetProperty("status").GetInt32() == 503 && problem.GetProperty("title").GetString() is { } title
            && (title.Contains("Bitte", StringComparison.Ordinal) || title.Contains("bitte", StringComparison.Ordinal));
    }

    /// <summary>Every HTTP function of the app, every method, with the team token, the agent key and the webhook secret.</summary>
    private async Task<List<Answer>> SweepEveryHttpFunctionAsync(HttpClient client, string token, string agentKey)
    {
        var answers = new List<Answer>();
        // A well-signed acknowledge link, so that its page has to ask the database.
        var ackToken = _host.Services.GetRequiredService<AcknowledgeLink>().Token(Guid.NewGuid(), DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());
        foreach (var function in _host.Services.GetRequiredService<IReadOnlyList<FunctionDescriptor>>().Where(f => f.Trigger == TriggerKind.Http))
        foreach (var method in function.HttpMethods.Where(m => m != "options"))
        {
            var route = System.Text.RegularExpressions.Regex.Replace(function.Route!, @"\{[^}]+\?\}", "");
            route = System.Text.RegularExpressions.Regex.Replace(route, @"\{([^}]+)\}",
                m => m.Groups[1].Value == "token" ? Uri.EscapeDataString(ackToken) : Guid.NewGuid().ToString()).TrimEnd('/');
            using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), "/api/" + route);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Add("X-Agent-Key", agentKey);
            request.Headers.Add("X-Webhook-Secret", WebhookSecret);
            request.Headers.Add("X-Forwarded-For", LeadForms.UniqueClient());
            if (method == "post")
                request.Content = new StringContent(function.Name == "SubmitLead"
                    ? JsonSerializer.Serialize(LeadForms.Valid())
                    : """{"type":"INSERT","table":"pipeline_events","schema":"public","record":{"id":1,"to_stage":"WON"},"old_record":null}""",
                    Encoding.UTF8, "application/json");
            using var response = await client.SendAsync(request);
            answers.Add(new Answer(function.Name, $"{method.ToUpperInvariant()} /api/{route}", TimeSpan.Zero, response.StatusCode,
                response.Headers.RetryAfter?.Delta, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync()));
        }
        return answers;
    }

    private async Task<string> CreateAgentAsync()
    {
        var lead = await Crm.CreateLeadAsync(_admin);
        var key = AgentKeys.Generate();
        await using var connection = await _admin.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            insert into agents (lead_id, name, key_hash, key_prefix, expected_interval, grace_period)
            values (@lead, 'Neustart-Agent', @hash, @prefix, interval '5 minutes', interval '10 minutes')
            """, new { lead, hash = key.Hash, prefix = key.DisplayPrefix });
        return key.Key;
    }

    private async Task<IEnumerable<T>> QueryAsync<T>(string sql, object param)
    {
        await using var connection = await _admin.OpenConnectionAsync();
        return await connection.QueryAsync<T>(sql, param);
    }

    private static string Summary(IEnumerable<Answer> answers) =>
        string.Join("; ", answers.GroupBy(a => (a.Kind, a.Status)).OrderBy(g => g.Key.Kind).ThenBy(g => g.Key.Status)
            .Select(g => $"{g.Key.Kind} {(int)g.Key.Status}×{g.Count()} (e.g. {g.First().Key}: {Trim(g.First().Body)})"));

    private static string Trim(string body) => body.Length <= 200 ? body : body[..200] + "…";
}
