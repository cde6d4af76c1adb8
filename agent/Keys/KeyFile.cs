namespace Leitstand.Agent.Keys;

/// <summary>
/// The key in a file that only its owner may read (0600): the fallback on Linux without a Secret Service
/// ($XDG_CONFIG_HOME/leitstand-agent/key) and <c>--key-file</c> for tests and headless machines.
/// A file that the group or others can read is refused, never used.
/// </summary>
public sealed class KeyFile(string path) : IKeyStore
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OthersAny = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public string Path { get; } = path;
    public string Description => $"Datei {Path} (nur für den Besitzer lesbar)";

    public static KeyFile ForEnvironment(AgentEnvironment environment) => new(System.IO.Path.Combine(environment.ConfigDirectory, "key"));

    public Task<string?> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Path)) return Task.FromResult<string?>(null);
        EnsureOnlyOwnerCanRead(Path);
        string text;
        try { text = File.ReadAllText(Path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KeyStoreException($"Die Schlüsseldatei {Path} ist nicht lesbar.");
        }
        return Task.FromResult<string?>(AgentKey.Validate(text.Trim(), $"Die Schlüsseldatei {Path}"));
    }

    /// <summary>For <c>--key-file</c>: the file must exist, be readable by its owner only and hold an agent key.</summary>
    public async Task<string> ReadRequiredAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync(cancellationToken) ?? throw new KeyStoreException($"Die Schlüsseldatei {Path} gibt es nicht.");

    public Task<string> StoreAsync(string key, CancellationToken cancellationToken = default)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path, key);
            return Task.FromResult(Description);
        }
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var temporary = Path + ".tmp";
        File.Delete(temporary);
        // Created 0600 from the start (never readable by others, not even for a moment), then moved into place.
        using (var stream = new FileStream(temporary, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly }))
        using (var writer = new StreamWriter(stream))
            writer.Write(key);
        File.SetUnixFileMode(temporary, OwnerOnly); // umask may have taken bits away, never adds any; set exactly
        File.Move(temporary, Path, overwrite: true);
        return Task.FromResult(Description);
    }

    public Task<bool> RemoveAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Path)) return Task.FromResult(false);
        File.Delete(Path);
        return Task.FromResult(true);
    }

    private static void EnsureOnlyOwnerCanRead(string path)
    {
        if (OperatingSystem.IsWindows()) return; // NTFS ACLs: the user profile is private by default
        var mode = File.GetUnixFileMode(path);
        if ((mode & OthersAny) != 0)
        {
            throw new KeyStoreException(
                $"Die Schlüsseldatei {path} ist auch für andere lesbar oder schreibbar ({Octal(mode)}). " +
                $"Sie wird nicht benutzt. Beschränke sie auf den Besitzer: chmod 600 {path}");
        }
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
}
