using System.CommandLine;
using Leitstand.Agent.Install;
using Leitstand.Agent.Keys;

namespace Leitstand.Agent.Commands;

public static class DoctorCommand
{
    public static Command Create()
    {
        var url = new Option<string?>("--url") { Description = "Adresse des Leitstands (ohne Angabe die bei install gespeicherte)" };
        var keyFile = new Option<string?>("--key-file") { Description = "Schlüssel aus dieser Datei prüfen statt aus dem Schlüsselspeicher" };
        var command = new Command("doctor", "Prüft, ob der Schlüssel vorhanden ist und vom Leitstand angenommen wird, die Erreichbarkeit des Leitstands über TLS, die Uhrzeit, die Zeitzone und die letzte Antwort (zählt nicht als Heartbeat)") { url, keyFile };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(parse, async output =>
        {
            using var http = new HttpClient();
            http.DefaultRequestHeaders.UserAgent.ParseAdd("leitstand-agent-doctor");
            return await new RunDoctor(AgentEnvironment.FromProcess(), TimeProvider.System, http)
                .ExecuteAsync(parse.GetValue(url), parse.GetValue(keyFile), output, cancellationToken);
        }));
        return command;
    }
}
