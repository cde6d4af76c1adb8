namespace Leitstand.Agent.Keys;

/// <summary>
/// Where <c>run</c> gets the agent key: <c>--key-file</c> (tests, headless machines), otherwise the key store that
/// <c>install</c> filled. The key is never taken from arguments, environment or config files, and never logged.
/// </summary>
public static class KeySource
{
    /// <summary>The key, or a <see cref="KeyUnavailableException"/> with a German message for the person installing.</summary>
    public static async Task<string> ReadAsync(string? keyFile, CancellationToken cancellationToken)
    {
        try
        {
            return await KeyStores.ReadRequiredAsync(AgentEnvironment.FromProcess(), keyFile, cancellationToken);
        }
        catch (KeyStoreException e)
        {
            throw new KeyUnavailableException(e.Message);
        }
    }
}

/// <summary>No usable key; the message is German and safe to show (it never contains the key).</summary>
public sealed class KeyUnavailableException(string message) : Exception(message);
