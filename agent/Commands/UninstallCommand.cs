using System.CommandLine;
using Leitstand.Agent.Install;
using Leitstand.Agent.Keys;

namespace Leitstand.Agent.Commands;

public static class UninstallCommand
{
    public static Command Create()
    {
        var removeKey = new Option<bool>("--remove-key") { Description = "Auch den gespeicherten Agent-Schlüssel löschen" };
        var command = new Command("uninstall", "Hält den Dienst an und entfernt ihn") { removeKey };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(parse, output =>
            new UninstallAgent(AgentEnvironment.FromProcess()).ExecuteAsync(parse.GetValue(removeKey), output, cancellationToken)));
        return command;
    }
}
