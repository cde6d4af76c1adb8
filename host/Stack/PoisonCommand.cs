using System.Globalization;
using System.Text.Json;
using Azure.Storage.Queues;
using Leitstand.Alerts;
using Leitstand.Functions;
using Leitstand.LocalHost.Functions;
using Microsoft.Extensions.Configuration;

namespace Leitstand.LocalHost.Stack;

/// <summary>
/// <c>dotnet run --project host -- --poison list</c> and <c>-- --poison requeue [message-id]</c>: the alerts'
/// poison queue from the command line, with the settings the host uses (local.settings, environment).
/// </summary>
public static class PoisonCommand
{
    public const string Usage = "Aufruf: --poison list | --poison requeue [message-id]";

    public static IConfiguration LoadConfiguration() =>
        new ConfigurationBuilder().AddInMemoryCollection(LocalSettings.Load(RepoPaths.Root)).AddEnvironmentVariables().Build();

    /// <param name="args">The words after "--poison".</param>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, IConfiguration configuration, TextWriter output, CancellationToken ct = default)
    {
        var verb = args.Count > 0 ? args[0] : "";
        if (verb is not ("list" or "requeue") || args.Count > (verb == "list" ? 1 : 2))
        {
            await output.WriteLineAsync(Usage);
            return 2;
        }
        // A connection string (Azurite) or, against Azure, AzureWebJobsStorage__accountName (signed in with az login).
        var storage = StorageSettings.From(configuration.GetSection("AzureWebJobsStorage"));
        if (!storage.IsConfigured)
        {
            await output.WriteLineAsync("Fehler: Einstellung AzureWebJobsStorage (oder AzureWebJobsStorage__accountName) fehlt.");
            return 1;
        }
        var settings = configuration.GetSection("Alerts").Get<AlertSettings>() ?? new AlertSettings();
        var poison = new PoisonAlerts(storage.CreateQueueServiceClient(ServiceSetup.QueueClientOptionsForApp()), settings);
        try
        {
            if (verb == "list")
            {
                var messages = await poison.ListAsync(32, ct);
                await output.WriteLineAsync(messages.Count == 0
                    ? $"Die Poison-Queue {poison.PoisonQueueName} ist leer."
                    : $"Poison-Queue {poison.PoisonQueueName}: {messages.Count} Nachricht(en){(messages.Count == 32 ? " (die ersten 32)" : "")}");
                foreach (var m in messages)
                {
                    var body = m.BodyJson is { } json ? JsonSerializer.Serialize(json) : m.BodyText;
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"  {m.MessageId}  eingestellt {m.InsertedOn?.ToLocalTime().ToString("dd.MM.yyyy HH:mm:ss", CultureInfo.GetCultureInfo("de-DE"))}  abgeholt {m.DequeueCount}×  {body}"));
                }
                return 0;
            }

            var id = args.Count > 1 ? args[1] : null;
            var moved = await poison.RequeueAsync(id, ct);
            if (id is not null && moved == 0)
            {
                await output.WriteLineAsync($"Die Nachricht {id} liegt nicht in {poison.PoisonQueueName}.");
                return 1;
            }
            await output.WriteLineAsync(moved == 0
                ? $"Die Poison-Queue {poison.PoisonQueueName} ist leer; nichts zu tun."
                : $"{moved} Nachricht(en) aus {poison.PoisonQueueName} zurück in die Queue {poison.QueueName} gestellt.");
            return 0;
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or AggregateException)
        {
            await output.WriteLineAsync($"Fehler: Der Queue-Speicher (AzureWebJobsStorage) ist nicht erreichbar – läuft Azurite (scripts/start)? {ex.Message}");
            return 1;
        }
    }
}
