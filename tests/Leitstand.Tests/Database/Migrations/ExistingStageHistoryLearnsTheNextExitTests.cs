using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Database.Migrations;

/// <summary>
/// 20261202080000_kpi_next_exit.sql on a database with stage history: every move out of a stage learns when the lead
/// next left that stage again (next_exit_at; none: it did not), worked out from the moves' times.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ExistingStageHistoryLearnsTheNextExitTests(StackFixture stack)
{
    private static readonly DateTime T0 = new(2026, 11, 2, 9, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task A_move_out_of_a_stage_the_lead_left_again_later_knows_when()
    {
        await using var db = await DatabaseBeforeMigration.CreateAsync(stack, "20261202080000_kpi_next_exit.sql");
        var lead = Guid.NewGuid();
        // NEW → CONTACTED (1 h) → LOST (3 h) → NEW (10 h) → CONTACTED (12 h) → REPLIED (20 h)
        await db.ExecuteAsync("""
            insert into leads (id, name, email, consent_at, consent_text_version, consent_source)
            values (@lead, 'Ole Zweimal', 'ole@example.de', now(), '2026-11-25', 'test');
            update leads set stage = 'CONTACTED' where id = @lead;
            update leads set stage = 'LOST', lost_reason = 'Keine Zeit' where id = @lead;
            update leads set stage = 'NEW' where id = @lead;
            update leads set stage = 'CONTACTED' where id = @lead;
            update leads set stage = 'REPLIED' where id = @lead;
            update lead_stage_history h set changed_at = @t0 + make_interval(hours => x.hours)
            from (select id, (array[0, 1, 3, 10, 12, 20])[row_number() over (order by id)] as hours
                  from lead_stage_history where lead_id = @lead) x
            where x.id = h.id;
            """, new { lead, t0 = T0 });

        await db.MigrateAsync();

        var moves = await db.QueryAsync<(string? From, string To, DateTime? NextExitAt, double? TotalHours)>("""
            select from_stage::text, to_stage::text, next_exit_at, extract(epoch from stage_total)::float8 / 3600
            from lead_stage_history where lead_id = @lead order by changed_at, id
            """, new { lead });
        Assert.Equal(
        [
            (null, "NEW", null, null),
            ("NEW", "CONTACTED", T0.AddHours(12), 1),
            ("CONTACTED", "LOST", T0.AddHours(20), 2),
            ("LOST", "NEW", null, 7),
            ("NEW", "CONTACTED", null, 3),
            ("CONTACTED", "REPLIED", null, 10),
        ], moves);
    }
}
