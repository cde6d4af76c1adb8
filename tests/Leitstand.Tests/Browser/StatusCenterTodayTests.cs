using Dapper;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Browser;

/// <summary>#/heute: the day's tasks with their text; completing a first contact moves the lead as the task API does.</summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterTodayTests(StackFixture stack)
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
        await using var session = await StatusCenterSession.StartAsync(stack);

        await session.SignInAsync();
        var card = $"#aufgaben [data-task='{task}']";
        await session.Browser.WaitForAsync($"!!document.querySelector(\"{card}\")", TimeSpan.FromSeconds(10));
        Assert.Contains("Heute persönlich antworten.", (await session.Browser.EvaluateAsync($"document.querySelector(\"{card}\").textContent")).GetString());
        await session.ScreenshotAsync("heute");

        await session.Browser.EvaluateAsync($"(() => {{ const s = document.querySelector('#kanal-{task}'); s.value = 'dm'; s.dispatchEvent(new Event('change')); }})()");
        await session.Browser.ClickAsync($"{card} [data-action='done']");
        await session.Browser.WaitForAsync($"!document.querySelector(\"{card}\") && !!document.querySelector(\"#erledigt [data-task='{task}']\")", TimeSpan.FromSeconds(10));

        Assert.Contains("Neu → Kontaktiert", (await session.Browser.EvaluateAsync("document.querySelector('#meldung').textContent")).GetString());
        Assert.Equal("CONTACTED", await Crm.ScalarAsync<string>(stack.Admin, "select stage::text from leads where id = @lead", new { lead }));
        Assert.Equal("DONE", await Crm.ScalarAsync<string>(stack.Admin, "select status::text from tasks where id = @task", new { task }));
        await session.AssertNoRequestLeftLocalhostAsync();
    }

    [Fact]
    public async Task A_first_contact_marked_done_without_a_channel_shows_the_german_reason_and_stays_open()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "NEW", "Hanna Ohne-Kanal");
        var task = await Crm.ScalarAsync<Guid>(stack.Admin, """
            insert into tasks (lead_id, kind, rule, title, due_at, priority)
            values (@lead, 'first_contact', 'first_contact', 'Erstkontakt: Hanna Ohne-Kanal', now() - interval '1 hour', 'high') returning id
            """, new { lead });
        await using var session = await StatusCenterSession.StartAsync(stack);

        await session.SignInAsync();
        await session.Browser.WaitForAsync($"!!document.querySelector(\"[data-task='{task}']\")", TimeSpan.FromSeconds(10));
        await session.Browser.ClickAsync($"[data-task='{task}'] [data-action='done']");
        await session.Browser.WaitForAsync($"document.querySelector('#fehler-{task}').textContent.includes('Kanal')", TimeSpan.FromSeconds(10));

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
        await using var session = await StatusCenterSession.StartAsync(stack);

        await session.SignInAsync();
        var card = $"#aufgaben [data-task='{task}']";
        await session.Browser.WaitForAsync($"!!document.querySelector(\"{card}\") && document.querySelectorAll('#notiz-{task} option').length > 5", TimeSpan.FromSeconds(10));
        var text = (await session.Browser.EvaluateAsync($"document.querySelector(\"{card}\").textContent")).GetString()!;
        Assert.Contains("Kurz nachfragen", text);
        Assert.Contains("Playbook: Cold-DM-Skript und Follow-up-Sequenz · Schritt 1", text);
        Assert.Contains("docs/", text);
        Assert.Equal("Eingehend", (await session.Browser.EvaluateAsync($"document.querySelector(\"#notiz-{task} option[value='replied']\").parentElement.label")).GetString());

        await session.Browser.EvaluateAsync($$"""
            (() => {
              for (const [id, v] of [['#kanal-{{task}}', 'dm'], ['#notiz-{{task}}', 'replied']]) {
                const s = document.querySelector(id); s.value = v; s.dispatchEvent(new Event('change'));
              }
            })()
            """);
        await session.Browser.ClickAsync($"{card} [data-action='done']");
        var closed = $"#erledigt [data-task='{task}']";
        await session.Browser.WaitForAsync($"!document.querySelector(\"{card}\") && !!document.querySelector(\"{closed}\")", TimeSpan.FromSeconds(10));

        Assert.Contains("Kontaktiert → Geantwortet", (await session.Browser.EvaluateAsync("document.querySelector('#meldung').textContent")).GetString());
        Assert.Equal("erledigt · Direktnachricht · Hat geantwortet", (await session.Browser.EvaluateAsync($"document.querySelector(\"{closed} [data-field='outcome']\").textContent")).GetString());
        Assert.Equal("REPLIED", await Crm.ScalarAsync<string>(stack.Admin, "select stage::text from leads where id = @lead", new { lead }));
        Assert.Equal("replied", await Crm.ScalarAsync<string>(stack.Admin, "select outcome_note_code from tasks where id = @task", new { task }));

        await session.Browser.ClickAsync($"{closed} [data-action='reopen']");
        await session.Browser.WaitForAsync($"!!document.querySelector(\"{card}\") && !document.querySelector(\"{closed}\")", TimeSpan.FromSeconds(10));
        Assert.Equal("OPEN", await Crm.ScalarAsync<string>(stack.Admin, "select status::text from tasks where id = @task", new { task }));
        Assert.Contains("Wieder offen", (await session.Browser.EvaluateAsync("document.querySelector('#meldung').textContent")).GetString());
        await session.AssertNoRequestLeftLocalhostAsync();
    }
}
