namespace Leitstand.Privacy;

/// <summary>Settings of the Privacy feature (configuration section "Privacy"). Validated at start (<see cref="Validate"/>).</summary>
public sealed class PrivacySettings
{
    /// <summary>
    /// 32 random bytes, base64: the key of the objections' HMAC-SHA256 (<see cref="ObjectionHashes"/>). In Azure from
    /// Key Vault; never in the database. A new key makes every stored objection unrecognisable (docs/betrieb/deployment.md).
    /// </summary>
    public string ObjectionHashKey { get; set; } = "";

    /// <summary>One English message per bad value, naming the app setting (empty when all is well).</summary>
    public IReadOnlyList<string> Validate()
    {
        var buffer = new byte[64];
        return Convert.TryFromBase64String(ObjectionHashKey, buffer, out var length) && length == 32
            ? []
            : ["Privacy__ObjectionHashKey must be 32 random bytes in base64 (openssl rand -base64 32; Key Vault in Azure)."];
    }
}
