using System.Diagnostics;

namespace Leitstand.Agent.Keys;

public sealed record ToolResult(int ExitCode, string Output, string Error);

/// <summary>Runs an OS tool by full path with its arguments as a list (never a shell); secrets go through stdin only.</summary>
public static class ExternalTool
{
    public static async Task<ToolResult> RunAsync(string path, IEnumerable<string> arguments, string? input = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {path}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            if (input is not null) await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }
        catch (IOException) { } // the tool exited without reading its input; its exit code tells
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromSeconds(30));
        try { await process.WaitForExitAsync(limit.Token); }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            return new ToolResult(-1, "", "timeout");
        }
        return new ToolResult(process.ExitCode, await output, await error);
    }
}
