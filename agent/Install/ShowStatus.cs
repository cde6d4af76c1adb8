using Leitstand.Agent.Keys;

namespace Leitstand.Agent.Install;

/// <summary><c>status</c>: service installed and running, key present (its prefix only), the last answer of the server from the state file.</summary>
public sealed class ShowStatus(AgentEnvironment environment, TimeProvider time)
{
    public async Task<int> ExecuteAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var service = AgentServices.ForPlatform(environment);
        var running = service.IsInstalled ? await service.IsRunningAsync(cancellationToken) : false;
        await output.WriteLineAsync($"Dienst:    {service.Description}: " + (service.IsInstalled
            ? "installiert, " + running switch { true => "läuft", false => "läuft nicht", null => "Zustand unbekannt" }
            : "nicht installiert"));

        var config = AgentConfig.Read(environment);
        string keyLine;
        var present = false;
        try
        {
            var key = config?.KeyFile is { } file
                ? await new KeyFile(file).ReadAsync(cancellationToken)
                : await KeyStores.ForPlatform(environment).ReadAsync(cancellationToken);
            present = key is not null;
            keyLine = key is null ? "fehlt" : $"vorhanden ({AgentKey.DisplayPrefix(key)})";
        }
        catch (KeyStoreException e) { keyLine = "nicht lesbar: " + e.Message; }
        await output.WriteLineAsync($"Schlüssel: {keyLine}");
        await output.WriteLineAsync($"Leitstand: {config?.Url ?? "Standardadresse"}");
        var state = AgentState.Read(environment);
        await output.WriteLineAsync($"Letzte Antwort: {state?.Describe(time.GetUtcNow().UtcDateTime) ?? "noch keine (der Agent hat noch keinen Heartbeat gesendet)"}");
        return service.IsInstalled && running != false && present ? 0 : 1;
    }
}
