using System.Net;
using Dapper;
using Leitstand.Auth;
using Leitstand.Tests.Fixtures;
using Npgsql;

namespace Leitstand.Tests.Auth;

/// <summary>Team reads and writes run as role authenticated with the user's claims, so RLS guards them (TeamDatabase).</summary>
[Collection(StackCollection.Name)]
public sealed class TeamClaimsTests(StackFixture stack) : IAsyncLifetime
{
    private NpgsqlDataSource _functions = null!;

    public Task InitializeAsync()
    {
        _functions = NpgsqlDataSource.Create(stack.FunctionsConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _functions.DisposeAsync();

    private static TeamUser User(Guid id) => new(id, null, $$"""{"sub":"{{id}}","role":"authenticated","aud":"authenticated"}""");

    private async Task<T> AsUserAsync<T>(TeamUser user, string sql)
    {
        await using var team = await new TeamDatabase(_functions).BeginAsync(user, CancellationToken.None);
        var value = await team.Connection.ExecuteScalarAsync<T>(sql, transaction: team.Transaction);
        await team.CommitAsync(CancellationToken.None);
        return value!;
    }

    [Fact]
    public async Task Transaction_runs_as_authenticated_with_the_users_id_and_nothing_outlives_it()
    {
        var member = await Crm.CreateTeamMemberAsync(stack.Admin);

        Assert.Equal("authenticated", await AsUserAsync<string>(User(member), "select current_user::text"));
        Assert.Equal(member, await AsUserAsync<Guid>(User(member), "select auth.uid()"));
        await using var connection = await _functions.OpenConnectionAsync();
        Assert.Equal("leitstand_functions", await connection.ExecuteScalarAsync<string>("select current_user::text"));
        Assert.Equal("", await connection.ExecuteScalarAsync<string>("select coalesce(current_setting('request.jwt.claims', true), '')"));
    }

    [Fact]
    public async Task Rls_refuses_a_member_what_the_functions_role_may_read()
    {
        var member = await Crm.CreateTeamMemberAsync(stack.Admin);
        await Crm.CreateLeadAsync(stack.Admin);
        await using (var admin = await stack.Admin.OpenConnectionAsync())
            await admin.ExecuteAsync("insert into outbox_messages (id, queue, payload) values (gen_random_uuid(), 'claims-test', '{}')");

        Assert.True(await AsUserAsync<long>(User(member), "select count(*) from leads") > 0);
        Assert.Equal(0, await AsUserAsync<long>(User(member), "select count(*) from outbox_messages"));
        await using var connection = await _functions.OpenConnectionAsync();
        Assert.True(await connection.ExecuteScalarAsync<long>("select count(*) from outbox_messages") > 0);
    }

    [Fact]
    public async Task Rls_shows_a_non_member_no_leads()
    {
        await Crm.CreateLeadAsync(stack.Admin);

        Assert.False(await new TeamDatabase(_functions).IsTeamMemberAsync(User(Guid.NewGuid()), CancellationToken.None));
        Assert.Equal(0, await AsUserAsync<long>(User(Guid.NewGuid()), "select count(*) from leads"));
    }

    [Fact]
    public async Task Touchpoint_logged_over_the_api_is_written_by_role_authenticated()
    {
        await using var host = await RunningHost.StartAsync(stack);
        var lead = await Crm.CreateLeadAsync(stack.Admin);

        var response = await Leads.Prospects.LogTouchpointAsync(host, lead, new { channel = "dm", note_code = "first_message_sent" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("authenticated", await Crm.ScalarAsync<string>(stack.Admin,
            "select created_by from lead_touchpoints where lead_id = @lead and note_code = 'first_message_sent'", new { lead }));
    }
}
