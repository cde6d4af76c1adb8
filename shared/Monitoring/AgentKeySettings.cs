namespace Leitstand.Monitoring;

/// <summary>Settings for agent keys (configuration section "Agents"). Validated at start (<see cref="Validate"/>).</summary>
public sealed class AgentKeySettings
{
    /// <summary>
    /// 32 random bytes, base64: encrypts a new agent key until the team has looked at it once.
    /// In Azure from Key Vault; the local sample has a value that protects nothing.
    /// </summary>
    public string KeyHandoverKey { get; set; } = "";

    /// <summary>One English message per bad value, naming the app setting (empty when all is well).</summary>
    public IReadOnlyList<string> Validate()
    {
        var buffer = new byte[64];
        return Convert.TryFromBase64String(KeyHandoverKey, buffer, out var length) && length == 32
            ? []
            : ["Agents__KeyHandoverKey must be 32 random bytes in base64 (openssl rand -base64 32; Key Vault in Azure)."];
    }
}
