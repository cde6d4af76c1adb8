using System.Text.Json;
using System.Text.Json.Serialization;
using Leitstand.Agent.Keys;

namespace Leitstand.Agent.Install;

/// <summary>
/// What <c>install</c> remembers for <c>status</c> and <c>doctor</c>: the server URL and the agent's command line as
/// the service runs it. Never the key (that lives in the key store only).
/// </summary>
public sealed record AgentConfig(
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("key_file")] string? KeyFile,
    [property: JsonPropertyName("service")] string Service,
    [property: JsonPropertyName("installed_at")] DateTime InstalledAt)
{
    public static string PathFor(AgentEnvironment environment) => Path.Combine(environment.ConfigDirectory, "config.json");

    public static AgentConfig? Read(AgentEnvironment environment)
    {
        var path = PathFor(environment);
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize(File.ReadAllText(path), AgentJson.Default.AgentConfig); }
        catch (JsonException) { return null; }
    }

    public void Write(AgentEnvironment environment)
    {
        Directory.CreateDirectory(environment.ConfigDirectory);
        File.WriteAllText(PathFor(environment), JsonSerializer.Serialize(this, AgentJson.Default.AgentConfig));
    }

    public static void Delete(AgentEnvironment environment)
    {
        if (File.Exists(PathFor(environment))) File.Delete(PathFor(environment));
    }
}

/// <summary>
/// What the run loop last heard from the server, kept in $XDG_STATE_HOME/leitstand-agent/state.json (macOS:
/// ~/Library/Application Support/leitstand-agent, Windows: %LOCALAPPDATA%\leitstand-agent) for <c>status</c> and
/// <c>doctor</c>. Operational facts only, no key, no output of the supervised process.
/// </summary>
public sealed record AgentState(
    [property: JsonPropertyName("last_heartbeat_at")] DateTime? LastHeartbeatAt,
    [property: JsonPropertyName("last_http_status")] int? LastHttpStatus,
    [property: JsonPropertyName("agent_status")] string? AgentStatus,
    [property: JsonPropertyName("child_state")] string? ChildState,
    [property: JsonPropertyName("restarts")] int? Restarts,
    [property: JsonPropertyName("last_error_class")] string? LastErrorClass)
{
    public static string PathFor(AgentEnvironment environment) => Path.Combine(environment.StateDirectory, "state.json");

    public static AgentState? Read(AgentEnvironment environment)
    {
        var path = PathFor(environment);
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize(File.ReadAllText(path), AgentJson.Default.AgentState); }
        catch (Exception e) when (e is JsonException or IOException) { return null; }
    }

    public void Write(AgentEnvironment environment)
    {
        Directory.CreateDirectory(environment.StateDirectory);
        var path = PathFor(environment);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(this, AgentJson.Default.AgentState));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>German one-liner, e.g. "vor 42 s (07.12.2026 14:03:10 UTC): HTTP 200, Status up".</summary>
    public string Describe(DateTime nowUtc)
    {
        if (LastHeartbeatAt is not { } at) return "noch keine Antwort";
        var age = nowUtc - at;
        var ago = age.TotalSeconds < 120 ? $"{Math.Max(0, (int)age.TotalSeconds)} s" : age.TotalMinutes < 120 ? $"{(int)age.TotalMinutes} min" : $"{(int)age.TotalHours} h";
        var parts = new List<string>();
        if (LastHttpStatus is { } http) parts.Add($"HTTP {http}");
        if (AgentStatus is { } status) parts.Add($"Status {status}");
        if (ChildState is { } child) parts.Add($"Prozess {child}");
        if (Restarts is { } restarts) parts.Add($"{restarts} Neustarts");
        if (LastErrorClass is { } error) parts.Add($"letzter Fehler {error}");
        return $"vor {ago} ({at:dd.MM.yyyy HH:mm:ss} UTC)" + (parts.Count > 0 ? ": " + string.Join(", ", parts) : "");
    }
}

[JsonSerializable(typeof(AgentConfig))]
[JsonSerializable(typeof(AgentState))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class AgentJson : JsonSerializerContext;
