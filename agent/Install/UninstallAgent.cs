using Leitstand.Agent.Keys;

namespace Leitstand.Agent.Install;

/// <summary><c>uninstall</c>: stops and removes the service and the remembered settings; the key only with <c>--remove-key</c>.</summary>
public sealed class UninstallAgent(AgentEnvironment environment)
{
    public async Task<int> ExecuteAsync(bool removeKey, TextWriter output, CancellationToken cancellationToken)
    {
        var service = AgentServices.ForPlatform(environment);
        var wasInstalled = service.IsInstalled;
        await service.RemoveAsync(output, cancellationToken);
        AgentConfig.Delete(environment);
        await output.WriteLineAsync(wasInstalled ? $"{service.Description} entfernt." : $"{service.Description} war nicht installiert.");
        if (removeKey)
        {
            var store = KeyStores.ForPlatform(environment);
            await output.WriteLineAsync(await store.RemoveAsync(cancellationToken)
                ? $"Schlüssel gelöscht ({store.Description})."
                : $"Es war kein Schlüssel gespeichert ({store.Description}).");
        }
        else
        {
            await output.WriteLineAsync("Der Schlüssel bleibt gespeichert (löschen mit: leitstand-agent uninstall --remove-key).");
        }
        return 0;
    }
}
