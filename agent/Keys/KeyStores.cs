namespace Leitstand.Agent.Keys;

/// <summary>Picks the key store of the platform, and reads the key for <c>run</c>: from <c>--key-file</c> when given, else from the store.</summary>
public static class KeyStores
{
    public static IKeyStore ForPlatform(AgentEnvironment environment) => environment.Platform switch
    {
        AgentPlatform.MacOS => new MacKeychain(environment),
        AgentPlatform.Windows => new WindowsCredentialManager(),
        _ => new SecretService(environment),
    };

    /// <summary>The agent key or a German <see cref="KeyStoreException"/> saying how to provide one.</summary>
    public static async Task<string> ReadRequiredAsync(AgentEnvironment environment, string? keyFile, CancellationToken cancellationToken = default)
    {
        if (keyFile is not null) return await new KeyFile(keyFile).ReadRequiredAsync(cancellationToken);
        var store = ForPlatform(environment);
        return await store.ReadAsync(cancellationToken)
            ?? throw new KeyStoreException($"Kein Agent-Schlüssel gefunden ({store.Description}). Speichere ihn mit „leitstand-agent install --key-prompt -- …“ oder gib --key-file an.");
    }
}
