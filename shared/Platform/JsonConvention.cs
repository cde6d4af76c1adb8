using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Leitstand.Platform;

/// <summary>
/// The one JSON convention of Leitstand, for every request, answer and queue message: snake_case names and
/// dictionary keys, enums as snake_case strings, German text unescaped (ä, „…“; the JSON is never embedded in
/// HTML), web defaults otherwise (property names read case-insensitively, numbers also from strings).
/// </summary>
public static class JsonConvention
{
    /// <summary>Writing and reading.</summary>
    public static readonly JsonSerializerOptions Default = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Reading requests: like <see cref="Default"/>, and a field the endpoint does not know is an error.</summary>
    public static readonly JsonSerializerOptions Strict = new(Default) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };
}
