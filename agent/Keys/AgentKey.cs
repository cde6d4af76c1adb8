namespace Leitstand.Agent.Keys;

/// <summary>The shape of an agent key ("lsa_" + base64url, as the Leitstand issues it) and its harmless display prefix.</summary>
public static class AgentKey
{
    public const string Prefix = "lsa_";

    /// <summary>The key itself, or a German <see cref="KeyStoreException"/> naming <paramref name="source"/> (never the key).</summary>
    public static string Validate(string key, string source)
    {
        if (key.Length == 0)
            throw new KeyStoreException($"{source}: kein Schlüssel angegeben.");
        if (!key.StartsWith(Prefix, StringComparison.Ordinal) || key.Length < 20 || key.Length > 200 || key.AsSpan(Prefix.Length).ContainsAnyExcept(Base64UrlChars))
            throw new KeyStoreException($"{source}: das ist kein Agent-Schlüssel (er beginnt mit „lsa_“ und besteht aus Buchstaben, Ziffern, „-“ und „_“).");
        return key;
    }

    /// <summary>The first 12 characters, as the key handover shows them (<c>key_prefix</c>), to compare without showing the key.</summary>
    public static string DisplayPrefix(string key) => key.Length <= 12 ? key : key[..12] + "…";

    private static readonly System.Buffers.SearchValues<char> Base64UrlChars =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
}
