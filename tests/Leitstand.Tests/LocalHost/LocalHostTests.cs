using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues;
using Leitstand.Functions;
using Leitstand.LocalHost.Functions;
using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Tests.LocalHost;

[Collection(StackCollection.Name)]
public sealed class LocalHostTests(StackFixture stack)
{
    /// <summary>The functions.metadata that the Functions SDK wrote when it built functions/ in this configuration.</summary>
    private static string MetadataPath()
    {
        // tests/Leitstand.Tests/bin/<Configuration>/net10.0/
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var path = Path.Combine(RepoPaths.Root, "functions", "bin", configuration, "net10.0", "functions.metadata");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} not found: build functions/ first (the test command does).");
    }

    [Fact]
    public async Task Local_host_serves_exactly_the_functions_of_the_build_metadata()
    {
        using var metadata = JsonDocument.Parse(await File.ReadAllTextAsync(MetadataPath()));
        var expected = metadata.RootElement.EnumerateArray().Select(f =>
        {
            var trigger = f.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            string? Text(string name) => trigger.TryGetProperty(name, out var v) ? v.GetString() : null;
            var methods = trigger.TryGetProperty("methods", out var m) ? string.Join(",", m.EnumerateArray().Select(x => x.GetString()!.ToLowerInvariant()).Order()) : "";
            return $"{f.GetProperty("name").GetString()}|{trigger.GetProperty("type").GetString()!.Replace("Trigger", "", StringComparison.Ordinal)}|{methods}|{Text("route")}|{Text("schedule")}|{Text("queueName")}";
        }).Order().ToList();
        await using var host = await RunningHost.StartAsync(stack);

        var served = await host.Client.GetFromJsonAsync<JsonElement>("/admin/functions");

        var actual = served.EnumerateArray().Select(f =>
        {
            string? Text(string name) => f.GetProperty(name).ValueKind == JsonValueKind.Null ? null : f.GetProperty(name).GetString();
            var methods = string.Join(",", f.GetProperty("methods").EnumerateArray().Select(x => x.GetString()!).Order());
            return $"{Text("name")}|{Text("trigger")}|{methods}|{Text("route")}|{Text("schedule")}|{Text("queueName")}";
        }).Order().ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Every_http_function_answers_on_its_route_and_methods()
    {
        await using var host = await RunningHost.StartAsync(stack);
        var functions = FunctionCatalog.Discover(typeof(ServiceSetup).Assembly).Where(f => f.Trigger == TriggerKind.Http).ToList();

        foreach (var function in functions)
        {
            foreach (var method in function.HttpMethods)
            {
                // Route parameters get a sample value; optional ones are left out.
                var path = System.Text.RegularExpressions.Regex.Replace(function.Route!, @"/?\{[^}]+\?\}", "");
                path = System.Text.RegularExpressions.Regex.Replace(path, @"\{[^}]+\}", Guid.NewGuid().ToString());
                var response = await host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), "/api/" + path));
                // A function may answer 404 itself (unknown id), with a body; an unrouted path answers an empty 404.
                if (response.StatusCode == HttpStatusCode.NotFound && method != "head")
                    Assert.Contains("title", await response.Content.ReadAsStringAsync());
                else
                    Assert.NotEqual(HttpStatusCode.NotFound, response.StatusCode);
                Assert.NotEqual(HttpStatusCode.MethodNotAllowed, response.StatusCode);
                Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
            }
        }
        var unknown = await host.Client.GetAsync("/api/does-not-exist");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Empty(await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Local_host_serves_the_landing_page()
    {
        await using var host = await RunningHost.StartAsync(stack);

        var page = await host.Client.GetStringAsync("/");

        Assert.Contains("id=\"lead-form\"", page);
        Assert.Contains("Wir liefern deinen persönlichen AI-Agenten in 5 Stunden", page);
    }

    [Fact]
    public async Task Local_host_serves_every_landing_page_with_the_shared_header_and_footer_filled_in()
    {
        await using var host = await RunningHost.StartAsync(stack);
        var footer = (await File.ReadAllTextAsync(Path.Combine(RepoPaths.Landing, "partials", "footer.html"))).Trim();

        foreach (var name in Directory.GetFiles(RepoPaths.Landing, "*.html").Select(Path.GetFileName))
        {
            var page = await host.Client.GetStringAsync("/" + name);

            Assert.Contains(footer, page, StringComparison.Ordinal);
            Assert.Contains("<header class=\"site-header\">", page, StringComparison.Ordinal);
            Assert.DoesNotContain("data-partial", page, StringComparison.Ordinal);
            Assert.DoesNotContain("<!-- slot -->", page, StringComparison.Ordinal);
        }
        // the page's own part of the header stands where the partial's slot was
        Assert.Matches("<a class=\"brand\"[^\n]*</a>\n\\s*<a class=\"header-cta\" href=\"#anfrage\">", await host.Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task Local_host_shows_what_waits_in_a_queue()
    {
        await using var host = await RunningHost.StartAsync(stack);
        var name = "peek-" + Guid.NewGuid().ToString("N")[..8];
        var queue = new QueueClient(stack.Azurite.ConnectionString, name, ServiceSetup.QueueClientOptionsForApp());
        await queue.CreateAsync();
        await queue.SendMessageAsync("{\"leadId\":\"abc\"}");

        var peeked = await host.Client.GetFromJsonAsync<JsonElement>($"/admin/queues/{name}");
        var missing = await host.Client.GetAsync("/admin/queues/no-such-queue");

        Assert.Equal("abc", peeked[0].GetProperty("body").GetProperty("leadId").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Timer_functions_run_on_their_schedule()
    {
        var before = ProbeFunctions.TimerRuns;
        await using var host = await RunningHost.StartAsync(stack, options: o => o with { FunctionsAssembly = typeof(ProbeFunctions).Assembly, RunTimers = true });

        // Twice on a schedule of every second: within 15 s even on a busy machine (a passing run waits about 2 s).
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (ProbeFunctions.TimerRuns < before + 2 && DateTime.UtcNow < deadline) await Task.Delay(100);

        Assert.True(ProbeFunctions.TimerRuns >= before + 2, $"timer ran {ProbeFunctions.TimerRuns - before} times in 15 s (schedule: every second)");
    }

    [Fact]
    public async Task A_function_switched_off_by_its_disabled_setting_is_neither_served_nor_run()
    {
        var before = ProbeFunctions.TimerRuns;
        await using var host = await RunningHost.StartAsync(stack,
            configure: s => s["AzureWebJobs.GetKpiBoard.Disabled"] = "true");
        await using var timers = await RunningHost.StartAsync(stack,
            configure: s => s["AzureWebJobs.ProbeTimer.Disabled"] = "true",
            options: o => o with { FunctionsAssembly = typeof(ProbeFunctions).Assembly, RunTimers = true });

        using var kpi = await host.TeamClient.GetAsync("/api/kpi");
        using var tasks = await host.TeamClient.GetAsync("/api/tasks");
        await Task.Delay(2500);

        Assert.Equal(HttpStatusCode.NotFound, kpi.StatusCode);
        Assert.Equal(HttpStatusCode.OK, tasks.StatusCode);
        Assert.Equal(before, ProbeFunctions.TimerRuns);
    }

    [Fact]
    public async Task Queue_functions_get_messages_and_failures_end_in_the_poison_queue()
    {
        var quickQueues = new HostJson("api", QueueMaxDequeueCount: 2, QueueVisibilityTimeout: TimeSpan.FromSeconds(1), Azure.Storage.Queues.QueueMessageEncoding.Base64)
        {
            QueueMaxPollingInterval = TimeSpan.FromMilliseconds(200),
        };
        await using var host = await RunningHost.StartAsync(stack, options: o => o with { FunctionsAssembly = typeof(ProbeFunctions).Assembly, HostJson = quickQueues, RunQueues = true });
        var queue = new QueueClient(stack.Azurite.ConnectionString, ProbeFunctions.QueueName, ServiceSetup.QueueClientOptionsForApp());
        var poison = new QueueClient(stack.Azurite.ConnectionString, ProbeFunctions.QueueName + "-poison", ServiceSetup.QueueClientOptionsForApp());
        await queue.CreateIfNotExistsAsync();
        var good = Guid.NewGuid().ToString();
        var bad = "fail-" + Guid.NewGuid();

        await queue.SendMessageAsync(JsonSerializer.Serialize(new ProbeMessage(good)));
        await queue.SendMessageAsync(JsonSerializer.Serialize(new ProbeMessage(bad)));

        var deadline = DateTime.UtcNow.AddSeconds(20);
        var poisoned = false;
        while (DateTime.UtcNow < deadline && !(ProbeFunctions.Handled.Contains(good) && poisoned))
        {
            if (await poison.ExistsAsync())
                poisoned = (await poison.PeekMessagesAsync(32)).Value.Any(m => m.Body.ToString().Contains(bad, StringComparison.Ordinal));
            await Task.Delay(200);
        }
        Assert.Contains(good, ProbeFunctions.Handled);
        Assert.True(poisoned, "the failing message did not reach the poison queue");
        Assert.Equal(2, ProbeFunctions.Attempts.GetValueOrDefault(bad));
    }
}

public sealed record ProbeMessage(string Id);

/// <summary>Functions that exist only to exercise the local host's timer and queue triggers.</summary>
public sealed class ProbeFunctions
{
    public const string QueueName = "local-host-probe";
    private static int _timerRuns;
    public static int TimerRuns => Volatile.Read(ref _timerRuns);
    public static ConcurrentBag<string> Handled { get; } = [];
    public static ConcurrentDictionary<string, int> Attempts { get; } = new();

    [Function("ProbeTimer")]
    public void Tick([TimerTrigger("* * * * * *")] TimerInfo timer) => Interlocked.Increment(ref _timerRuns);

    [Function("ProbeQueue")]
    public void Handle([QueueTrigger(QueueName)] ProbeMessage message)
    {
        Attempts.AddOrUpdate(message.Id, 1, (_, n) => n + 1);
        if (message.Id.StartsWith("fail-", StringComparison.Ordinal)) throw new InvalidOperationException("probe failure");
        Handled.Add(message.Id);
    }
}
