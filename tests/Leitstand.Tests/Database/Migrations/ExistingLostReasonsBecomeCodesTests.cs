using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Database.Migrations;

/// <summary>
/// 20261207182100_lost_reason_codes.sql on a database with lost leads whose reasons are free text: the lead gets the
/// code "sonstiges" and keeps its text as the note, the stage history keeps the code only, and the KPI figures kept
/// before stay what they were, their reasons counted as one "Sonstiges".
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ExistingLostReasonsBecomeCodesTests(StackFixture stack)
{
    private const string Migration = "20261207182100_lost_reason_codes.sql";

    private static readonly Guid Lost = Guid.NewGuid(), Reopened = Guid.NewGuid(), Open = Guid.NewGuid();

    /// <summary>Three contacted leads two weeks ago: one lost for good, one lost and back to NEW, one still open.</summary>
    private static async Task CreateLeadsAsync(DatabaseBeforeMigration db) =>
        await db.ExecuteAsync("""
            insert into leads (id, name, email, consent_at, consent_text_version, consent_source) values
              (@lost, 'Eva Verloren', 'eva@example.de', now(), '2026-11-25', 'test'),
              (@reopened, 'Fritz Zurück', 'fritz@example.de', now(), '2026-11-25', 'test'),
              (@open, 'Gina Offen', 'gina@example.de', now(), '2026-11-25', 'test');
            update leads set stage = 'CONTACTED' where id in (@lost, @reopened, @open);
            update leads set stage = 'LOST', lost_reason = 'Zu teuer für Eva, meldet sich im Frühjahr' where id = @lost;
            update leads set stage = 'LOST', lost_reason = 'Keine Zeit' where id = @reopened;
            update leads set stage = 'NEW' where id = @reopened;
            update lead_stage_history set changed_at = changed_at - interval '14 days', stay_started_at = stay_started_at - interval '14 days'
            where lead_id in (@lost, @reopened, @open);
            update leads set created_at = created_at - interval '14 days' where id in (@lost, @reopened, @open);
            """, new { lost = Lost, reopened = Reopened, open = Open });

    [Fact]
    public async Task A_lost_lead_gets_the_code_sonstiges_and_keeps_its_text_as_the_note()
    {
        await using var db = await DatabaseBeforeMigration.CreateAsync(stack, Migration);
        await CreateLeadsAsync(db);
        Assert.Equal(2, await db.ScalarAsync<int>("select count(*) from lead_stage_history where to_stage = 'LOST' and lost_reason is not null"));

        await db.MigrateAsync();

        var leads = await db.QueryAsync<(Guid Id, string Stage, string? Code, string? Note)>(
            "select id, stage::text, lost_reason_code, lost_reason from leads order by name");
        Assert.Equal([(Lost, "LOST", "sonstiges", "Zu teuer für Eva, meldet sich im Frühjahr"), (Reopened, "NEW", null, null), (Open, "CONTACTED", null, null)],
            leads);
        // The history: the code on every LOST move (also the one the lead came back from), no free text anywhere.
        Assert.Equal(["sonstiges", "sonstiges"],
            await db.QueryAsync<string>("select lost_reason_code from lead_stage_history where to_stage = 'LOST' order by id"));
        Assert.Equal(0, await db.ScalarAsync<int>("select count(*) from lead_stage_history where to_stage <> 'LOST' and lost_reason_code is not null"));
        Assert.False(await db.ScalarAsync<bool>(
            "select exists (select 1 from information_schema.columns where table_name = 'lead_stage_history' and column_name = 'lost_reason')"));
        Assert.Equal(0, await db.ScalarAsync<int>("select count(*) from lead_stage_history h where h::text like '%Eva%' or h::text like '%Keine Zeit%'"));
    }

    [Fact]
    public async Task The_kpi_figures_kept_before_stay_equal_with_their_reasons_as_one_sonstiges()
    {
        await using var db = await DatabaseBeforeMigration.CreateAsync(stack, Migration);
        await CreateLeadsAsync(db);
        var week = await db.ScalarAsync<DateTime>("select kpi_period_start('week', now() - interval '14 days')");
        await db.ExecuteAsync("select keep_kpi_figures(now(), 60)");
        var keptBefore = await db.QueryAsync<(string Kind, DateTime Start, string Figures, DateTime ComputedAt)>(
            "select kind, period_start, figures::text, computed_at from kpi_period_figures order by kind, period_start");
        var boardBefore = await db.ScalarAsync<string>("select kpi_board('week', @week::date, now())::text", new { week });
        Assert.Contains(keptBefore, k => k.Figures.Contains("Zu teuer für Eva"));

        await db.MigrateAsync();

        // The periods with the free-text reasons are computed afresh (the migration changed their history, so their
        // kept figures were forgotten); the week without a decision is kept as it was.
        var keptAfter = await db.QueryAsync<(string Kind, DateTime Start, string Figures, DateTime ComputedAt)>(
            "select kind, period_start, figures::text, computed_at from kpi_period_figures order by kind, period_start");
        Assert.DoesNotContain(keptAfter, k => k.Figures.Contains("Eva") || k.Figures.Contains("Keine Zeit"));
        Assert.All(keptAfter, k => Assert.Contains(k, keptBefore));
        await db.ExecuteAsync("select keep_kpi_figures(now(), 60)");
        var keptAgain = await db.QueryAsync<(string Kind, DateTime Start, string Figures, DateTime ComputedAt)>(
            "select kind, period_start, figures::text, computed_at from kpi_period_figures order by kind, period_start");
        Assert.Equal(keptBefore.Select(k => (k.Kind, k.Start)), keptAgain.Select(k => (k.Kind, k.Start)));
        foreach (var (before, after) in keptBefore.Zip(keptAgain))
        {
            Assert.Equal(await WithoutReasonsAsync(db, before.Figures), await WithoutReasonsAsync(db, after.Figures));
            var hadReasons = await db.ScalarAsync<int>("select jsonb_array_length(@f::jsonb -> 'lost_reasons')", new { f = before.Figures }) > 0;
            Assert.Equal(hadReasons ? """[{"code": "sonstiges", "leads": 2, "reason": "Sonstiges"}]""" : "[]",
                await db.ScalarAsync<string>("select (@f::jsonb -> 'lost_reasons')::text", new { f = after.Figures }));
        }
        Assert.Contains(keptAgain, k => k.Figures.Contains("sonstiges"));

        // The board reads the same figures, and the week computed afresh from the history gives the same reasons.
        var boardAfter = await db.ScalarAsync<string>("select kpi_board('week', @week::date, now())::text", new { week });
        Assert.Equal(await WithoutReasonsAsync(db, boardBefore), await WithoutReasonsAsync(db, boardAfter));
        Assert.Equal(
            await db.ScalarAsync<string>("select (@b::jsonb -> 'lost_reasons')::text", new { b = boardAfter }),
            await db.ScalarAsync<string>("""
                select (kpi_figures_live(berlin_day_start(@week::date), berlin_day_start((@week::date + 7)), true) -> 'lost_reasons')::text
                """, new { week }));
    }

    private static Task<string> WithoutReasonsAsync(DatabaseBeforeMigration db, string figures) =>
        db.ScalarAsync<string>("select (@figures::jsonb - 'lost_reasons')::text", new { figures });
}
