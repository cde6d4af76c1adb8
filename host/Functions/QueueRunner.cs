using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Leitstand.LocalHost.Functions;

/// <summary>
/// Polls one queue for a queue-triggered function, like the Functions host: a message is deleted after
/// the function returns; if it throws, the message comes back after the visibility timeout, and after
/// maxDequeueCount failures it moves to "&lt;queue&gt;-poison".
/// </summary>
public sealed class QueueRunner(FunctionDescriptor function, IServiceProvider services, IConfiguration configuration,
    HostJson hostJson, ILogger<QueueRunner> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connection = configuration[string.IsNullOrEmpty(function.Connection) ? "AzureWebJobsStorage" : function.Connection]
            ?? throw new InvalidOperationException($"Queue connection setting for {function.Name} is missing.");
        var options = new QueueClientOptions { MessageEncoding = hostJson.QueueMessageEncoding };
        var queue = new QueueClient(connection, function.QueueName, options);
        var poison = new QueueClient(connection, function.QueueName + "-poison", options);
        var delay = TimeSpan.FromMilliseconds(100);
        // Queue storage counts visibility in whole seconds (at least one).
        var visibility = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(hostJson.QueueVisibilityTimeout.TotalSeconds)));

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                QueueMessage[] messages = await queue.ReceiveMessagesAsync(16, visibility, stoppingToken);
                foreach (var message in messages)
                    await HandleAsync(queue, poison, message, stoppingToken);
                delay = messages.Length > 0 ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                log.LogWarning("Queue {Queue} not reachable: {Error}", function.QueueName, ex.Message);
                delay = TimeSpan.FromSeconds(5);
            }
            try { await Task.Delay(delay, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task HandleAsync(QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken ct)
    {
        try
        {
            await FunctionInvoker.InvokeAsync(services, function, p => Bind(p.ParameterType, p == function.TriggerParameter, message, ct));
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogWarning(ex, "Queue function {Function} failed on message {MessageId} (attempt {Attempt})",
                function.Name, message.MessageId, message.DequeueCount);
            if (message.DequeueCount >= hostJson.QueueMaxDequeueCount)
            {
                await poison.CreateIfNotExistsAsync(cancellationToken: ct);
                await poison.SendMessageAsync(message.Body, cancellationToken: ct);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
                log.LogError("Message {MessageId} moved to {Poison}", message.MessageId, poison.Name);
            }
        }
    }

    private static (bool, object?) Bind(Type type, bool isTrigger, QueueMessage message, CancellationToken ct)
    {
        if (type == typeof(CancellationToken)) return (true, ct);
        if (type == typeof(QueueMessage)) return (true, message);
        if (!isTrigger) return (false, null);
        if (type == typeof(string)) return (true, message.Body.ToString());
        if (type == typeof(BinaryData)) return (true, message.Body);
        if (type == typeof(byte[])) return (true, message.Body.ToArray());
        return (true, JsonSerializer.Deserialize(message.Body.ToString(), type, JsonSerializerOptions.Web));
    }
}
