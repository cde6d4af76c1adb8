namespace Leitstand.Agent.Keys;

/// <summary>
/// The Linux Secret Service (GNOME Keyring, KWallet) through <c>secret-tool</c>: <c>store</c> reads the key from
/// stdin, <c>lookup</c> prints it, <c>clear</c> removes it; the arguments carry only the attributes. Without
/// secret-tool or without a running Secret Service (a server, no D-Bus session) the key goes into the 0600
/// <see cref="KeyFile"/> in $XDG_CONFIG_HOME/leitstand-agent/key instead.
/// </summary>
public sealed class SecretService(AgentEnvironment environment) : IKeyStore
{
    private static readonly string[] Attributes = ["service", AgentEnvironment.Name, "account", "agent-key"];
    private readonly KeyFile _fallback = KeyFile.ForEnvironment(environment);

    public string Description => $"Linux Secret Service (secret-tool), ohne ihn {_fallback.Description}";
    public KeyFile Fallback => _fallback;

    public async Task<string?> ReadAsync(CancellationToken cancellationToken = default)
    {
        var tool = environment.FindTool("secret-tool");
        if (tool is not null)
        {
            var result = await ExternalTool.RunAsync(tool, ["lookup", .. Attributes], cancellationToken: cancellationToken);
            var text = result.Output.Trim();
            if (result.ExitCode == 0 && text.Length > 0)
                return AgentKey.Validate(text, "Der Eintrag im Secret Service");
        }
        return await _fallback.ReadAsync(cancellationToken);
    }

    public async Task<string> StoreAsync(string key, CancellationToken cancellationToken = default)
    {
        AgentKey.Validate(key, "Der Schlüssel");
        var tool = environment.FindTool("secret-tool");
        if (tool is not null)
        {
            var result = await ExternalTool.RunAsync(tool, ["store", "--label=Leitstand-Agent", .. Attributes], input: key, cancellationToken: cancellationToken);
            if (result.ExitCode == 0)
            {
                await _fallback.RemoveAsync(cancellationToken); // one place only: an older fallback file would outlive a rotation
                return "Linux Secret Service (secret-tool)";
            }
        }
        return await _fallback.StoreAsync(key, cancellationToken);
    }

    public async Task<bool> RemoveAsync(CancellationToken cancellationToken = default)
    {
        var removed = false;
        var tool = environment.FindTool("secret-tool");
        if (tool is not null)
        {
            var had = await ExternalTool.RunAsync(tool, ["lookup", .. Attributes], cancellationToken: cancellationToken);
            if (had.ExitCode == 0 && had.Output.Trim().Length > 0)
            {
                var result = await ExternalTool.RunAsync(tool, ["clear", .. Attributes], cancellationToken: cancellationToken);
                removed = result.ExitCode == 0;
            }
        }
        return await _fallback.RemoveAsync(cancellationToken) | removed;
    }
}
