using System.Collections.Concurrent;
using Leitstand.LocalHost.Stack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Leitstand.Tests.Agent;

/// <summary>A server that is busy (429 with Retry-After) is given the time it asks for; the child does not wait for it.</summary>
public sealed class AgentRetryAfterTests : IAsyncLifetime, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("leitstand-agent-429-").FullName;
    private readonly ConcurrentQueue<DateTime> _requests = new();
    private WebApplication _server = null!;
    private string _url = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        _url = $"http://127.0.0.1:{Processes.FreeTcpPort()}";
        builder.WebHost.UseUrls(_url);
        _server = builder.Build();
        _server.MapPost("/api/heartbeat", (HttpContext context) =>
        {
            _requests.Enqueue(DateTime.UtcNow);
            if (_requests.Count == 1)
            {
                context.Response.Headers.RetryAfter = "2";
                return Results.StatusCode(StatusCodes.Status429TooManyRequests);
            }
            return Results.Json(new { status = "accepted", commands = Array.Empty<object>() });
        });
        await _server.StartAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Retry_after_of_a_busy_server_is_honoured()
    {
        var key = Path.Combine(_folder, "agent.key");
        await File.WriteAllTextAsync(key, "lsa_test-key-for-retry-after\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var started = Path.Combine(_folder, "started");
        using var stop = new CancellationTokenSource();
        StringWriter output = new(), error = new();
        var agent = Leitstand.Agent.AgentCli.InvokeAsync(["run", "--url", _url, "--key-file", key, "--interval", "300",
            "--", "sh", "-c", "echo started > \"$0\"; exec sleep 120", started], new Leitstand.Agent.AgentConsole(output, error, LoggerFactory.Create(b => b.AddProvider(Fixtures.PiiCapture.LoggerProvider("agent:log:")))), stop.Token);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (_requests.Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(100);
        await stop.CancelAsync();
        await agent.WaitAsync(TimeSpan.FromSeconds(30));
        AgentInput.CapturePrinted(output, error);

        var times = _requests.ToArray();
        Assert.True(times.Length >= 2, "retried after the 429");
        Assert.True(times[1] - times[0] >= TimeSpan.FromSeconds(1.9), $"waited {(times[1] - times[0]).TotalSeconds:0.0} s, asked for 2 s");
        Assert.True(File.Exists(started));
    }
}
