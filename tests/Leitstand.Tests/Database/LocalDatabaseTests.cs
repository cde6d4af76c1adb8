using Dapper;
using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;
using Npgsql;

namespace Leitstand.Tests.Database;

[Collection(StackCollection.Name)]
public sealed class LocalDatabaseTests(StackFixture stack)
{
    [Fact]
    public async Task Preparing_a_database_twice_applies_migrations_and_seed_only_once()
    {
        var database = "prep_" + Guid.NewGuid().ToString("N")[..8];
        await stack.Postgres.CreateDatabaseAsync(database);

        var first = await LocalDatabase.PrepareAsync(stack.Postgres, RepoPaths.Supabase, seed: true, database);
        await using var connection = new NpgsqlConnection(stack.Postgres.AdminConnectionString(database));
        var leadsAfterFirst = await connection.ExecuteScalarAsync<int>("select count(*) from leads");
        var second = await LocalDatabase.PrepareAsync(stack.Postgres, RepoPaths.Supabase, seed: true, database);

        Assert.Contains("seed.sql", first);
        Assert.Equal(Directory.GetFiles(Path.Combine(RepoPaths.Supabase, "migrations"), "*.sql").Length + 1, first.Count);
        Assert.Empty(second);
        Assert.True(leadsAfterFirst >= 10, $"seed has {leadsAfterFirst} leads");
        Assert.Equal(leadsAfterFirst, await connection.ExecuteScalarAsync<int>("select count(*) from leads"));
        foreach (var stage in new[] { "NEW", "CONTACTED", "REPLIED", "QUALIFIED", "CALL_BOOKED", "WON", "LOST" })
            Assert.True(await connection.ExecuteScalarAsync<bool>("select exists (select 1 from leads where stage = @stage::lead_stage)", new { stage }), $"seed has no {stage} lead");
    }
}
