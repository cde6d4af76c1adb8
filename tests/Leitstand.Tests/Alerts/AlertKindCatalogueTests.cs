using Dapper;
using Leitstand.Tests.Fixtures;
using Npgsql;

namespace Leitstand.Tests.Alerts;

/// <summary>
/// public.alert_kinds, the one home of an alert kind: its severity, subject type, acknowledge link and the
/// status-center route its link opens. The producer path (public.enqueue_alerts) takes them from there and
/// refuses a kind the catalogue does not know.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class AlertKindCatalogueTests(StackFixture stack)
{
    private const string EnqueueSql = "select public.enqueue_alerts('unused', @Items::jsonb)";

    private sealed record Kind(string Name, string Label, string? Severity, string SubjectType, bool AcknowledgeLink, string Route);

    private async Task<List<Kind>> KindsAsync()
    {
        await using var connection = await stack.Admin.OpenConnectionAsync();
        return (await connection.QueryAsync<Kind>(
            "select kind as name, label, severity::text as severity, subject_type as subjecttype, acknowledge_link as acknowledgelink, route from alert_kinds order by kind")).AsList();
    }

    private static string Item(string kind, string? severity, string subjectType, Guid? subject, string dedupeKey) =>
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["kind"] = kind, ["severity"] = severity, ["dedupe_key"] = dedupeKey, ["subject_type"] = subjectType, ["subject_id"] = subject,
            ["title"] = "Katalog-Test", ["text"] = "Nur ein Test.", ["occurred_at"] = DateTime.UtcNow,
        });

    private async Task ForgetAsync(params string[] dedupeKeys)
    {
        await using var connection = await stack.Admin.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            delete from outbox_messages where id in (select id from alerts where dedupe_key = any(@dedupeKeys));
            delete from alerts where dedupe_key = any(@dedupeKeys);
            """, new { dedupeKeys });
    }

    [Fact]
    public async Task Every_kind_a_producer_uses_is_in_the_catalogue_with_a_German_label_and_a_status_center_route()
    {
        var kinds = await KindsAsync();

        Assert.Equal(["agent_connected", "daily_tasks", "deal_won", "delivery_failed", "incident_escalated", "incident_opened", "incident_reminder", "incident_resolved",
            "incident_unacknowledged", "kpi_weekly", "lead_new", "lead_repeat", "objection_lifted", "onboarding_submitted"], kinds.Select(k => k.Name));
        var subject = Guid.NewGuid();
        await using var connection = await stack.Admin.OpenConnectionAsync();
        foreach (var kind in kinds)
        {
            Assert.False(string.IsNullOrWhiteSpace(kind.Label), kind.Name);
            Assert.Matches(@"^#/[a-z]+(/\{id\})?$", kind.Route);
            var link = await connection.ExecuteScalarAsync<string>("select public.alert_link(@Name, @subject)", new { kind.Name, subject });
            Assert.Equal(kind.Route.Replace("{id}", subject.ToString()), link);
        }
        // The links of today, kind by kind (what the status center opens).
        Assert.Equal("#/incidents/{id}", kinds.Single(k => k.Name == "incident_opened").Route);
        Assert.Equal("#/deals/{id}", kinds.Single(k => k.Name == "deal_won").Route);
        Assert.Equal("#/agents/{id}", kinds.Single(k => k.Name == "agent_connected").Route);
        Assert.Equal("#/leads/{id}", kinds.Single(k => k.Name == "lead_new").Route);
        Assert.Equal("#/alerts/{id}", kinds.Single(k => k.Name == "delivery_failed").Route);
        Assert.Equal("#/heute", kinds.Single(k => k.Name == "daily_tasks").Route);
        Assert.Equal("#/zahlen", kinds.Single(k => k.Name == "kpi_weekly").Route);
        // The acknowledge link goes with the incident kinds that ask someone to act, never with "Behoben".
        Assert.Equal(["incident_escalated", "incident_opened", "incident_reminder", "incident_unacknowledged"],
            kinds.Where(k => k.AcknowledgeLink).Select(k => k.Name));
        // Severity varies only where the producer knows it: the error class's (opened) or the incident's (reminder).
        Assert.Equal(["incident_opened", "incident_reminder"], kinds.Where(k => k.Severity is null).Select(k => k.Name));
    }

    [Fact]
    public async Task Every_route_names_a_kind_of_the_catalogue_or_every_kind()
    {
        await using var connection = await stack.Admin.OpenConnectionAsync();
        var unknown = await connection.QueryAsync<string>("select kind from alert_routes r where kind <> '*' and not exists (select 1 from alert_kinds k where k.kind = r.kind)");
        Assert.Empty(unknown);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(
            "insert into alert_routes (kind, channels) values ('no_such_kind', '{slack}')"));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, refused.SqlState);
    }

    [Fact]
    public async Task The_producer_path_refuses_an_unknown_kind_and_writes_nothing_of_the_call()
    {
        var known = "catalogue-test:" + Guid.NewGuid();
        var unknown = "catalogue-test:" + Guid.NewGuid();
        await using var connection = await stack.Admin.OpenConnectionAsync();

        var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteScalarAsync<Guid[]>(EnqueueSql, new
        {
            Items = $"[{Item("deal_won", "info", "lead", Guid.NewGuid(), known)}, {Item("deal_lost_somewhere", "info", "lead", Guid.NewGuid(), unknown)}]",
        }));

        Assert.Equal(PostgresErrorCodes.InvalidParameterValue, refused.SqlState);
        Assert.Contains("deal_lost_somewhere", refused.MessageText);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*)::int from alerts where dedupe_key in (@known, @unknown)", new { known, unknown }));
    }

    [Fact]
    public async Task Severity_subject_type_and_link_are_the_catalogues_and_the_producer_gives_the_severity_only_where_it_varies()
    {
        var won = "catalogue-test:" + Guid.NewGuid();
        var reminder = "catalogue-test:" + Guid.NewGuid();
        var (deal, incident) = (Guid.NewGuid(), Guid.NewGuid());
        await using var connection = await stack.Admin.OpenConnectionAsync();
        try
        {
            // A producer's contradicting severity and subject type do not count for a kind with its own.
            await connection.ExecuteScalarAsync<Guid[]>(EnqueueSql, new
            {
                Items = $"[{Item("deal_won", "critical", "team", deal, won)}, {Item("incident_reminder", "warning", "incident", incident, reminder)}]",
            });

            var rows = (await connection.QueryAsync<(string Key, string Severity, string SubjectType, string Link)>(
                "select dedupe_key, severity::text, subject_type, link from alerts where dedupe_key in (@won, @reminder)", new { won, reminder })).ToDictionary(r => r.Key);
            Assert.Equal(("info", "deal", $"#/deals/{deal}"), (rows[won].Severity, rows[won].SubjectType, rows[won].Link));
            Assert.Equal(("warning", "incident", $"#/incidents/{incident}"), (rows[reminder].Severity, rows[reminder].SubjectType, rows[reminder].Link));

            // Where the catalogue leaves the severity to the producer, the producer must give one.
            var missing = "catalogue-test:" + Guid.NewGuid();
            var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteScalarAsync<Guid[]>(EnqueueSql, new
            {
                Items = $"[{Item("incident_opened", null, "incident", incident, missing)}]",
            }));
            Assert.Equal(PostgresErrorCodes.InvalidParameterValue, refused.SqlState);
            Assert.Contains("needs a severity", refused.MessageText);
        }
        finally
        {
            await ForgetAsync(won, reminder);
        }
    }
}
