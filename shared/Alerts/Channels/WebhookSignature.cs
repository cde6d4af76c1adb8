using System.Security.Cryptography;
using System.Text;

namespace Leitstand.Alerts.Channels;

/// <summary>Standard Webhooks (standardwebhooks.com) signature: v1 = HMAC-SHA256 over "{id}.{timestamp}.{body}".</summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    /// <param name="secret">"whsec_" followed by the base64 key (the prefix is optional, as in the reference libraries).</param>
    /// <returns>The <c>webhook-signature</c> header value, e.g. <c>v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=</c>.</returns>
    public static string Sign(string secret, string id, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        return "v1," + Convert.ToBase64String(mac);
    }
}
