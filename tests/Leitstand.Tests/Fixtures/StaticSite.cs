using System.Diagnostics;
using Leitstand.LocalHost.Stack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Leitstand.Tests.Fixtures;

/// <summary>
/// A folder served as Netlify serves a publish folder: static files, and the headers of its <c>_headers</c> file
/// (every block whose path matches: exact, or a prefix ending in <c>*</c>). Kestrel on a free 127.0.0.1 port.
/// </summary>
public sealed class StaticSite : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StaticSite(WebApplication app, string directory)
    {
        _app = app;
        Directory = directory;
    }

    /// <summary>http://127.0.0.1:&lt;port&gt;, no trailing slash.</summary>
    public string Origin { get; private set; } = "";
    public string Directory { get; }

    /// <summary>Serves <paramref name="directory"/> (may still be empty: files are looked up per request).</summary>
    public static async Task<StaticSite> StartAsync(string directory)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var files = new PhysicalFileProvider(directory);
        app.Use((context, next) =>
        {
            var path = context.Request.Path.Value ?? "/";
            foreach (var (pattern, name, value) in ReadHeaders(Path.Combine(directory, "_headers")))
                if (pattern.EndsWith('*') ? path.StartsWith(pattern[..^1], StringComparison.Ordinal) : path == pattern)
                    context.Response.Headers[name] = Microsoft.Extensions.Primitives.StringValues.Concat(context.Response.Headers[name], value);
            return next(context);
        });
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        await app.StartAsync();
        var site = new StaticSite(app, directory)
        {
            Origin = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/'),
        };
        return site;
    }

    /// <summary>Netlify's _headers syntax: a path on its own line, then indented "Name: value" lines; # comments.</summary>
    public static IEnumerable<(string Path, string Name, string Value)> ReadHeaders(string file)
    {
        if (!File.Exists(file)) yield break;
        string? current = null;
        foreach (var line in File.ReadLines(file))
        {
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#')) continue;
            if (!char.IsWhiteSpace(line[0])) { current = line.Trim(); continue; }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (current is not null && colon > 0) yield return (current, line[..colon].Trim(), line[(colon + 1)..].Trim());
        }
    }

    /// <summary>Builds the status center with Vite into <paramref name="outDir"/> with the given VITE_* variables (a second, throwaway build; web/status/dist stays).</summary>
    public static async Task BuildStatusCenterAsync(string outDir, IReadOnlyDictionary<string, string> env)
    {
        var vite = Path.Combine(RepoPaths.Root, "node_modules", "vite", "bin", "vite.js");
        if (!File.Exists(vite)) throw new InvalidOperationException("node_modules fehlt: erst `npm ci` (scripts/test macht das selbst).");
        var psi = new ProcessStartInfo("node") { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { vite, "build", "--config", "web/status/vite.config.mjs", "--outDir", outDir, "--emptyOutDir", "--logLevel", "warn" })
            psi.ArgumentList.Add(arg);
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("VITE_", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(key);
        foreach (var (key, value) in env) psi.Environment[key] = value;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"vite build failed ({process.ExitCode}): {await stderr}{await stdout}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
