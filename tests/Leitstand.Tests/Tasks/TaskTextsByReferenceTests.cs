using System.Net;
using System.Text.Json;
using Dapper;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Tasks;

/// <summary>
/// Issue 21: task titles and details are stored without personal data ({name}, {vorname}, {firma}, {handle} stay
/// placeholders) and GET /api/tasks shows the lead's name by reference, read at that moment; the overdue summary
/// lists its tasks by id, and a task whose lead is gone shows as such.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class TaskTextsByReferenceTests(StackFixture stack) : TasksTestBase(stack)
{
    /// <summary>A lead with every kind of personal data; returns the strings no stored text may contain.</summary>
    private async Task<(Guid Id, string[] Personal)> PersonAsync(string stage, DateTime at, string name, string company, string handle)
    {
        var id = await LeadAsync(stage, at, name: name, basis: "referral");
        var email = $"{handle}@example.de";
        var phone = $"+49 170 {Math.Abs(handle.GetHashCode()) % 10_000_000:0000000}";
        await ExecuteAsync("update leads set company = @company, email = @email, phone = @phone, handle_channel = 'instagram', handle = @handle where id = @id",
            new { id, company, email, phone, handle });
        return (id, [name, name.Split(' ')[0], company, email, phone, handle]);
    }

    private async Task<List<(string Title, string? Details, string Attributes)>> StoredAsync(string where, object param)
    {
        await using var connection = await Admin.OpenConnectionAsync();
        return (await connection.QueryAsync<(string, string?, string)>($"select title, details, attributes::text from tasks where {where}", param)).ToList();
    }

    private async Task<JsonElement> ListAsync(string query)
    {
        var response = await Host.TeamClient.GetAsync("/api/tasks?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static void AssertNoPersonalData(IEnumerable<(string Title, string? Details, string Attributes)> stored, string[] personal)
    {
        foreach (var (title, details, attributes) in stored)
            foreach (var word in personal)
                Assert.False((title + "\n" + details + "\n" + attributes).Contains(word, StringComparison.OrdinalIgnoreCase),
                    $"stored task text contains \"{word}\": {title}\n{details}");
    }

    [Fact]
    public async Task First_contact_follow_up_and_stale_tasks_store_no_name_company_email_phone_or_handle_and_the_list_shows_the_name()
    {
        var fresh = await PersonAsync("NEW", Local(2024, 4, 25, 9), "Greta Geheim", "Geheim Manufaktur", "greta.geheim");
        var contacted = await PersonAsync("CONTACTED", Local(2024, 4, 26, 10), "Carla Kontakt", "Kontakt Studio", "carla.kontakt");
        var stale = await PersonAsync("REPLIED", Local(2024, 4, 25, 9), "Hugo Hinweis", "Hinweis Werkstatt", "hugo.hinweis");
        await ProcessEventsAsync();

        await GenerateAsync(Local(2024, 4, 29, 5));

        foreach (var (lead, personal) in new[] { fresh, contacted, stale })
        {
            var stored = await StoredAsync("lead_id = @lead", new { lead });
            Assert.NotEmpty(stored);
            AssertNoPersonalData(stored, personal);
        }
        var titles = (await ListAsync("date=2024-04-29")).GetProperty("tasks").EnumerateArray()
            .Select(t => (Title: t.GetProperty("title").GetString()!, Details: t.GetProperty("details").GetString())).ToList();
        Assert.Contains(titles, t => t.Title == "Erstkontakt: Greta Geheim" && t.Details!.Contains("Kanal: instagram (greta.geheim)", StringComparison.Ordinal));
        Assert.Contains(titles, t => t.Title == "Follow-up 1 an Carla Kontakt senden" && t.Details!.Contains("Hi Carla,", StringComparison.Ordinal));
        Assert.Contains(titles, t => t.Title == "Nachfassen: Hugo Hinweis steht seit 4 Tagen in Geantwortet");
    }

    [Fact]
    public async Task The_overdue_summary_names_no_one_lists_its_tasks_by_id_and_shows_a_deleted_lead_s_task_as_such()
    {
        var (lead, personal) = await PersonAsync("WON", Local(2024, 3, 1, 10), "Olga Offen", "Offen KG", "olga.offen");
        var other = await LeadAsync("WON", Local(2024, 3, 1, 10), name: "Paul Später");
        var task = await Crm.ScalarAsync<Guid>(Admin, "insert into tasks (lead_id, kind, title, due_at) values (@lead, 'manual', 'Rechnung an {name} senden', @due) returning id",
            new { lead, due = Local(2024, 3, 11, 9) });
        await ExecuteAsync("insert into tasks (lead_id, kind, title, due_at) values (@other, 'manual', 'Zugänge von {firma} prüfen', @due)",
            new { other, due = Local(2024, 3, 12, 9) });

        await GenerateAsync(Local(2024, 3, 13, 5));

        var stored = Assert.Single(await StoredAsync("rule = 'overdue_summary'", new { }));
        AssertNoPersonalData([stored], [.. personal, "Paul", "Später"]);
        Assert.Contains(task.ToString(), stored.Attributes);
        var summary = Assert.Single((await ListAsync("date=2024-03-13")).GetProperty("tasks").EnumerateArray(), t => t.GetProperty("rule").GetString() == "overdue_summary");
        Assert.Equal("Jede Aufgabe erledigen, überspringen oder neu terminieren:\n- Rechnung an Olga Offen senden (fällig 11.03.)\n- Zugänge von Lead GmbH prüfen (fällig 12.03.)",
            summary.GetProperty("details").GetString());
        var listed = summary.GetProperty("listed_tasks").EnumerateArray().ToList();
        Assert.Equal([(task.ToString(), "Olga Offen", false), (listed[1].GetProperty("task_id").GetString()!, "Paul Später", false)],
            listed.Select(l => (l.GetProperty("task_id").GetString()!, l.GetProperty("lead_name").GetString()!, l.GetProperty("gone").GetBoolean())));

        // the lead is deleted (erasure): its task is gone, the summary keeps no trace of it
        await ExecuteAsync("delete from leads where id = @lead", new { lead });

        var after = Assert.Single((await ListAsync("date=2024-03-13")).GetProperty("tasks").EnumerateArray(), t => t.GetProperty("rule").GetString() == "overdue_summary");
        Assert.Contains("- Aufgabe eines gelöschten Leads (fällig 11.03.)", after.GetProperty("details").GetString());
        Assert.True(after.GetProperty("listed_tasks")[0].GetProperty("gone").GetBoolean());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("listed_tasks")[0].GetProperty("lead_name").ValueKind);
    }

    [Fact]
    public async Task The_overdue_summary_lists_each_task_with_its_lead_due_date_and_whether_it_is_done_skipped_or_gone_since()
    {
        var lead = await LeadAsync("WON", Local(2024, 3, 1, 10), name: "Rita Rechnung");
        var gone = await LeadAsync("WON", Local(2024, 3, 1, 10), name: "Gerd Gelöscht");
        async Task<Guid> TaskAsync(Guid of, string title, DateTime due) =>
            await Crm.ScalarAsync<Guid>(Admin, "insert into tasks (lead_id, kind, title, due_at) values (@of, 'manual', @title, @due) returning id",
                new { of, title, due });
        var open = await TaskAsync(lead, "Rechnung an {name} senden", Local(2024, 3, 8, 9));
        var done = await TaskAsync(lead, "Zugänge prüfen", Local(2024, 3, 9, 9));
        var skipped = await TaskAsync(lead, "Feedback von {vorname} holen", Local(2024, 3, 10, 9));
        var removed = await TaskAsync(gone, "Übergabe an {name}", Local(2024, 3, 11, 9));
        await GenerateAsync(Local(2024, 3, 13, 5));

        foreach (var (task, body) in new[] { (done, """{"outcome":"done","channel":"email"}"""), (skipped, """{"outcome":"skipped"}""") })
        {
            var response = await Host.TeamClient.PostAsync($"/api/tasks/{task}/complete", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await ExecuteAsync("delete from leads where id = @gone", new { gone });

        var summary = Assert.Single((await ListAsync("date=2024-03-13")).GetProperty("tasks").EnumerateArray(), t => t.GetProperty("rule").GetString() == "overdue_summary");
        var listed = summary.GetProperty("listed_tasks").EnumerateArray().Select(l => (
            Task: l.GetProperty("task_id").GetGuid(), Lead: l.GetProperty("lead_id").ValueKind == JsonValueKind.Null ? (Guid?)null : l.GetProperty("lead_id").GetGuid(),
            Due: l.GetProperty("due_at").GetDateTime().ToUniversalTime(), Title: l.GetProperty("title").GetString(),
            Status: l.GetProperty("status").GetString(), Outcome: l.GetProperty("outcome").GetString(), Gone: l.GetProperty("gone").GetBoolean())).ToList();
        Assert.Equal([
            (open, (Guid?)lead, Local(2024, 3, 8, 9), (string?)"Rechnung an Rita Rechnung senden", (string?)"open", (string?)null, false),
            (done, lead, Local(2024, 3, 9, 9), "Zugänge prüfen", "done", "done", false),
            (skipped, lead, Local(2024, 3, 10, 9), "Feedback von Rita holen", "cancelled", "skipped", false),
            (removed, null, Local(2024, 3, 11, 9), null, null, null, true),
        ], listed);
    }

    [Fact]
    public async Task A_listed_task_whose_title_has_line_breaks_stays_one_line_of_the_overdue_summary()
    {
        var lead = await LeadAsync("WON", Local(2024, 3, 1, 10), name: "Zora Zeile");
        await ExecuteAsync("insert into tasks (lead_id, kind, title, due_at) values (@lead, 'manual', E'Angebot\\nfür {name}\\r\\n  nachfassen', @due)",
            new { lead, due = Local(2024, 3, 8, 9) });
        await ExecuteAsync("insert into tasks (lead_id, kind, title, due_at) values (@lead, 'manual', 'Zugänge prüfen', @due)",
            new { lead, due = Local(2024, 3, 9, 9) });
        await GenerateAsync(Local(2024, 3, 13, 5));

        var summary = Assert.Single((await ListAsync("date=2024-03-13")).GetProperty("tasks").EnumerateArray(), t => t.GetProperty("rule").GetString() == "overdue_summary");
        Assert.Equal("Jede Aufgabe erledigen, überspringen oder neu terminieren:\n- Angebot für Zora Zeile nachfassen (fällig 08.03.)\n- Zugänge prüfen (fällig 09.03.)",
            summary.GetProperty("details").GetString());
        Assert.Equal(2, summary.GetProperty("listed_tasks").GetArrayLength());
    }
}
