using Dapper;
using Leitstand.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>#/heute: the day's tasks with their text; completing a first contact moves the lead as the task API does.</summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterTodayTests(StackFixture stack, Chromium chromium)
{
    [Fact]
    public async Task Completing_a_first_contact_by_dm_moves_the_lead_to_contacted_and_takes_the_task_off_the_list()
    {
        var name = $"Greta Browser {Guid.NewGuid():N}"[..24];
        var lead = await Crm.CreateLeadAsync(stack.Admin, "NEW", name);
        Guid task;
        await using (var connection = await stack.Admin.OpenConnectionAsync())
            task = await connection.ExecuteScalarAsync<Guid>("""
                insert into tasks (lead_id, kind, rule, title, details, due_at, priority)
                values (@lead, 'first_contact', 'first_contact', 'Erstkontakt: ' || @name, 'Heute persönlich antworten.', now() - interval '1 hour', 'high')
                returning id
                """, new { lead, name });
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;

        await session.SignInAsync();
        var card = page.Locator($"#aufgaben [data-task='{task}']");
        await Expect(card).ToBeAttachedAsync();
        Assert.Contains("Heute persönlich antworten.", await card.TextContentAsync());
        await session.ScreenshotAsync("heute");

        await page.SelectOptionAsync($"#kanal-{task}", "dm");
        await card.Locator("[data-action='done']").ClickAsync();
        // The toast shows for 5 s from the answer on: looked for at once, not once the lists have loaded again.
        await Expect(page.Locator("#meldung")).ToContainTextAsync("Neu → Kontaktiert");
        await Expect(card).Not.ToBeAttachedAsync();
        await Expect(page.Locator($"#erledigt [data-task='{task}']")).ToBeAttachedAsync();

        Assert.Equal("CONTACTED", await Crm.ScalarAsync<string>(stack.Admin, "select stage::text from leads where id = @lead", new { lead }));
        Assert.Equal("DONE", await Crm.ScalarAsync<string>(stack.Admin, "select status::text from tasks where id = @task", new { task }));
        session.AssertNoRequestLeftLocalhost();
    }

    [Fact]
    public async Task A_first_contact_marked_done_without_a_channel_shows_the_german_reason_and_stays_open()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "NEW", "Hanna Ohne-Kanal");
        var task = await Crm.ScalarAsync<Guid>(stack.Admin, """
            insert into tasks (lead_id, kind, rule, title, due_at, priority)
            values (@lead, 'first_contact', 'first_contact', 'Erstkontakt: Hanna Ohne-Kanal', now() - interval '1 hour', 'high') returning id
            """, new { lead });
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;

        await session.SignInAsync();
        await Expect(page.Locator($"[data-task='{task}']")).ToBeAttachedAsync();
        await page.ClickAsync($"[data-task='{task}'] [data-action='done']");
        await Expect(page.Locator($"#fehler-{task}")).ToContainTextAsync("Kanal");

        Assert.Equal("OPEN", await Crm.ScalarAsync<string>(stack.Admin, "select status::text from tasks where id = @task", new { task }));
        Assert.Equal("NEW", await Crm.ScalarAsync<string>(stack.Admin, "select stage::text from leads where id = @lead", new { lead }));
    }

    [Fact]
    public async Task A_follow_up_done_with_the_note_code_replied_moves_the_lead_to_replied_and_can_be_reopened()
    {
        var name = $"Ida Antwort {Guid.NewGuid():N}"[..20];
        var lead = await Crm.CreateLeadAsync(stack.Admin, "CONTACTED", name);
        var task = await Crm.ScalarAsync<Guid>(stack.Admin, """
            insert into tasks (lead_id, kind, rule, title, details, due_at, priority, playbook_key, playbook_step)
            values (@lead, 'follow_up', 'follow_up', 'Follow-up 1: ' || @name, 'Kurz nachfragen, ob die Nachricht angekommen ist.', now() - interval '10 minutes', 'normal',
                    'followup_sequence', 1) returning id
            """, new { lead, name });
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;

        await session.SignInAsync();
        var card = page.Locator($"#aufgaben [data-task='{task}']");
        await Expect(card).ToBeAttachedAsync();
        await page.WaitForFunctionAsync($"() => document.querySelectorAll('#notiz-{task} option').length > 5");
        var text = await card.TextContentAsync();
        Assert.Contains("Kurz nachfragen", text);
        Assert.Contains("Playbook: Cold-DM-Skript und Follow-up-Sequenz · Schritt 1", text);
        Assert.Contains("docs/", text);
        Assert.Equal("Eingehend", await page.Locator($"#notiz-{task} option[value='replied']").EvaluateAsync<string>("o => o.parentElement.label"));

        await page.SelectOptionAsync($"#kanal-{task}", "dm");
        await page.SelectOptionAsync($"#notiz-{task}", "replied");
        await card.Locator("[data-action='done']").ClickAsync();
        await Expect(page.Locator("#meldung")).ToContainTextAsync("Kontaktiert → Geantwortet");
        var closed = page.Locator($"#erledigt [data-task='{task}']");
        await Expect(card).Not.ToBeAttachedAsync();
        await Expect(closed).ToBeAttachedAsync();

        Assert.Equal("erledigt · Direktnachricht · Hat geantwortet", await closed.Locator("[data-field='outcome']").TextContentAsync());
        Assert.Equal("REPLIED", await Crm.ScalarAsync<string>(stack.Admin, "select stage::text from leads where id = @lead", new { lead }));
        Assert.Equal("replied", await Crm.ScalarAsync<string>(stack.Admin, "select outcome_note_code from tasks where id = @task", new { task }));

        await closed.Locator("[data-action='reopen']").ClickAsync();
        await Expect(page.Locator("#meldung")).ToContainTextAsync("Wieder offen");
        await Expect(card).ToBeAttachedAsync();
        await Expect(closed).Not.ToBeAttachedAsync();
        Assert.Equal("OPEN", await Crm.ScalarAsync<string>(stack.Admin, "select status::text from tasks where id = @task", new { task }));
        session.AssertNoRequestLeftLocalhost();
    }
}
