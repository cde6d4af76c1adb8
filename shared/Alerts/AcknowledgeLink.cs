using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Leitstand.Alerts;

/// <summary>
/// Signed, expiring acknowledge links, good for one incident only: the token is the incident id and the
/// expiry, and an HMAC-SHA256 over both with Alerts__AckLinkSecret. Opening the link (GET, which link
/// previews in Slack, Teams or Telegram also do) shows a page; only its button (POST) acknowledges.
/// </summary>
public sealed class AcknowledgeLink(AlertSettings settings, TimeProvider clock)
{
    private const string Purpose = "leitstand.incident-ack.v1:";

    public Uri For(Guid incidentId)
    {
        var expires = clock.GetUtcNow().AddHours(settings.AckLinkValidHours).ToUnixTimeSeconds();
        return new Uri($"{settings.PublicFunctionsUrl.TrimEnd('/')}/api/alerts/ack/{Token(incidentId, expires)}");
    }

    public string Token(Guid incidentId, long expiresUnixSeconds)
    {
        var payload = new byte[24];
        incidentId.TryWriteBytes(payload.AsSpan(0, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(16), expiresUnixSeconds);
        return Base64Url(payload) + "." + Base64Url(Sign(payload));
    }

    /// <summary>Reads a token: the incident, or why not (tampered, malformed, expired).</summary>
    public LinkCheck Check(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200) return new LinkCheck.Invalid();
        var dot = token.IndexOf('.');
        if (dot <= 0 || !TryBase64Url(token[..dot], out var payload) || payload.Length != 24
            || !TryBase64Url(token[(dot + 1)..], out var signature)
            || !CryptographicOperations.FixedTimeEquals(signature, Sign(payload)))
            return new LinkCheck.Invalid();
        var incident = new Guid(payload.AsSpan(0, 16), bigEndian: true);
        var expires = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(16)));
        return clock.GetUtcNow() >= expires ? new LinkCheck.Expired(incident) : new LinkCheck.Valid(incident, expires.UtcDateTime);
    }

    private byte[] Sign(byte[] payload) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(settings.AckLinkSecret), (byte[])[.. Encoding.ASCII.GetBytes(Purpose), .. payload]);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryBase64Url(string text, out byte[] bytes)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
        bytes = new byte[s.Length];
        if (!Convert.TryFromBase64String(s, bytes, out var length)) return false;
        bytes = bytes[..length];
        return true;
    }
}

public abstract record LinkCheck
{
    private LinkCheck() { }
    public sealed record Valid(Guid IncidentId, DateTime ExpiresAt) : LinkCheck;
    public sealed record Expired(Guid IncidentId) : LinkCheck;
    public sealed record Invalid : LinkCheck;
}
