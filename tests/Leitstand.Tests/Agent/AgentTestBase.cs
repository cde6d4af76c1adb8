using Dapper;
using Leitstand.Agent;
using Leitstand.Monitoring;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Leitstand.Tests.Agent;

/// <summary>
/// Runs leitstand-agent in-process (its command line, as a customer would call it) against a host on the test stack,
/// with small shell children. Each test has a folder of its own for the key file and the child's marker files.
/// </summary>
public abstract class AgentTestBase(StackFixture stack) : IAsyncLifetime
{
    private readonly List<RunningAgent> _agents = [];

    protected StackFixture Stack { get; } = stack;
    protected RunningHost Host { get; set; } = null!;
    protected string Folder { get; } = Directory.CreateTempSubdirectory("leitstand-agent-").FullName;

    public virtual async Task InitializeAsync() => Host = await RunningHost.StartAsync(Stack);

    public virtual async Task DisposeAsync()
    {
        foreach (var agent in _agents) await agent.StopAsync();
        if (Host is not null) await Host.DisposeAsync();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }

    /// <summary>An agent row with a known key, and the key in a 0600 file.</summary>
    protected async Task<(Guid Id, string KeyFile)> CreateAgentAsync(NpgsqlDataSource? admin = null)
    {
        admin ??= Stack.Admin;
        var lead = await Crm.CreateLeadAsync(admin);
        var key = AgentKeys.Generate();
        await using var connection = await admin.OpenConnectionAsync();
        var id = await connection.ExecuteScalarAsync<Guid>("""
            insert into agents (lead_id, name, key_hash, key_prefix, expected_interval, grace_period, alert_after_errors)
            values (@lead, 'Agent beim Kunden', @hash, @prefix, interval '5 minutes', interval '10 minutes', 1)
            returning id
            """, new { lead, hash = key.Hash, prefix = key.DisplayPrefix });
        var file = Path.Combine(Folder, $"agent-{id:N}.key");
        await File.WriteAllTextAsync(file, key.Key + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return (id, file);
    }

    /// <summary>Starts <c>leitstand-agent</c> with these arguments; it runs until it ends or the test ends.</summary>
    protected RunningAgent StartAgent(params string[] args)
    {
        var agent = new RunningAgent(args);
        _agents.Add(agent);
        return agent;
    }

    /// <summary>Runs <c>leitstand-agent</c> to its end (bad input, --restart never).</summary>
    protected static async Task<(int ExitCode, string Out, string Error)> RunAgentAsync(params string[] args)
    {
        var agent = new RunningAgent(args);
        var code = await agent.Exit.WaitAsync(TimeSpan.FromSeconds(30));
        return (code, agent.Out.ToString(), agent.Error.ToString());
    }

    protected static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 40)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"Timed out waiting for: {what}");
            await Task.Delay(200);
        }
    }

    protected Task<T> ScalarAsync<T>(string sql, object? param = null) => Crm.ScalarAsync<T>(Stack.Admin, sql, param);

    protected sealed class RunningAgent
    {
        private readonly CancellationTokenSource _stop = new();

        public RunningAgent(string[] args)
        {
            Logs = new ListLoggerProvider();
            // the personal-data scan sees what the agent client logs and prints, as it sees the host's (PiiCapture)
            var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(Logs).AddProvider(PiiCapture.LoggerProvider("agent:log:")));
            Exit = Task.Run(async () =>
            {
                try { return await AgentCli.InvokeAsync(args, new AgentConsole(Out, Error, factory), _stop.Token); }
                finally { AgentInput.CapturePrinted(Out, Error); }
            });
        }

        public StringWriter Out { get; } = new();
        public StringWriter Error { get; } = new();
        public ListLoggerProvider Logs { get; }
        public Task<int> Exit { get; }

        /// <summary>As Ctrl-C: the child is ended cleanly.</summary>
        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            try { await Exit.WaitAsync(TimeSpan.FromSeconds(30)); } catch (TimeoutException) { }
        }
    }
}
