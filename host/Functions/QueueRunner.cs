using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Leitstand.Platform;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Leitstand.LocalHost.Functions;

/// <summary>
/// Polls one queue for a queue-triggered function, like the Functions host's queue listener:
/// <list type="bullet">
/// <item>the queue name may name settings (<c>%Alerts:Queue%</c>), resolved from configuration;</item>
/// <item>up to batchSize messages are received at a time and processed concurrently; the next batch is
/// fetched as soon as no more than newBatchThreshold are still in flight;</item>
/// <item>a message is received with a lease long enough for processing (10 minutes) and deleted after the
/// function returns; if it throws, it becomes visible again after visibilityTimeout, and after
/// maxDequeueCount attempts it moves to "&lt;queue&gt;-poison" (same body, same encoding);</item>
/// <item>an empty queue is polled with a back-off that doubles from 100 ms up to maxPollingInterval and
/// starts over when messages arrive.</item>
/// </list>
/// </summary>
public sealed partial class QueueRunner(FunctionDescriptor function, IServiceProvider services, IConfiguration configuration,
    HostJson hostJson, ILogger<QueueRunner> log) : BackgroundService
{
    /// <summary>How long a received message stays invisible while the function runs (Azure: 10 minutes, renewed).</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    private int _inFlight;
    // Released once per finished message (never disposed: a handler may still finish after the drain).
    private readonly SemaphoreSlim _completed = new(0);

    /// <summary>
    /// The queue name as Azure resolves it: every <c>%Setting%</c> replaced by the setting's value
    /// (configuration keys use ':'), then lower-cased and checked against the storage naming rule (<see cref="QueueNames"/>).
    /// </summary>
    public static string ResolveQueueName(string queueName, IConfiguration configuration)
    {
        var resolved = SettingReference().Replace(queueName, m =>
            configuration[m.Groups[1].Value] is { Length: > 0 } value ? value
            : throw new InvalidOperationException($"Setting '{m.Groups[1].Value}' for the queue name '{queueName}' is missing."));
        resolved = resolved.ToLowerInvariant();
        if (!QueueNames.IsValid(resolved))
            throw new InvalidOperationException($"'{resolved}' (from '{queueName}') is not a valid queue name ({QueueNames.RuleText}).");
        return resolved;
    }

    /// <summary>The next wait after an empty poll: twice the last, at most maxPollingInterval.</summary>
    public static TimeSpan NextPollDelay(TimeSpan current, TimeSpan max) =>
        TimeSpan.FromTicks(Math.Min(Math.Max(current.Ticks, MinPollingInterval.Ticks) * 2, Math.Max(max.Ticks, MinPollingInterval.Ticks)));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        QueueClient queue, poison;
        try
        {
            var connection = configuration[string.IsNullOrEmpty(function.Connection) ? "AzureWebJobsStorage" : function.Connection]
                ?? throw new InvalidOperationException($"Queue connection setting for {function.Name} is missing.");
            var name = ResolveQueueName(function.QueueName!, configuration);
            var options = new QueueClientOptions { MessageEncoding = hostJson.QueueMessageEncoding };
            queue = new QueueClient(connection, name, options);
            poison = new QueueClient(connection, name + "-poison", options);
        }
        catch (InvalidOperationException ex)
        {
            // As in Azure, a function that cannot be indexed is left out; the other functions run.
            log.LogError("Queue function {Function} does not run: {Error}", function.Name, ex.Message);
            return;
        }

        var delay = MinPollingInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (Volatile.Read(ref _inFlight) > hostJson.QueueNewBatchThreshold)
                    await _completed.WaitAsync(stoppingToken);

                await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                QueueMessage[] messages = await queue.ReceiveMessagesAsync(hostJson.QueueBatchSize, Lease, stoppingToken);
                foreach (var message in messages)
                {
                    Interlocked.Increment(ref _inFlight);
                    _ = Task.Run(async () =>
                    {
                        try { await HandleAsync(queue, poison, message, stoppingToken); }
                        finally
                        {
                            Interlocked.Decrement(ref _inFlight);
                            _completed.Release();
                        }
                    }, CancellationToken.None);
                }
                if (messages.Length > 0)
                {
                    delay = MinPollingInterval;
                    continue;
                }
                delay = NextPollDelay(delay, hostJson.QueueMaxPollingInterval);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                log.LogWarning("Queue {Queue} not reachable: {Error}", queue.Name, ex.Message);
                delay = TimeSpan.FromSeconds(5);
            }
            try { await Task.Delay(delay, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }

        // Let the messages in flight finish (they see the cancelled token), as the Functions host drains on shutdown.
        var drainDeadline = DateTime.UtcNow.AddSeconds(10);
        while (Volatile.Read(ref _inFlight) > 0 && DateTime.UtcNow < drainDeadline)
            await _completed.WaitAsync(TimeSpan.FromMilliseconds(100), CancellationToken.None);
    }

    private async Task HandleAsync(QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken ct)
    {
        try
        {
            // Dequeued more often than allowed without a recorded failure (the host died mid-run): poison it.
            if (message.DequeueCount > hostJson.QueueMaxDequeueCount)
            {
                await MoveToPoisonAsync(queue, poison, message, ct);
                return;
            }
            try
            {
                await FunctionInvoker.InvokeAsync(services, function, p => Bind(p.ParameterType, p == function.TriggerParameter, message, ct));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                log.LogWarning(ex, "Queue function {Function} failed on message {MessageId} (attempt {Attempt} of {Max})",
                    function.Name, message.MessageId, message.DequeueCount, hostJson.QueueMaxDequeueCount);
                if (message.DequeueCount >= hostJson.QueueMaxDequeueCount)
                    await MoveToPoisonAsync(queue, poison, message, ct);
                else
                    await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: hostJson.QueueVisibilityTimeout, cancellationToken: ct);
                return;
            }
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shut down mid-run: hand the message back now instead of after the lease.
            try { await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero); }
            catch (Exception ex) { log.LogDebug("Could not release message {MessageId}: {Error}", message.MessageId, ex.Message); }
        }
        catch (Exception ex)
        {
            log.LogWarning("Queue {Queue}: message {MessageId} could not be settled: {Error}", queue.Name, message.MessageId, ex.Message);
        }
    }

    private async Task MoveToPoisonAsync(QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken ct)
    {
        await poison.CreateIfNotExistsAsync(cancellationToken: ct);
        await poison.SendMessageAsync(message.Body, cancellationToken: ct);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
        log.LogError("Message {MessageId} moved to {Poison} after {Attempts} attempts", message.MessageId, poison.Name, message.DequeueCount);
    }

    private static (bool, object?) Bind(Type type, bool isTrigger, QueueMessage message, CancellationToken ct)
    {
        if (type == typeof(CancellationToken)) return (true, ct);
        if (type == typeof(QueueMessage)) return (true, message);
        if (!isTrigger) return (false, null);
        if (type == typeof(string)) return (true, message.Body.ToString());
        if (type == typeof(BinaryData)) return (true, message.Body);
        if (type == typeof(byte[])) return (true, message.Body.ToArray());
        // A POCO trigger parameter as the Functions worker binds it (its own defaults, not Leitstand's JsonConvention).
        return (true, JsonSerializer.Deserialize(message.Body.ToString(), type, JsonSerializerOptions.Web));
    }

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex SettingReference();
}
