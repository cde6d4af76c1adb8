namespace Leitstand.Agent.Keys;

/// <summary>
/// The login keychain through Apple's <c>security</c> tool, as a generic password of service "leitstand-agent".
/// <c>add-generic-password -w KEY</c> would put the key into the process arguments (visible in <c>ps</c>), and the
/// prompt of a trailing <c>-w</c> wants a terminal. So the key is stored through <c>security -i</c>, which reads its
/// command from stdin: the key travels on the pipe only. Reading is <c>find-generic-password -w</c> (the key on
/// stdout), removing <c>delete-generic-password</c>; neither carries the key in its arguments.
/// </summary>
public sealed class MacKeychain(AgentEnvironment environment) : IKeyStore
{
    public const string Service = AgentEnvironment.Name;
    public const string Account = "agent-key";

    public string Description => "macOS-Schlüsselbund (Dienst „leitstand-agent“)";

    public async Task<string?> ReadAsync(CancellationToken cancellationToken = default)
    {
        var result = await ExternalTool.RunAsync(Tool(), ["find-generic-password", "-s", Service, "-a", Account, "-w"], cancellationToken: cancellationToken);
        if (result.ExitCode == 44) return null; // errSecItemNotFound
        if (result.ExitCode != 0)
            throw new KeyStoreException($"Der Schlüsselbund hat den Schlüssel nicht herausgegeben (security, Code {result.ExitCode}). Ist der Schlüsselbund entsperrt?");
        return AgentKey.Validate(result.Output.Trim(), "Der Eintrag im Schlüsselbund");
    }

    public async Task<string> StoreAsync(string key, CancellationToken cancellationToken = default)
    {
        AgentKey.Validate(key, "Der Schlüssel"); // letters, digits, - and _ only: nothing that the command line of security -i could split or quote
        var result = await ExternalTool.RunAsync(Tool(), ["-i"],
            input: $"add-generic-password -U -s {Service} -a {Account} -l Leitstand-Agent -w {key}\nquit\n", cancellationToken: cancellationToken);
        // security -i keeps going after a failed command; what counts is that the key can be read back.
        if (result.ExitCode != 0 || await ReadAsync(cancellationToken) != key)
            throw new KeyStoreException("Der Schlüssel ließ sich nicht im Schlüsselbund speichern (security). Ist der Schlüsselbund entsperrt?");
        return Description;
    }

    public async Task<bool> RemoveAsync(CancellationToken cancellationToken = default)
    {
        var result = await ExternalTool.RunAsync(Tool(), ["delete-generic-password", "-s", Service, "-a", Account], cancellationToken: cancellationToken);
        if (result.ExitCode == 44) return false;
        if (result.ExitCode != 0)
            throw new KeyStoreException($"Der Schlüssel ließ sich nicht aus dem Schlüsselbund löschen (security, Code {result.ExitCode}).");
        return true;
    }

    private string Tool() => environment.FindTool("security")
        ?? throw new KeyStoreException("Das Programm „security“ fehlt (gehört zu macOS, /usr/bin/security). Ohne Schlüsselbund: --key-file benutzen.");
}
