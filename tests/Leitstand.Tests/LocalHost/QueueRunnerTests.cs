using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues;
using Leitstand.Functions;
using Leitstand.LocalHost.Functions;
using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;

namespace Leitstand.Tests.LocalHost;

[Collection(StackCollection.Name)]
public sealed class QueueRunnerTests(StackFixture stack)
{
    private static readonly HostJson QuickQueues = new("api", QueueMaxDequeueCount: 3, QueueVisibilityTimeout: TimeSpan.FromSeconds(1), Azure.Storage.Queues.QueueMessageEncoding.Base64)
    {
        QueueMaxPollingInterval = TimeSpan.FromMilliseconds(200),
    };

    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Queue_names_resolve_settings_like_azure()
    {
        var configuration = Settings(("Alerts:Queue", "Alerts-Test"), ("Env", "dev"));

        Assert.Equal("alerts-test", QueueRunner.ResolveQueueName("%Alerts:Queue%", configuration));
        Assert.Equal("dev-alerts-test", QueueRunner.ResolveQueueName("%Env%-%Alerts:Queue%", configuration));
        Assert.Equal("lead-captured", QueueRunner.ResolveQueueName("lead-captured", configuration));
        Assert.Contains("Missing:Setting", Assert.Throws<InvalidOperationException>(() => QueueRunner.ResolveQueueName("%Missing:Setting%", configuration)).Message);
        Assert.Throws<InvalidOperationException>(() => QueueRunner.ResolveQueueName("%Env%_x", configuration));
    }

    [Fact]
    public void Empty_polls_back_off_from_100_ms_doubling_up_to_the_max_polling_interval()
    {
        var max = TimeSpan.FromSeconds(2);
        var delays = new List<double>();
        var delay = QueueRunner.MinPollingInterval;
        for (var i = 0; i < 7; i++) delays.Add((delay = QueueRunner.NextPollDelay(delay, max)).TotalMilliseconds);

        Assert.Equal([200, 400, 800, 1600, 2000, 2000, 2000], delays);
    }

