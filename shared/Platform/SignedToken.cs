using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Leitstand.Platform;

/// <summary>
/// The signed links' token (the acknowledge link of Alerts, the onboarding link of Fulfilment): a fixed-length binary
/// payload and an HMAC-SHA256 over a purpose string and the payload, both base64url, joined by a dot. The purpose keeps
/// one kind of link from passing as another even under the same secret.
/// </summary>
public static class SignedToken
{
    /// <summary>Tokens longer than this are refused unread.</summary>
    public const int MaxLength = 200;

    public static string Create(string secret, string purpose, byte[] payload) =>
        Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(Sign(secret, purpose, payload));

    /// <summary>The payload of a well-formed token of this length with a good signature; null for anything else.</summary>
    public static byte[]? Read(string secret, string purpose, string? token, int payloadLength)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxLength) return null;
        var dot = token.IndexOf('.');
        if (dot <= 0 || !TryDecode(token[..dot], out var payload) || payload.Length != payloadLength
            || !TryDecode(token[(dot + 1)..], out var signature)
            || !CryptographicOperations.FixedTimeEquals(signature, Sign(secret, purpose, payload)))
            return null;
        return payload;
    }

    private static byte[] Sign(string secret, string purpose, byte[] payload) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), (byte[])[.. Encoding.ASCII.GetBytes(purpose), .. payload]);

    private static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        if (!Base64Url.TryDecodeFromChars(text, bytes, out var length)) return false;
        bytes = bytes[..length];
        return true;
    }
}
