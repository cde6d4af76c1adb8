using System.Text.Json;
using Dapper;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Tasks;

/// <summary>After generating, one digest alert for the day, through the alert contract, with counts and no names.</summary>
[Collection(StackCollection.Name)]
public sealed class DigestTests(StackFixture stack) : TasksTestBase(stack)
{
    [Fact]
    public async Task The_digest_is_one_alert_with_the_day_s_counts_and_no_personal_data()
    {
        await LeadAsync("NEW", Local(2024, 4, 9, 15), name: "Anna Neu");
        await LeadAsync("NEW", Local(2024, 4, 8, 9), name: "Berta Wartet");
        await LeadAsync("CONTACTED", Local(2024, 4, 8, 9), name: "Carl Kontakt");   // follow-up 1 due Wednesday 09:00
        await LeadAsync("REPLIED", Local(2024, 4, 5, 9), name: "Dora Still");

        await GenerateAsync(Local(2024, 4, 10, 5));
        await GenerateAsync(Local(2024, 4, 10, 6));

        await using var connection = await Admin.OpenConnectionAsync();
        var alert = Assert.Single(await connection.QueryAsync<(Guid Id, string Kind, string Severity, string Title, string Body, string Link, string Attributes)>(
            "select id, kind, severity::text, title, body, link, attributes::text from alerts where dedupe_key = 'daily_tasks:2024-04-10'"));
        Assert.Equal(("daily_tasks", "info", "#/heute"), (alert.Kind, alert.Severity, alert.Link));
        Assert.Equal("Heute: 4 Aufgaben – 2 Erstkontakte, 1 Follow-up, 1× Nachfassen", alert.Title);
        Assert.Contains("Priorität hoch: 1 Erstkontakt wartet seit über 1 Tag.", alert.Body);
        Assert.Contains("Wochenziele im Rückstand: Leads neu 3 von 30", alert.Body);
        foreach (var name in new[] { "Anna", "Berta", "Carl", "Dora" })
            Assert.DoesNotContain(name, alert.Title + alert.Body + alert.Attributes, StringComparison.Ordinal);
        using var attributes = JsonDocument.Parse(alert.Attributes);
        Assert.Equal(4, attributes.RootElement.GetProperty("counts").GetProperty("total").GetInt32());

        // One queue message in the alert contract carries it.
        var (message, queued) = await Host.FindAlertAsync("alert_id", alert.Id);
        Assert.Equal(("alerts", 2), (message.GetProperty("type").GetString(), message.GetProperty("version").GetInt32()));
        Assert.Equal("Heute: 4 Aufgaben – 2 Erstkontakte, 1 Follow-up, 1× Nachfassen", queued.GetProperty("title").GetString());
    }
}
