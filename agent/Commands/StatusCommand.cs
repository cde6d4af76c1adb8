using System.CommandLine;
using Leitstand.Agent.Install;
using Leitstand.Agent.Keys;

namespace Leitstand.Agent.Commands;

public static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status", "Zeigt, ob der Dienst installiert ist und läuft, ob ein Schlüssel gespeichert ist und die letzte Antwort des Leitstands");
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(parse, output =>
            new ShowStatus(AgentEnvironment.FromProcess(), TimeProvider.System).ExecuteAsync(output, cancellationToken)));
        return command;
    }
}
