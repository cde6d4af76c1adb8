using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Leitstand.Functions;
using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.Configuration;

namespace Leitstand.Tests.LocalHost;

[Collection(StackCollection.Name)]
public sealed class PoisonAlertsTests(StackFixture stack)
{
    private readonly string _alertsQueue = "alerts-p-" + Guid.NewGuid().ToString("N")[..10];

    private QueueClient Queue(string name) => new(stack.Azurite.ConnectionString, name, ServiceSetup.QueueClientOptionsForApp());

    // No queue functions run: the alerts function (once it exists) must not take the re-queued messages away.
    private Task<RunningHost> StartHostAsync() =>
        RunningHost.StartAsync(stack, s => s["Alerts:Queue"] = _alertsQueue, o => o with { RunQueues = false });

    private async Task<string> PoisonAsync(string body)
    {
        var poison = Queue(_alertsQueue + "-poison");
        await poison.CreateIfNotExistsAsync();
        return (await poison.SendMessageAsync(body)).Value.MessageId;
    }

    private async Task<List<string>> BodiesAsync(string queueName) =>
        await Queue(queueName).ExistsAsync()
            ? (await Queue(queueName).PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString()).ToList()
            : [];

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Poison_alerts_are_listed_and_requeued_with_the_same_body()
    {
        await using var host = await StartHostAsync();
        var jsonBody = JsonSerializer.Serialize(new { alert_id = Guid.NewGuid(), kind = "incident_opened", title = "Kein Heartbeat – Müller GmbH" });
        var textBody = "not json " + Guid.NewGuid();
        var jsonId = await PoisonAsync(jsonBody);
        var textId = await PoisonAsync(textBody);

        var listed = await host.TeamClient.GetFromJsonAsync<JsonElement>("/api/alerts/poison");

        Assert.Equal(_alertsQueue + "-poison", listed.GetProperty("poison_queue").GetString());
        Assert.Equal(2, listed.GetProperty("count").GetInt32());
        var messages = listed.GetProperty("messages").EnumerateArray().ToDictionary(m => m.GetProperty("message_id").GetString()!);
        Assert.Equal("incident_opened", messages[jsonId].GetProperty("body").GetProperty("kind").GetString());
        Assert.Equal(textBody, messages[textId].GetProperty("body").GetString());
        Assert.True(messages[jsonId].GetProperty("inserted_on").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.True(messages[jsonId].TryGetProperty("dequeue_count", out _));

        var requeued = await host.TeamClient.PostAsync("/api/alerts/poison/requeue", null);

        Assert.Equal(HttpStatusCode.OK, requeued.StatusCode);
        Assert.Equal(2, (await requeued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requeued").GetInt32());
        Assert.Equal([jsonBody, textBody], (await BodiesAsync(_alertsQueue)).Order());
        Assert.Empty(await BodiesAsync(_alertsQueue + "-poison"));
    }

    [Fact]
    public async Task Requeue_of_one_id_leaves_the_others()
    {
        await using var host = await StartHostAsync();
        var bodies = Enumerable.Range(0, 3).Select(i => JsonSerializer.Serialize(new { n = i, id = Guid.NewGuid() })).ToList();
        var ids = new List<string>();
        foreach (var body in bodies) ids.Add(await PoisonAsync(body));

        var response = await host.TeamClient.PostAsync("/api/alerts/poison/requeue", Json(JsonSerializer.Serialize(new { message_id = ids[1] })));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requeued").GetInt32());
        Assert.Equal([bodies[1]], await BodiesAsync(_alertsQueue));
        // The others are visible again right away (not held back by the re-queue's receive).
        Assert.Equal(new[] { bodies[0], bodies[2] }.Order(), (await BodiesAsync(_alertsQueue + "-poison")).Order());

        var again = await host.TeamClient.PostAsync("/api/alerts/poison/requeue", Json(JsonSerializer.Serialize(new { message_id = ids[1] })));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Contains("title", await again.Content.ReadAsStringAsync());
        var invalid = await host.TeamClient.PostAsync("/api/alerts/poison/requeue", Json("{\"message_id\": 5}"));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(2, (await BodiesAsync(_alertsQueue + "-poison")).Count);
    }

    [Fact]
    public async Task The_poison_command_lists_and_requeues()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = stack.Azurite.ConnectionString,
            ["Alerts:Queue"] = _alertsQueue,
        }).Build();
        var body = JsonSerializer.Serialize(new { title = "Deal gewonnen", id = Guid.NewGuid() });
        var id = await PoisonAsync(body);
        var other = await PoisonAsync("{\"other\":true}");

        var list = new StringWriter();
        Assert.Equal(0, await PoisonCommand.RunAsync(["list"], configuration, list));
        var one = new StringWriter();
        Assert.Equal(0, await PoisonCommand.RunAsync(["requeue", id], configuration, one));
        var missing = new StringWriter();
        Assert.Equal(1, await PoisonCommand.RunAsync(["requeue", id], configuration, missing));
        var all = new StringWriter();
        Assert.Equal(0, await PoisonCommand.RunAsync(["requeue"], configuration, all));

        Assert.Contains(id, list.ToString());
        Assert.Contains(other, list.ToString());
        Assert.Contains("2 Nachricht(en)", list.ToString());
        Assert.Contains("1 Nachricht(en)", one.ToString());
        Assert.Contains("liegt nicht", missing.ToString());
        Assert.Contains("1 Nachricht(en)", all.ToString());
        Assert.Equal(new[] { body, "{\"other\":true}" }.Order(), (await BodiesAsync(_alertsQueue)).Order());
        Assert.Equal(2, await PoisonCommand.RunAsync(["purge"], configuration, new StringWriter()));
    }
}