    [Fact]
    public void Host_json_queue_settings_have_the_functions_host_defaults()
    {
        var path = Path.Combine(Path.GetTempPath(), "host-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, """{ "version": "2.0", "extensions": { "queues": { "batchSize": 10 } } }""");
        try
        {
            var defaults = HostJson.Load(path);

            Assert.Equal(10, defaults.QueueBatchSize);
            Assert.Equal(5, defaults.QueueNewBatchThreshold);
            Assert.Equal(TimeSpan.FromMinutes(1), defaults.QueueMaxPollingInterval);
            Assert.Equal(TimeSpan.Zero, defaults.QueueVisibilityTimeout);
            Assert.Equal(5, defaults.QueueMaxDequeueCount);
            Assert.Equal("api", defaults.RoutePrefix);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void The_apps_host_json_is_tuned_for_alert_delivery()
    {
        var tuned = HostJson.Load(Path.Combine(RepoPaths.Root, "functions", "host.json"));

        Assert.Equal(16, tuned.QueueBatchSize);
        Assert.Equal(8, tuned.QueueNewBatchThreshold);
        Assert.Equal(TimeSpan.FromMilliseconds(500), tuned.QueueMaxPollingInterval);
        Assert.Equal(TimeSpan.FromSeconds(30), tuned.QueueVisibilityTimeout);
        Assert.Equal(5, tuned.QueueMaxDequeueCount);
        Assert.Equal(Azure.Storage.Queues.QueueMessageEncoding.Base64, tuned.QueueMessageEncoding);
    }

    [Fact]
    public async Task A_failing_message_on_a_setting_named_queue_is_retried_after_the_visibility_timeout_and_then_poisoned()
    {
        var configured = "Probe-Settings-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var resolved = configured.ToLowerInvariant();
        await using var host = await RunningHost.StartAsync(stack, s => s["Probe:Queue"] = configured,
            o => o with { FunctionsAssembly = typeof(SettingQueueProbes).Assembly, HostJson = QuickQueues, RunQueues = true });
        var queue = new QueueClient(stack.Azurite.ConnectionString, resolved, ServiceSetup.QueueClientOptionsForApp());
        var poison = new QueueClient(stack.Azurite.ConnectionString, resolved + "-poison", ServiceSetup.QueueClientOptionsForApp());
        await queue.CreateIfNotExistsAsync();
        var good = Guid.NewGuid().ToString();
        var bad = "fail-" + Guid.NewGuid();
        var badBody = JsonSerializer.Serialize(new ProbeMessage(bad));

        await queue.SendMessageAsync(JsonSerializer.Serialize(new ProbeMessage(good)));
        await queue.SendMessageAsync(badBody);

        // The lease is 10 minutes: three attempts within 15 s only happen if a failure sets the visibility timeout (1 s).
        var deadline = DateTime.UtcNow.AddSeconds(15);
        string? poisoned = null;
        while (DateTime.UtcNow < deadline && !(SettingQueueProbes.Handled.Contains(good) && poisoned is not null))
        {
            if (await poison.ExistsAsync())
                poisoned = (await poison.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString()).FirstOrDefault(b => b.Contains(bad, StringComparison.Ordinal));
            await Task.Delay(200);
        }
        Assert.Contains(good, SettingQueueProbes.Handled);
        Assert.Equal(badBody, poisoned);
        Assert.Equal(3, SettingQueueProbes.Attempts.GetValueOrDefault(bad));
        Assert.Empty((await queue.PeekMessagesAsync(32)).Value);

        // /admin/functions lists the attribute as written (the build's functions.metadata does the same).
        var functions = await host.Client.GetFromJsonAsync<JsonElement>("/admin/functions");
        var listed = functions.EnumerateArray().Single(f => f.GetProperty("name").GetString() == "ProbeSettingQueue");
        Assert.Equal("%Probe:Queue%", listed.GetProperty("queueName").GetString());
    }

    [Fact]
    public async Task Messages_of_a_batch_are_processed_concurrently()
    {
        var name = "probe-batch-" + Guid.NewGuid().ToString("N")[..8];
        var queue = new QueueClient(stack.Azurite.ConnectionString, name, ServiceSetup.QueueClientOptionsForApp());
        await queue.CreateIfNotExistsAsync();
        var ids = Enumerable.Range(0, 6).Select(i => $"slow-{i}-{Guid.NewGuid()}").ToList();
        foreach (var id in ids) await queue.SendMessageAsync(JsonSerializer.Serialize(new ProbeMessage(id)));
        SettingQueueProbes.ResetConcurrency();

        await using var host = await RunningHost.StartAsync(stack, s => s["Probe:Queue"] = name,
            o => o with { FunctionsAssembly = typeof(SettingQueueProbes).Assembly, HostJson = QuickQueues, RunQueues = true });
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline && !ids.All(SettingQueueProbes.Handled.Contains)) await Task.Delay(100);

        Assert.All(ids, id => Assert.Contains(id, SettingQueueProbes.Handled));
        // Six messages of 400 ms each, one after the other, would never overlap.
        Assert.True(SettingQueueProbes.MaxConcurrent >= 3, $"at most {SettingQueueProbes.MaxConcurrent} ran at the same time");
    }
}

/// <summary>
/// A queue function whose queue name is a setting, for the local host's queue tests. Lives in the test
/// assembly, so the metadata test (which discovers the functions assembly only) never sees it.
/// </summary>
public sealed class SettingQueueProbes
{
    private static int _running;
    private static int _maxConcurrent;
    public static ConcurrentBag<string> Handled { get; } = [];
    public static ConcurrentDictionary<string, int> Attempts { get; } = new();
    public static int MaxConcurrent => Volatile.Read(ref _maxConcurrent);
    public static void ResetConcurrency() => Volatile.Write(ref _maxConcurrent, 0);

    [Function("ProbeSettingQueue")]
    public async Task Handle([QueueTrigger("%Probe:Queue%")] ProbeMessage message, CancellationToken ct)
    {
        var running = Interlocked.Increment(ref _running);
        try
        {
            int seen;
            while (running > (seen = Volatile.Read(ref _maxConcurrent)) && Interlocked.CompareExchange(ref _maxConcurrent, running, seen) != seen) { }
            Attempts.AddOrUpdate(message.Id, 1, (_, n) => n + 1);
            if (message.Id.StartsWith("fail-", StringComparison.Ordinal)) throw new InvalidOperationException("probe failure");
            if (message.Id.StartsWith("slow-", StringComparison.Ordinal)) await Task.Delay(400, ct);
            Handled.Add(message.Id);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}
