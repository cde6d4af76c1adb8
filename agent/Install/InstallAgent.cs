using Leitstand.Agent.Keys;

namespace Leitstand.Agent.Install;

public sealed record InstallRequest(string? Url, string? KeyFile, bool KeyPrompt, IReadOnlyList<string> AgentCommand, IReadOnlyList<string> Executable);

/// <summary>
/// <c>install</c>: stores the key (read once, from the prompt or piped from the key handover) in the key store, remembers
/// the URL, and writes and starts the service that runs <c>leitstand-agent run [--url U] -- &lt;command…&gt;</c>.
/// </summary>
public sealed class InstallAgent(AgentEnvironment environment)
{
    public async Task<int> ExecuteAsync(InstallRequest request, Func<CancellationToken, Task<string?>> readKey, TextWriter output, CancellationToken cancellationToken)
    {
        if (request.AgentCommand.Count == 0)
            throw new AgentSetupException("Nach „--“ fehlt der Befehl des Agenten, z. B.: leitstand-agent install --key-prompt -- /opt/agent/start.sh");
        var url = request.Url is null ? null : ServerUrl.Parse(request.Url).ToString().TrimEnd('/');
        if (request.KeyPrompt && request.KeyFile is not null)
            throw new AgentSetupException("--key-prompt und --key-file schließen sich aus: entweder den Schlüssel speichern oder die Datei benutzen.");

        var store = KeyStores.ForPlatform(environment);
        if (request.KeyFile is not null)
        {
            var key = await new KeyFile(request.KeyFile).ReadRequiredAsync(cancellationToken);
            await output.WriteLineAsync($"Schlüssel {AgentKey.DisplayPrefix(key)} aus {Path.GetFullPath(request.KeyFile)} (bleibt dort, wird nicht kopiert).");
        }
        else if (request.KeyPrompt)
        {
            var key = AgentKey.Validate((await readKey(cancellationToken) ?? "").Trim(), "Eingabe");
            var where = await store.StoreAsync(key, cancellationToken);
            await output.WriteLineAsync($"Schlüssel {AgentKey.DisplayPrefix(key)} gespeichert: {where}.");
        }
        else
        {
            var key = await store.ReadAsync(cancellationToken)
                ?? throw new AgentSetupException($"Kein Schlüssel gespeichert ({store.Description}). Mit --key-prompt eingeben oder aus der Schlüsselübergabe einfügen: … | leitstand-agent install --key-prompt -- <Befehl>");
            await output.WriteLineAsync($"Schlüssel {AgentKey.DisplayPrefix(key)} ist schon gespeichert: {store.Description}.");
        }

        var service = AgentServices.ForPlatform(environment);
        service.Write(AgentCommandLine.ForRun(request.Executable, url, request.KeyFile, request.AgentCommand));
        new AgentConfig(url, request.KeyFile is null ? null : Path.GetFullPath(request.KeyFile), service.Description, DateTime.UtcNow).Write(environment);
        await output.WriteLineAsync($"{service.Description} geschrieben: {service.DefinitionPath}");
        await service.ActivateAsync(output, cancellationToken);
        await output.WriteLineAsync("Prüfen: leitstand-agent status, leitstand-agent doctor");
        return 0;
    }
}
