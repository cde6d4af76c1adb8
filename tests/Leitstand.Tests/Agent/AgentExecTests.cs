using System.Diagnostics;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Agent;

/// <summary>
/// <c>leitstand-agent exec</c>: one run of a workflow wrapped, reported as in_progress and then ok with its duration or
/// error with EXIT_n; the command's exit code is the agent's; its output never leaves the machine.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class AgentExecTests(StackFixture stack) : AgentTestBase(stack)
{
    private TestDatabase _database = null!;

    public override async Task InitializeAsync()
    {
        _database = await Stack.CreateDatabaseAsync();
        Host = await RunningHost.StartAsync(Stack, database: _database);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
    }

    private Task<T> DbScalarAsync<T>(string sql, object? param = null) => Crm.ScalarAsync<T>(_database.Admin, sql, param);

    [Fact]
    public async Task A_succeeding_command_is_recorded_as_an_ok_run_with_its_duration_and_nothing_of_its_output()
    {
        var marker = "geheim" + Guid.NewGuid().ToString("N")[..12];
        var (agent, keyFile) = await CreateAgentAsync(_database.Admin);

        var (code, _, error) = await RunAgentAsync("exec", "nightly-export", "--every", "PT1H", "--url", Host.BaseAddress.ToString(), "--key-file", keyFile,
            "--", "sh", "-c", "echo \"$0 out\"; echo \"$0 err\" >&2; sleep 1", marker + "-arg");

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Equal("ok", await DbScalarAsync<string>("select last_state from agent_workflows where agent_id = @agent and key = 'nightly-export'", new { agent }));
        var duration = await DbScalarAsync<double>("select last_duration_s from agent_workflows where agent_id = @agent", new { agent });
        Assert.InRange(duration, 1.0, 20.0);
        Assert.Null(await DbScalarAsync<string?>("select last_error_code from agent_workflows where agent_id = @agent", new { agent }));
        Assert.NotNull(await DbScalarAsync<Guid?>("select last_check_in_id from agent_workflows where agent_id = @agent", new { agent }));
        Assert.Equal(0, await DbScalarAsync<int>("select count(*)::int from incidents where agent_id = @agent", new { agent }));
        Assert.True(await TablesContainingAsync("nightly-export") > 0, "the dump finds what is there");
        Assert.Equal(0, await TablesContainingAsync(marker));
    }

    [Fact]
    public async Task A_failing_command_is_recorded_as_an_error_with_its_exit_code_and_the_agent_exits_with_that_code()
    {
        var (agent, keyFile) = await CreateAgentAsync(_database.Admin);

        var (code, _, _) = await RunAgentAsync("exec", "invoices", "--cron", "0 8 * * 1-5", "--url", Host.BaseAddress.ToString(), "--key-file", keyFile,
            "--", "sh", "-c", "exit 3");

        Assert.Equal(3, code);
        Assert.Equal("error", await DbScalarAsync<string>("select last_state from agent_workflows where agent_id = @agent and key = 'invoices'", new { agent }));
        Assert.Equal("EXIT_3", await DbScalarAsync<string>("select last_error_code from agent_workflows where agent_id = @agent", new { agent }));
        Assert.InRange(await DbScalarAsync<double>("select last_duration_s from agent_workflows where agent_id = @agent", new { agent }), 0.0, 20.0);
        Assert.Equal(1, await DbScalarAsync<int>("""
            select count(*)::int from incidents
            where agent_id = @agent and error_class = 'workflow_failed' and status = 'open' and last_error_code = 'EXIT_3'
            """, new { agent }));
    }

    [Fact]
    public async Task A_second_run_reuses_the_registered_workflow_without_a_rhythm_and_its_ok_resolves_the_failure()
    {
        var (agent, keyFile) = await CreateAgentAsync(_database.Admin);
        var url = Host.BaseAddress.ToString();
        Assert.Equal(7, (await RunAgentAsync("exec", "backup", "--every", "P1D", "--url", url, "--key-file", keyFile, "--", "sh", "-c", "exit 7")).ExitCode);

        Assert.Equal(0, (await RunAgentAsync("exec", "backup", "--url", url, "--key-file", keyFile, "--", "true")).ExitCode);

        Assert.Equal("ok", await DbScalarAsync<string>("select last_state from agent_workflows where agent_id = @agent and key = 'backup'", new { agent }));
        Assert.Equal(0, await DbScalarAsync<int>("select count(*)::int from incidents where agent_id = @agent and status = 'open'", new { agent }));
    }

    [Fact]
    public async Task An_unreachable_server_neither_fails_nor_long_delays_the_command()
    {
        var (_, keyFile) = await CreateAgentAsync(_database.Admin);
        var clock = Stopwatch.StartNew();

        var agent = StartAgent("exec", "sync", "--every", "PT30M", "--url", "http://127.0.0.1:9", "--key-file", keyFile, "--", "sh", "-c", "exit 4");
        var code = await agent.Exit.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(4, code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.Contains(agent.Logs.Entries, e => e.Message.Contains("not accepted"));
    }

    /// <summary>Every table of the test's database, each row as text (a dump by query), searched for <paramref name="text"/>.</summary>
    private Task<int> TablesContainingAsync(string text) => DbScalarAsync<int>("""
        select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
          and query_to_xml(format('select * from %I.%I', n.nspname, c.relname), true, false, '')::text like '%' || @text || '%'
        """, new { text });
}
