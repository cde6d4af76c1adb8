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
        if (keyFile is not null) return await ReadFileAsync(keyFile, cancellationToken);
        // The OS key store (Keychain, Secret Service, Credential Manager) comes with the install command.
        throw new KeyUnavailableException(
            "Kein Agent-Schlüssel gefunden. Bitte zuerst 'leitstand-agent install --key-prompt' ausführen oder --key-file <Datei> angeben.");
    }

    /// <summary>A file only its owner may read (mode 0600 or stricter on macOS and Linux), holding the key on its first line.</summary>
    public static async Task<string> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
            throw new KeyUnavailableException($"Die Schlüsseldatei '{path}' gibt es nicht.");
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
            if ((mode & others) != 0)
                throw new KeyUnavailableException(
                    $"Die Schlüsseldatei '{path}' dürfen auch andere lesen. Bitte mit 'chmod 600 {path}' nur für den eigenen Benutzer freigeben.");
        }
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KeyUnavailableException($"Die Schlüsseldatei '{path}' lässt sich nicht lesen.");
        }
        var key = text.Split('\n', 2)[0].Trim();
        if (key.Length is 0 or > 100 || key.Any(char.IsWhiteSpace))
            throw new KeyUnavailableException($"In der Schlüsseldatei '{path}' steht kein gültiger Agent-Schlüssel.");
        return key;
    }
}

/// <summary>No usable key; the message is German and safe to show (it never contains the key).</summary>
public sealed class KeyUnavailableException(string message) : Exception(message);
