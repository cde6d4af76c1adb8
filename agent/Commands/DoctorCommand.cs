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
        var command = new Command("doctor", "Prüft Schlüssel, Erreichbarkeit des Leitstands über TLS, Uhrzeit, Zeitzone und die letzte Antwort") { url, keyFile };
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
