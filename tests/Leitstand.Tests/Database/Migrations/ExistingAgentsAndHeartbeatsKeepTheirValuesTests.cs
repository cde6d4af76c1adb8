using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Database.Migrations;

/// <summary>
/// 20261125125500_heartbeat_fast_path.sql on a database with agents and heartbeats: the agents' columns become domains
/// and the heartbeats' kind an enum without changing a value, and deleting an agent still deletes its heartbeats
/// (a trigger instead of the foreign key).
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ExistingAgentsAndHeartbeatsKeepTheirValuesTests(StackFixture stack)
{
    [Fact]
    public async Task Agents_and_heartbeats_read_the_same_and_a_deleted_agent_takes_its_heartbeats()
    {
        await using var db = await DatabaseBeforeMigration.CreateAsync(stack, "20261125125500_heartbeat_fast_path.sql");
        Guid lead = Guid.NewGuid(), kept = Guid.NewGuid(), deleted = Guid.NewGuid();
        await db.ExecuteAsync("""
            insert into leads (id, name, email, consent_at, consent_text_version, consent_source)
            values (@lead, 'Rita Agentin', 'rita@example.de', now(), '2026-11-25', 'test');
            insert into agents (id, lead_id, name, key_hash, key_prefix, expected_interval, grace_period, alert_after_errors, agent_version) values
              (@kept, @lead, 'Agent Rita', repeat('e', 64), 'lsa_eeee', interval '2 minutes', interval '30 seconds', 3, '1.4.2'),
              (@deleted, @lead, 'Agent alt', repeat('f', 64), 'lsa_ffff', interval '5 minutes', interval '10 minutes', 1, null);
            insert into agent_heartbeats (agent_id, received_at, kind, status, agent_version, uptime_seconds)
            select a, now() - make_interval(mins => n), (array['start', 'heartbeat', 'fail'])[n], (array['ok', 'ok', 'error'])[n]::heartbeat_status, '1.4.2', n * 60
            from unnest(array[@kept, @deleted]) a cross join generate_series(1, 3) n;
            """, new { lead, kept, deleted });
        const string agentsSql = """
            select id, name::text, key_hash::text, key_prefix::text, expected_interval::text, grace_period::text,
                   alert_after_errors::int, agent_version::text
            from agents order by name
            """;
        const string heartbeatsSql = "select agent_id, kind::text, status::text, uptime_seconds from agent_heartbeats order by agent_id, received_at";
        var agentsBefore = await db.QueryAsync<(Guid, string, string, string, string, string, int, string?)>(agentsSql);
        var heartbeatsBefore = await db.QueryAsync<(Guid, string, string, long)>(heartbeatsSql);

        await db.MigrateAsync();

        Assert.Equal(agentsBefore, await db.QueryAsync<(Guid, string, string, string, string, string, int, string?)>(agentsSql));
        Assert.Equal(heartbeatsBefore, await db.QueryAsync<(Guid, string, string, long)>(heartbeatsSql));
        Assert.Equal("heartbeat_kind", await db.ScalarAsync<string>("select pg_typeof(kind)::text from agent_heartbeats limit 1"));
        await db.ExecuteAsync("delete from agents where id = @deleted", new { deleted });
        Assert.Equal(0, await db.ScalarAsync<int>("select count(*) from agent_heartbeats where agent_id = @deleted", new { deleted }));
        Assert.Equal(3, await db.ScalarAsync<int>("select count(*) from agent_heartbeats where agent_id = @kept", new { kept }));
    }
}
