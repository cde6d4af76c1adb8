using System.Buffers.Binary;
using Leitstand.Platform;

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
        return SignedToken.Create(settings.AckLinkSecret, Purpose, payload);
    }

    /// <summary>Reads a token: the incident, or why not (tampered, malformed, expired).</summary>
    public LinkCheck Check(string? token)
    {
        if (SignedToken.Read(settings.AckLinkSecret, Purpose, token, 24) is not { } payload) return new LinkCheck.Invalid();
        var incident = new Guid(payload.AsSpan(0, 16), bigEndian: true);
        var expires = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(16)));
        return clock.GetUtcNow() >= expires ? new LinkCheck.Expired(incident) : new LinkCheck.Valid(incident, expires.UtcDateTime);
    }
}

public abstract record LinkCheck
{
    private LinkCheck() { }
    public sealed record Valid(Guid IncidentId, DateTime ExpiresAt) : LinkCheck;
    public sealed record Expired(Guid IncidentId) : LinkCheck;
    public sealed record Invalid : LinkCheck;
}
