using System.Net.Http.Json;

namespace Leitstand.Tests.Leads;

/// <summary>Builds lead form submissions for tests; every call gets its own email and client address.</summary>
public static class LeadForms
{
    public static string UniqueEmail() => $"test-{Guid.NewGuid():N}@example.de";

    public static string UniqueClient() => $"203.0.113.{Random.Shared.Next(1, 254)}, 10.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(1, 254)}";

    public static Dictionary<string, string?> Valid(string? email = null) => new()
    {
        ["name"] = "Anna Beispiel",
        ["email"] = email ?? UniqueEmail(),
        ["phone"] = "+49 170 1234567",
        ["company"] = "Physiopraxis Beispiel",
        ["message"] = "Ich brauche Hilfe bei Terminen und E-Mails.",
        ["source"] = "landing-page",
        ["page"] = "/",
        ["utm_source"] = "instagram",
        ["utm_campaign"] = "launch",
        ["consent"] = "true",
        ["consent_text_version"] = "2026-11-25",
    };

    public static HttpRequestMessage Json(object body, string? client = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/leads") { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Forwarded-For", client ?? UniqueClient());
        return request;
    }

    public static HttpRequestMessage Form(IDictionary<string, string?> fields, string? client = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/leads")
        {
            Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value ?? ""))),
        };
        request.Headers.Add("X-Forwarded-For", client ?? UniqueClient());
        return request;
    }
}
