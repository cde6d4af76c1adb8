using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Database.Migrations;

/// <summary>
/// 20261202040000_kpi.sql on a database whose stage history was written before the KPI board: every move out of a
/// stage learns when that stay began and the lead's whole time in the stage so far (recompute_stage_stays), and the
/// move of a lead that is LOST now keeps why (until 20261207182100 turns reasons into codes).
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ExistingStageHistoryLearnsItsStaysTests(StackFixture stack)
{
    private static readonly DateTime T0 = new(2026, 11, 2, 9, 0, 0, DateTimeKind.Utc);

    private sealed record Move(string? From, string To, DateTime? StayStartedAt, double? TotalHours, string? LostReason);

    [Fact]
    public async Task Each_move_out_of_a_stage_gets_its_stay_and_total_and_a_lost_lead_its_reason()
    {
        await using var db = await DatabaseBeforeMigration.CreateAsync(stack, "20261202040000_kpi.sql");
        Guid reopened = Guid.NewGuid(), lost = Guid.NewGuid();
        // Mia: contacted after 1 h, lost after 2 more, reopened after 7, contacted again after 2. Nils: lost for good.
        await db.ExecuteAsync("""
            insert into leads (id, name, email, consent_at, consent_text_version, consent_source) values
              (@reopened, 'Mia Wieder', 'mia@example.de', now(), '2026-11-25', 'test'),
              (@lost, 'Nils Weg', 'nils@example.de', now(), '2026-11-25', 'test');
            update leads set stage = 'CONTACTED' where id in (@reopened, @lost);
            update leads set stage = 'LOST', lost_reason = 'Mia hat kein Budget' where id = @reopened;
            update leads set stage = 'LOST', lost_reason = 'Nils: kein Bedarf' where id = @lost;
            update leads set stage = 'NEW' where id = @reopened;
            update leads set stage = 'CONTACTED' where id = @reopened;
            update lead_stage_history h set changed_at = @t0 + make_interval(hours => x.hours)
            from (select id, (array[0, 1, 3, 10, 12])[row_number() over (partition by lead_id order by id)] as hours
                  from lead_stage_history where lead_id = @reopened
                  union all
                  select id, (array[0, 2, 5])[row_number() over (partition by lead_id order by id)]
                  from lead_stage_history where lead_id = @lost) x
            where x.id = h.id;
            """, new { reopened, lost, t0 = T0 });

        await db.MigrateAsync(before: "20261202050000_team_auth.sql");

        Assert.Equal(
        [
            new(null, "NEW", null, null, null),
            new("NEW", "CONTACTED", T0, 1, null),
            new("CONTACTED", "LOST", T0.AddHours(1), 2, null),
            new("LOST", "NEW", T0.AddHours(3), 7, null),
            new("NEW", "CONTACTED", T0.AddHours(10), 3, null),
        ], await MovesAsync(db, reopened, "lost_reason"));
        Assert.Equal(
        [
            new(null, "NEW", null, null, null),
            new("NEW", "CONTACTED", T0, 2, null),
            new("CONTACTED", "LOST", T0.AddHours(2), 3, "Nils: kein Bedarf"),
        ], await MovesAsync(db, lost, "lost_reason"));

        // The rest keeps the stays; the reasons are codes now.
        await db.MigrateAsync();

        Assert.Equal(
        [
            new(null, "NEW", null, null, null),
            new("NEW", "CONTACTED", T0, 1, null),
            new("CONTACTED", "LOST", T0.AddHours(1), 2, "sonstiges"),
            new("LOST", "NEW", T0.AddHours(3), 7, null),
            new("NEW", "CONTACTED", T0.AddHours(10), 3, null),
        ], await MovesAsync(db, reopened, "lost_reason_code"));
        Assert.Equal("sonstiges", (await MovesAsync(db, lost, "lost_reason_code"))[^1].LostReason);
    }

    private static Task<List<Move>> MovesAsync(DatabaseBeforeMigration db, Guid lead, string reasonColumn) =>
        db.QueryAsync<Move>($"""
            select from_stage::text as "from", to_stage::text as "to", stay_started_at as stayStartedAt,
                   extract(epoch from stage_total)::float8 / 3600 as totalHours, {reasonColumn} as lostReason
            from lead_stage_history where lead_id = @lead order by changed_at, id
            """, new { lead });
}
