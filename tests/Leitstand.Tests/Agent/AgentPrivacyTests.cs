using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Agent;

/// <summary>Only operational fields leave the customer's machine: the child's output, arguments and environment never reach a table.</summary>
[Collection(StackCollection.Name)]
public sealed class AgentPrivacyTests(StackFixture stack) : AgentTestBase(stack)
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

    [Fact]
    public async Task Nothing_of_the_childs_output_arguments_or_environment_reaches_any_table()
    {
        var marker = "geheim" + Guid.NewGuid().ToString("N")[..12];
        var variable = "LEITSTAND_TEST_" + marker.ToUpperInvariant();
        Environment.SetEnvironmentVariable(variable, marker + "-env");
        try
        {
            var (agent, keyFile) = await CreateAgentAsync(_database.Admin);
            var running = StartAgent("run", "--url", Host.BaseAddress.ToString(), "--key-file", keyFile, "--interval", "1",
                "--", "sh", "-c", "echo \"$0 out\"; echo \"$0 err\" >&2; env | grep " + marker + "; exit 5", marker + "-arg");
            await WaitUntilAsync(async () => await Crm.ScalarAsync<int>(_database.Admin,
                "select count(*) from incidents where agent_id = @agent and error_class = 'crash_loop'", new { agent }) == 1, "a crash_loop incident");
            await running.StopAsync();

            Assert.True(await TablesContainingAsync(agent.ToString()) > 0, "the dump finds what is there");
            Assert.Equal(0, await TablesContainingAsync(marker));
            Assert.DoesNotContain(running.Logs.Entries, e => e.Message.Contains(marker));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    /// <summary>Every table of the test's database, each row as text (a dump by query), searched for <paramref name="text"/>.</summary>
    private Task<int> TablesContainingAsync(string text) => Crm.ScalarAsync<int>(_database.Admin, """
        select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
          and query_to_xml(format('select * from %I.%I', n.nspname, c.relname), true, false, '')::text like '%' || @text || '%'
        """, new { text });
}
