namespace Leitstand.Agent.Keys;

/// <summary>Where the agent key lives on this machine: the OS secret store (Keychain, Secret Service, Credential Manager) or a 0600 file.</summary>
public interface IKeyStore
{
    /// <summary>German name for messages, e.g. "macOS-Schlüsselbund".</summary>
    string Description { get; }

    /// <summary>The stored key, or null when there is none. Throws <see cref="KeyStoreException"/> when one exists but cannot be read safely.</summary>
    Task<string?> ReadAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores the key (replacing an older one); returns the German name of where it went.</summary>
    Task<string> StoreAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Removes the key; false when there was none.</summary>
    Task<bool> RemoveAsync(CancellationToken cancellationToken = default);
}
