using System.Diagnostics;

namespace Leitstand.LocalHost.Stack;

/// <summary>Azurite (the Azure Storage emulator, installed from npm into the repository) on 127.0.0.1.</summary>
public sealed class AzuriteServer(string directory, int blobPort, int queuePort, int tablePort, bool inMemory) : IAsyncDisposable
{
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private Process? _process;

    public int BlobPort => blobPort;
    public int QueuePort => queuePort;
    public int TablePort => tablePort;

    /// <summary>The Azurite (node) process while it runs, e.g. to read its CPU time from /proc.</summary>
    public int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    /// <summary>A connection string for these ports (the well-known development account, no secret).</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/{AccountName};QueueEndpoint=http://127.0.0.1:{queuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{tablePort}/{AccountName};";

    public static string Executable => Path.Combine(RepoPaths.Root, "node_modules", ".bin", "azurite");

    public static void EnsureInstalled()
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException(
                $"Azurite not found at {Executable}. Install Node.js 20 and npm, then run 'npm ci' in {RepoPaths.Root} " +
                "(the start and test scripts do this for you).");
    }

    public async Task StartAsync(CancellationToken ct = default)
    {
        EnsureInstalled();
        Directory.CreateDirectory(directory);
        var args = new List<string>
        {
            "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(),
            "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(),
            "--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(),
            "--skipApiVersionCheck", "--loose", "--disableProductStyleUrl",
        };
        args.AddRange(inMemory ? ["--inMemoryPersistence"] : ["--location", directory, "--debug", Path.Combine(directory, "debug.log")]);
        var info = Processes.StartInfo(Executable, args, asPostgresUser: false);
        _process = Process.Start(info) ?? throw new InvalidOperationException("Could not start Azurite.");
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null && output.Count < 50) output.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null && output.Count < 50) output.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var ready = Processes.WaitForTcpAsync(queuePort, TimeSpan.FromSeconds(90), "Azurite");
        var exited = _process.WaitForExitAsync(ct);
        if (await Task.WhenAny(ready, exited) == exited)
            throw new InvalidOperationException($"Azurite stopped right after its start: {string.Join(Environment.NewLine, output)}");
        await ready;
    }

    public async Task StopAsync()
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
