using System.Globalization;
using Leitstand.Functions;
using Leitstand.Platform;
using Leitstand.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Leitstand.LocalHost.Stack;

/// <summary>
/// <c>--generate-tasks [yyyy-MM-dd]</c>: generates the daily list for a Berlin date (default today) against
/// the configured database (the local stack unless local.settings.json or the environment say otherwise),
/// prints what each rule created and exits. The same code path as POST /api/tasks/generate.
/// </summary>
public static class GenerateTasksCommand
{
    private const string Usage = "Aufruf: dotnet run --project host -- --generate-tasks [JJJJ-MM-TT]";

    /// <param name="args">The words after "--generate-tasks".</param>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, IConfiguration configuration, TextWriter output, CancellationToken ct = default)
    {
        DateOnly? date = null;
        if (args.Count > 1 || (args.Count == 1 && !args[0].StartsWith("--", StringComparison.Ordinal)
                                && !DateOnly.TryParseExact(args[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)))
        {
            await output.WriteLineAsync(Usage);
            return 2;
        }
        if (args.Count == 1 && DateOnly.TryParseExact(args[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var given)) date = given;

        var services = new ServiceCollection().AddLogging(b => b.SetMinimumLevel(LogLevel.Warning)).AddLeitstand(configuration);
        await using var provider = services.BuildServiceProvider();
        var generate = provider.GetRequiredService<GenerateDailyTasks>();
        var day = date ?? BerlinTime.Today(provider.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);
        var result = await generate.ExecuteAsync(day, ct);
        await output.WriteLineAsync($"Tagesliste für {result.Date:dd.MM.yyyy} erzeugt:");
        foreach (var (rule, count) in result.Created) await output.WriteLineAsync($"  {rule,-22} {count}");
        await output.WriteLineAsync(result.DigestMessageIds.Count > 0 ? "  Tageszusammenfassung als Alert eingereiht." : "  Tageszusammenfassung gab es schon.");
        return 0;
    }
}
