using Leitstand.Tests.Fixtures;
using Npgsql;

namespace Leitstand.Tests.Pipeline;

/// <summary>Every stage move, tried through SQL by a signed-in team member, against the documented rules.</summary>
[Collection(StackCollection.Name)]
public sealed class StageRulesTests(StackFixture stack)
{
    private static readonly string[] Stages = ["NEW", "CONTACTED", "REPLIED", "QUALIFIED", "CALL_BOOKED", "WON", "LOST"];

    // docs/pipeline.md says the same; the database table lead_stage_transitions must match.
    private static readonly HashSet<(string, string)> Allowed =
    [
        ("NEW", "CONTACTED"), ("CONTACTED", "REPLIED"), ("REPLIED", "QUALIFIED"), ("QUALIFIED", "CALL_BOOKED"), ("CALL_BOOKED", "WON"),
        ("NEW", "CALL_BOOKED"), ("CONTACTED", "CALL_BOOKED"), ("REPLIED", "CALL_BOOKED"),
        ("CALL_BOOKED", "QUALIFIED"),
        ("NEW", "LOST"), ("CONTACTED", "LOST"), ("REPLIED", "LOST"), ("QUALIFIED", "LOST"), ("CALL_BOOKED", "LOST"),
        ("LOST", "NEW"),
    ];

    public static TheoryData<string, string, bool> Moves()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var from in Stages)
            foreach (var to in Stages.Where(s => s != from))
                data.Add(from, to, Allowed.Contains((from, to)));
        return data;
    }

    [Theory]
    [MemberData(nameof(Moves))]
    public async Task Team_member_can_make_exactly_the_allowed_moves(string from, string to, bool allowed)
    {
        var member = await Crm.CreateTeamMemberAsync(stack.Admin);
        var lead = await Crm.CreateLeadAsync(stack.Admin, from);
        const string move = """
            update leads set stage = @to::lead_stage,
              lost_reason = case when @to = 'LOST' then 'Kein Bedarf' else lost_reason end,
              call_at = case when @to = 'CALL_BOOKED' then now() + interval '1 day' else call_at end
            where id = @lead
            """;
        if (to == "WON")
            await Crm.AsUserAsync(stack.Admin, member, "insert into deals (lead_id, package, amount_cents) values (@lead, 'SETUP', 149000)", new { lead });

        if (allowed)
        {
            Assert.Equal(1, await Crm.AsUserAsync(stack.Admin, member, move, new { lead, to }));
            Assert.Equal(to, await Crm.ScalarAsync<string>(stack.Admin, "select stage::text from leads where id = @lead", new { lead }));
            Assert.Equal(1, await Crm.ScalarAsync<int>(stack.Admin,
                "select count(*) from lead_stage_history where lead_id = @lead and from_stage = @from::lead_stage and to_stage = @to::lead_stage and changed_by = @member::text",
                new { lead, from, to, member }));
            Assert.Equal(1, await Crm.ScalarAsync<int>(stack.Admin,
                "select count(*) from pipeline_events where lead_id = @lead and from_stage = @from::lead_stage and to_stage = @to::lead_stage", new { lead, from, to }));
        }
        else
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => Crm.AsUserAsync(stack.Admin, member, move, new { lead, to }));
            Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
            Assert.Contains($"von {from} nach {to} ist nicht erlaubt", error.MessageText);
            Assert.Equal(from, await Crm.ScalarAsync<string>(stack.Admin, "select stage::text from leads where id = @lead", new { lead }));
        }
    }

    [Fact]
    public async Task The_transitions_table_holds_exactly_the_documented_rules()
    {
        await using var connection = await stack.Admin.OpenConnectionAsync();
        var rows = await Dapper.SqlMapper.QueryAsync<(string, string)>(connection, "select from_stage::text, to_stage::text from lead_stage_transitions");

        Assert.Equal(Allowed.Order(), rows.Order());
    }

    [Theory]
    [InlineData("CALL_BOOKED", "WON", "Deal")]
    [InlineData("CONTACTED", "LOST", "lost_reason")]
    [InlineData("QUALIFIED", "CALL_BOOKED", "call_at")]
    public async Task A_stage_that_needs_data_refuses_the_move_without_it(string from, string to, string named)
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, from);
        await using var connection = await stack.Admin.OpenConnectionAsync();

        var error = await Assert.ThrowsAsync<PostgresException>(() =>
            Dapper.SqlMapper.ExecuteAsync(connection, "update leads set stage = @to::lead_stage where id = @lead", new { lead, to }));

        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
        Assert.Contains(named, error.MessageText);
    }

    [Fact]
    public async Task New_leads_start_in_NEW()
    {
        await using var connection = await stack.Admin.OpenConnectionAsync();

        var error = await Assert.ThrowsAsync<PostgresException>(() => Dapper.SqlMapper.ExecuteAsync(connection, """
            insert into leads (name, email, stage, consent_at, consent_text_version, consent_source)
            values ('Import', @email, 'CONTACTED', now(), 'v1', 'import')
            """, new { email = $"import-{Guid.NewGuid():N}@example.de" }));

        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
        Assert.Contains("NEW", error.MessageText);
    }

    [Fact]
    public async Task Winning_marks_the_open_deal_won_and_reopening_clears_the_loss()
    {
        var won = await Crm.CreateLeadAsync(stack.Admin, "WON");
        var lost = await Crm.CreateLeadAsync(stack.Admin, "LOST");
        await using var connection = await stack.Admin.OpenConnectionAsync();
        await Dapper.SqlMapper.ExecuteAsync(connection, "update leads set delete_after = now() + interval '1 year' where id = @lost", new { lost });

        await Crm.MoveAsync(connection, lost, "NEW");

        Assert.Equal(1, await Crm.ScalarAsync<int>(stack.Admin, "select count(*) from deals where lead_id = @won and status = 'WON' and won_at is not null", new { won }));
        Assert.Equal(1, await Crm.ScalarAsync<int>(stack.Admin, "select count(*) from leads where id = @lost and stage = 'NEW' and lost_reason is null and delete_after is null", new { lost }));
    }
}
