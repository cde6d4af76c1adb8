namespace Leitstand.Monitoring;

/// <summary>Settings for agent keys (configuration section "Agents").</summary>
public sealed class AgentKeySettings
{
    /// <summary>
    /// 32 random bytes, base64: encrypts a new agent key until the team has looked at it once.
    /// In Azure from Key Vault; the local sample has a value that protects nothing.
    /// </summary>
    public string KeyHandoverKey { get; set; } = "";
}
