using System.Buffers.Binary;
using Leitstand.Platform;

namespace Leitstand.Fulfilment;

/// <summary>
/// The customer's signed, expiring onboarding link, good for one lead only (like the acknowledge link of Alerts):
/// the token is the lead id, the link's version (public.onboarding_links.link_version) and the expiry, and an
/// HMAC-SHA256 over them with Fulfilment__LinkSecret. A new link bumps the version, so the old one stops working;
/// revoking marks the version. Only the version is stored, never the link.
/// </summary>
public sealed class OnboardingLink(FulfilmentSettings settings, TimeProvider clock)
{
    private const string Purpose = "leitstand.onboarding-link.v1:";
    private const int PayloadLength = 16 + 4 + 8;

    /// <summary>The expiry of a link made now (whole seconds, as the token holds it).</summary>
    public DateTimeOffset NewExpiry() => DateTimeOffset.FromUnixTimeSeconds(clock.GetUtcNow().AddDays(settings.LinkValidDays).ToUnixTimeSeconds());

    public Uri For(Guid leadId, int linkVersion, DateTimeOffset expiresAt) =>
        new($"{settings.PublicFunctionsUrl.TrimEnd('/')}/api/onboarding/{Token(leadId, linkVersion, expiresAt.ToUnixTimeSeconds())}");

    public string Token(Guid leadId, int linkVersion, long expiresUnixSeconds)
    {
        var payload = new byte[PayloadLength];
        leadId.TryWriteBytes(payload.AsSpan(0, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteInt32BigEndian(payload.AsSpan(16), linkVersion);
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(20), expiresUnixSeconds);
        return SignedToken.Create(settings.LinkSecret, Purpose, payload);
    }

    /// <summary>The lead and link version of a well-signed token that has not expired; null for anything else.</summary>
    public OnboardingLinkToken? Check(string? token)
    {
        if (SignedToken.Read(settings.LinkSecret, Purpose, token, PayloadLength) is not { } payload) return null;
        var expires = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(20)));
        if (clock.GetUtcNow() >= expires) return null;
        return new OnboardingLinkToken(new Guid(payload.AsSpan(0, 16), bigEndian: true), BinaryPrimitives.ReadInt32BigEndian(payload.AsSpan(16)), expires.UtcDateTime);
    }
}

/// <summary>What a good token names: the lead, the link's version, its expiry (UTC).</summary>
public sealed record OnboardingLinkToken(Guid LeadId, int LinkVersion, DateTime ExpiresAt);
