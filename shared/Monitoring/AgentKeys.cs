using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Leitstand.Monitoring;

/// <summary>
/// Agent keys: 32 random bytes ("lsa_" + base64url), stored only as SHA-256 (a key has enough entropy
/// that a fast hash is safe and heartbeats stay cheap). Until the team has seen a new key once, it is
/// kept sealed with AES-GCM under a key from configuration.
/// </summary>
public sealed class AgentKeys
{
    public const string Prefix = "lsa_";
    private readonly byte[] _handoverKey;

    public AgentKeys(AgentKeySettings settings)
    {
        try { _handoverKey = Convert.FromBase64String(settings.KeyHandoverKey); }
        catch (FormatException) { _handoverKey = []; }
        if (_handoverKey.Length != 32)
            throw new InvalidOperationException("Setting 'Agents:KeyHandoverKey' must be 32 random bytes in base64 (from Key Vault in Azure).");
    }

    public static NewAgentKey Generate()
    {
        var key = Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return new NewAgentKey(key, Hash(key), key[..12]);
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>nonce (12) | tag (16) | ciphertext</summary>
    public byte[] Seal(string key)
    {
        var plain = Encoding.UTF8.GetBytes(key);
        var sealedKey = new byte[12 + 16 + plain.Length];
        var nonce = sealedKey.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_handoverKey, 16);
        aes.Encrypt(nonce, plain, sealedKey.AsSpan(28), sealedKey.AsSpan(12, 16));
        return sealedKey;
    }

    public string Open(byte[] sealedKey)
    {
        var plain = new byte[sealedKey.Length - 28];
        using var aes = new AesGcm(_handoverKey, 16);
        aes.Decrypt(sealedKey.AsSpan(0, 12), sealedKey.AsSpan(28), sealedKey.AsSpan(12, 16), plain);
        return Encoding.UTF8.GetString(plain);
    }
}

public sealed record NewAgentKey(string Key, string Hash, string DisplayPrefix);
