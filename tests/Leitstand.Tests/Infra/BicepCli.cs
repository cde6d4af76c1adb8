using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Leitstand.LocalHost.Stack;

namespace Leitstand.Tests.Infra;

/// <summary>
/// The Bicep CLI from the NuGet package Azure.Bicep.CommandLine.linux-x64, restored with this test project
/// (its build props name the binary; the path is compiled into the test assembly as metadata "BicepPath").
/// </summary>
public static class BicepCli
{
    public static string Folder => Path.Combine(RepoPaths.Root, "infra", "bicep");

    public static string Binary { get; } = FindBinary();

    private static string FindBinary()
    {
        var path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == "BicepPath")?.Value;
        if (string.IsNullOrEmpty(path))
            throw new InvalidOperationException("BicepPath is missing: the package Azure.Bicep.CommandLine.linux-x64 was not restored with the tests.");
        path = Path.GetFullPath(OperatingSystem.IsWindows() ? path : path.Replace('\\', '/'));
        if (!File.Exists(path)) throw new FileNotFoundException($"Bicep CLI not found at {path} (dotnet restore restores it).", path);
        // NuGet does not keep the executable bit everywhere.
        if (!OperatingSystem.IsWindows() && !File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute))
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute);
        return path;
    }

    public sealed record Result(int ExitCode, string Output, string Errors);

    public static async Task<Result> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Binary)
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        // Offline and quiet: no telemetry, no update check.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await output, await errors);
    }

    private static readonly Lazy<Task<JsonElement>> Main = new(BuildAsync);

    /// <summary>The ARM template main.bicep compiles to (built once per test run); fails on any diagnostic.</summary>
    public static Task<JsonElement> BuildMainAsync() => Main.Value;

    private static async Task<JsonElement> BuildAsync()
    {
        var result = await RunAsync("build", "main.bicep", "--stdout");
        Assert.True(result.ExitCode == 0 && result.Errors.Trim().Length == 0, $"bicep build main.bicep:\n{result.Errors}");
        return JsonDocument.Parse(result.Output).RootElement.Clone();
    }

    /// <summary>Every resource of the template and of its modules' nested templates.</summary>
    public static IEnumerable<JsonElement> Resources(JsonElement template)
    {
        var resources = template.GetProperty("resources");
        var all = resources.ValueKind == JsonValueKind.Object ? resources.EnumerateObject().Select(p => p.Value) : resources.EnumerateArray();
        foreach (var resource in all)
        {
            yield return resource;
            if (resource.GetProperty("type").GetString() == "Microsoft.Resources/deployments")
                foreach (var nested in Resources(resource.GetProperty("properties").GetProperty("template")))
                    yield return nested;
        }
    }

    public static IEnumerable<JsonElement> OfType(JsonElement template, string type) =>
        Resources(template).Where(r => r.GetProperty("type").GetString() == type);
}
