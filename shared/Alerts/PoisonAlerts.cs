using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Leitstand.Alerts;

/// <summary>One message in the alerts' poison queue.</summary>
/// <param name="BodyJson">The body as JSON, or null when it is not JSON (then see <paramref name="BodyText"/>).</param>
public sealed record PoisonAlert(string MessageId, DateTimeOffset? InsertedOn, long DequeueCount, string BodyText, JsonElement? BodyJson);

/// <summary>
/// The alerts that failed maxDequeueCount times and went to "&lt;Alerts:Queue&gt;-poison": list them, and
/// put them back on the alerts queue once the cause is fixed. The queue client's encoding (base64, as
/// the Functions host writes poison messages) is kept: bodies go back unchanged.
/// </summary>
public sealed class PoisonAlerts(QueueServiceClient queues, AlertSettings settings)
{
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(30);

    public string QueueName => settings.Queue;
    public string PoisonQueueName => settings.Queue + "-poison";

    /// <summary>Peeks (leaves them where they are) up to max messages, at most 32 (a peek's limit).</summary>
    public async Task<IReadOnlyList<PoisonAlert>> ListAsync(int max, CancellationToken ct)
    {
        var poison = queues.GetQueueClient(PoisonQueueName);
        if (!await poison.ExistsAsync(ct)) return [];
        PeekedMessage[] peeked = await poison.PeekMessagesAsync(Math.Clamp(max, 1, 32), ct);
        return peeked.Select(m => ToAlert(m.MessageId, m.InsertedOn, m.DequeueCount, m.Body)).ToList();
    }

    /// <summary>
    /// Moves every poison message (messageId null) or the one with that id back to the alerts queue:
    /// receive from poison, send the body unchanged, delete from poison. Messages that arrive in poison
    /// while this runs are left for the next call. Returns how many were moved.
    /// </summary>
    public async Task<int> RequeueAsync(string? messageId, CancellationToken ct)
    {
        var poison = queues.GetQueueClient(PoisonQueueName);
        if (!await poison.ExistsAsync(ct)) return 0;
        var alerts = queues.GetQueueClient(QueueName);
        await alerts.CreateIfNotExistsAsync(cancellationToken: ct);
        // A re-queued alert that fails again returns to poison only after maxDequeueCount × visibilityTimeout
        // (minutes); the margin covers clock skew between this machine and the storage account.
        var newerThan = DateTimeOffset.UtcNow.AddMinutes(1);
        var held = new List<QueueMessage>();
        var moved = 0;
        try
        {
            var found = false;
            while (!found)
            {
                // Received messages stay invisible while this runs, so each receive gets new ones.
                QueueMessage[] batch = await poison.ReceiveMessagesAsync(32, Hold, ct);
                if (batch.Length == 0) break;
                foreach (var message in batch)
                {
                    if (found || (messageId is not null && message.MessageId != messageId) || message.InsertedOn > newerThan)
                    {
                        held.Add(message);
                        continue;
                    }
                    await alerts.SendMessageAsync(message.Body, cancellationToken: ct);
                    await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
                    moved++;
                    found = messageId is not null;
                }
            }
            return moved;
        }
        finally
        {
            // The others are visible again right away, not after the hold.
            foreach (var message in held)
            {
                try { await poison.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None); }
                catch (Azure.RequestFailedException) { /* comes back after the hold anyway */ }
            }
        }
    }

    private static PoisonAlert ToAlert(string id, DateTimeOffset? insertedOn, long dequeueCount, BinaryData body)
    {
        var text = body.ToString();
        JsonElement? json = null;
        try { json = JsonDocument.Parse(text).RootElement.Clone(); }
        catch (JsonException) { }
        return new PoisonAlert(id, insertedOn, dequeueCount, text, json);
    }
}
