using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Leitstand.Pipeline;

/// <summary>Checks a Supabase Database Webhook call: the shared secret (constant time) and the payload's shape.</summary>
public static class SupabaseWebhook
{
    public const string SecretHeader = "X-Webhook-Secret";
    private static readonly string[] Types = ["INSERT", "UPDATE", "DELETE"];

    public static bool IsAuthorised(string? presented, string expected)
    {
        if (string.IsNullOrEmpty(expected) || string.IsNullOrEmpty(presented)) return false;
        // Hashing first makes the comparison independent of the lengths, too.
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }

    /// <summary>Problems per field; empty when the payload is a well-formed webhook call.</summary>
    public static WebhookPayload? Parse(string body, out Dictionary<string, IReadOnlyList<string>> errors)
    {
        var problems = new Dictionary<string, IReadOnlyList<string>>();
        errors = problems;
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            root = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            errors["body"] = ["Der Inhalt ist kein gültiges JSON."];
            return null;
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = ["Erwartet wird ein JSON-Objekt (Supabase Database Webhook)."];
            return null;
        }

        string? Text(string name)
        {
            if (root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s) return s;
            problems[name] = [$"Das Feld '{name}' fehlt oder ist kein Text."];
            return null;
        }
        var type = Text("type");
        var table = Text("table");
        var schema = Text("schema");
        if (type is not null && !Types.Contains(type)) errors["type"] = ["Erlaubt sind INSERT, UPDATE und DELETE."];
        foreach (var name in new[] { "record", "old_record" })
            if (root.TryGetProperty(name, out var v) && v.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                errors[name] = [$"Das Feld '{name}' muss ein Objekt oder null sein."];
        return errors.Count == 0 ? new WebhookPayload(type!, schema!, table!) : null;
    }
}

public sealed record WebhookPayload(string Type, string Schema, string Table);
