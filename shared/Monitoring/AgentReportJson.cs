using System.Text.Json;
using System.Text.RegularExpressions;

namespace Leitstand.Monitoring;

/// <summary>
/// What the heartbeat (<see cref="HeartbeatParser"/>) and the workflow check-in (<see cref="WorkflowCheckInParser"/>) read
/// alike from an agent's body: one JSON object at most three levels deep, a short error code instead of free text, and
/// an unknown field named back at most 40 characters long.
/// </summary>
public static partial class AgentReportJson
{
    /// <summary>The rule for <c>error_code</c>; the caller appends what its body may carry.</summary>
    public const string ErrorCodeRule = "Nur ein kurzer Fehlercode (höchstens 40 Zeichen: Buchstaben, Ziffern, _ . : -), kein Freitext. ";

    /// <summary>The body's JSON object, or null with the German message why it is none (the caller answers 400).</summary>
    public static JsonElement? ReadObject(string body, out string? problem)
    {
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 3 });
            root = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            problem = "Der Inhalt ist kein gültiges JSON.";
            return null;
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            problem = "Erwartet wird ein JSON-Objekt.";
            return null;
        }
        problem = null;
        return root;
    }

    /// <summary>A short error code: a string of 1 to 40 letters, digits and <c>_ . : -</c>.</summary>
    public static bool IsErrorCode(JsonElement value, out string code)
    {
        code = value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";
        return code.Length is > 0 and <= 40 && CodePattern().IsMatch(code);
    }

    /// <summary>An unknown field's name as an answer repeats it: at most 40 characters.</summary>
    public static string FieldName(string name) => name.Length <= 40 ? name : name[..40] + "…";

    [GeneratedRegex("^[A-Za-z0-9_.:-]+$")]
    private static partial Regex CodePattern();
}
