using System.CommandLine;
using Leitstand.Agent.Install;
using Leitstand.Agent.Keys;

namespace Leitstand.Agent.Commands;

/// <summary>Runs a command's use case; a German message and exit code 1 for bad input, never a stack trace.</summary>
internal static class CommandErrors
{
    public static async Task<int> GuardAsync(ParseResult parse, Func<TextWriter, Task<int>> action)
    {
        var error = parse.InvocationConfiguration.Error;
        try { return await action(parse.InvocationConfiguration.Output); }
        catch (Exception e) when (e is KeyStoreException or AgentSetupException)
        {
            await error.WriteLineAsync("Fehler: " + e.Message);
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"Fehler: Datei nicht schreib- oder lesbar ({e.GetType().Name}: {e.Message}).");
            return 1;
        }
    }
}
