using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Leitstand.Monitoring;
using Leitstand.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>
/// An answer that arrives late never draws over what a person began meanwhile: a view's own refresh (held here until
/// the person has acted, the page's clock moved on to it) leaves an opened form, a typed reason, a chosen value and the
/// focus as they are, and an answer older than the person's own action is not drawn over its result. The same for the
/// lead view's look for the onboarding tasks, a search answering after the person tabbed into the list and the figures
/// of a period chosen before another.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterLateAnswersTests(StackFixture stack, Chromium chromium)
{
    // The refresh intervals of the views (web/status/src: installs.js, heute.js, pipeline.js, agenten.js).
    private const long InstallRefreshMs = 15_000, TodayRefreshMs = 20_000, PipelineRefreshMs = 30_000, AgentsRefreshMs = 20_000;

    [Fact]
    public async Task An_install_refresh_answering_after_a_skip_reason_was_begun_keeps_the_reason_its_form_and_the_focus()
    {
        var (lead, run) = await BookedInstallAsync();
        await using var session = await StatusCenterSession.StartAsync(stack, chromium, Chromium.Phone);
        var page = session.Page;
        await page.Clock.InstallAsync();
        await session.SignInAsync($"#/installs/{run}");
        var item = Item(page, "Systemvoraussetzungen geprüft");
        await Expect(item).ToHaveAttributeAsync("data-state", "open");

        var held = await HoldNextAnswerAsync(page, u => new Uri(u).AbsolutePath == $"/api/installs/{run}");
        await page.Clock.FastForwardAsync(InstallRefreshMs);
        await held.Asked.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await item.Locator("summary").ClickAsync();
        await item.Locator("textarea").FillAsync("Vorab am Telefon geklärt.");
        await ReleaseAsync(page, held);
        await Expect(page.Locator("#inhalt")).Not.ToHaveAttributeAsync("aria-busy", "true");

        await Expect(item.Locator("details.skip")).ToHaveAttributeAsync("open", "");
        await Expect(item.Locator("textarea")).ToHaveValueAsync("Vorab am Telefon geklärt.");
        await Expect(item.Locator("textarea")).ToBeFocusedAsync();
        await item.Locator("[data-action='skip']").ClickAsync();
        await Expect(item).ToHaveAttributeAsync("data-state", "skipped");
        await Expect(item.Locator("[data-field='reason']")).ToHaveTextAsync("Grund: Vorab am Telefon geklärt.");
        Assert.Equal(lead, await Crm.ScalarAsync<Guid>(stack.Admin, "select lead_id from install_runs where id = @run", new { run }));
    }

    [Fact]
    public async Task An_install_refresh_asked_before_an_item_was_ticked_does_not_draw_it_open_again()
    {
        var (_, run) = await BookedInstallAsync();
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;
        await page.Clock.InstallAsync();
        await session.SignInAsync($"#/installs/{run}");
        var item = Item(page, "Ziele aus dem Onboarding bestätigt");
        await Expect(item).ToHaveAttributeAsync("data-state", "open");

        // The refresh's answer is taken from the host at once (the item still open) and handed over after the tick.
        var held = await HoldNextAnswerAsync(page, u => new Uri(u).AbsolutePath == $"/api/installs/{run}");
        await page.Clock.FastForwardAsync(InstallRefreshMs);
        await held.Asked.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await item.Locator("[data-action='complete']").ClickAsync();
        await Expect(item).ToHaveAttributeAsync("data-state", "done");
        await ReleaseAsync(page, held);
        await Expect(page.Locator("#inhalt")).Not.ToHaveAttributeAsync("aria-busy", "true");

        Assert.Equal("done", await item.GetAttributeAsync("data-state"));
        Assert.Equal(0, await item.Locator("[data-action='complete']").CountAsync());
    }

    [Fact]
    public async Task A_today_refresh_answering_after_a_channel_was_chosen_by_keyboard_keeps_the_channel_and_the_focus()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "NEW", "Theo Tastendruck");
        var task = await Crm.ScalarAsync<Guid>(stack.Admin, """
            insert into tasks (lead_id, kind, rule, title, due_at, priority)
            values (@lead, 'first_contact', 'first_contact', 'Erstkontakt: Theo Tastendruck', now() - interval '1 hour', 'high') returning id
            """, new { lead });
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;
        await page.Clock.InstallAsync();
        await session.SignInAsync();
        await Expect(page.Locator($"#aufgaben [data-task='{task}']")).ToBeAttachedAsync();
        await Expect(page.Locator("#aufgaben")).ToHaveAttributeAsync("aria-busy", "false");

        var held = await HoldNextAnswerAsync(page, u => new Uri(u).AbsolutePath == "/api/tasks" && new Uri(u).Query == "?view=day");
        await page.Clock.FastForwardAsync(TodayRefreshMs);
        await held.Asked.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await page.FocusAsync($"#kanal-{task}");
        await page.Keyboard.PressAsync("ArrowDown");
        await ReleaseAsync(page, held);
        await Expect(page.Locator("#aufgaben")).ToHaveAttributeAsync("aria-busy", "false");

        await Expect(page.Locator($"#kanal-{task}")).ToHaveValueAsync("dm");
        await Expect(page.Locator($"#kanal-{task}")).ToBeFocusedAsync();
        await page.ClickAsync($"#aufgaben [data-task='{task}'] [data-action='done']");
        await Expect(page.Locator($"#erledigt [data-task='{task}']")).ToBeAttachedAsync();
        Assert.Equal("dm", await Crm.ScalarAsync<string>(stack.Admin, "select outcome_channel from tasks where id = @task", new { task }));
    }

    [Fact]
    public async Task A_board_refresh_answering_after_a_card_asked_for_the_call_keeps_the_question_and_the_date_typed()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "QUALIFIED", $"Bea Brett {Guid.NewGuid():N}"[..20]);
        await using var session = await StatusCenterSession.StartAsync(stack, chromium, new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = session.Page;
        await page.Clock.InstallAsync();
        await session.SignInAsync("#/pipeline");
        var card = page.Locator($"[data-stage='QUALIFIED'] [data-lead='{lead}']");
        await Expect(card).ToBeAttachedAsync();
        await Expect(page.Locator("#pipeline")).ToHaveAttributeAsync("aria-busy", "false");

        var held = await HoldNextAnswerAsync(page, u => new Uri(u).AbsolutePath == "/api/pipeline");
        await page.Clock.FastForwardAsync(PipelineRefreshMs);
        await held.Asked.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await card.Locator("[data-move='CALL_BOOKED']").ClickAsync();
        var callAt = DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd'T'10:00", CultureInfo.InvariantCulture);
        await page.FillAsync($"#call_at-{lead}", callAt);
        await ReleaseAsync(page, held);
        await Expect(page.Locator("#pipeline")).ToHaveAttributeAsync("aria-busy", "false");

        await Expect(page.Locator($"#call_at-{lead}")).ToHaveValueAsync(callAt);
        await Expect(page.Locator($"#call_at-{lead}")).ToBeFocusedAsync();
        await card.Locator("[data-action='confirm']").ClickAsync();
        await Expect(page.Locator($"[data-stage='CALL_BOOKED'] [data-lead='{lead}']")).ToBeAttachedAsync();
    }

    [Fact]
    public async Task An_agents_refresh_answering_after_the_focus_went_to_an_agents_restart_keeps_the_focus_there()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin);
        var key = AgentKeys.Generate();
        var agent = await Crm.ScalarAsync<Guid>(stack.Admin, """
            insert into agents (lead_id, name, key_hash, key_prefix) values (@lead, 'Agent Spätantwort', @hash, @prefix) returning id
            """, new { lead, hash = key.Hash, prefix = key.DisplayPrefix });
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;
        await page.Clock.InstallAsync();
        await session.SignInAsync("#/agenten");
        var restart = page.Locator($"[data-agent='{agent}'] [data-action='restart']");
        await Expect(restart).ToBeAttachedAsync();
        await Expect(page.Locator("#agenten")).ToHaveAttributeAsync("aria-busy", "false");

        var held = await HoldNextAnswerAsync(page, u => new Uri(u).AbsolutePath == "/api/agents");
        await page.Clock.FastForwardAsync(AgentsRefreshMs);
        await held.Asked.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await restart.FocusAsync();
        await ReleaseAsync(page, held);
        await Expect(page.Locator("#agenten")).ToHaveAttributeAsync("aria-busy", "false");

        await Expect(restart).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#agenten")).ToHaveAttributeAsync("aria-busy", "false");
        Assert.Equal(1, await WaitForAsync(() => Crm.ScalarAsync<int>(stack.Admin, "select count(*)::int from agent_commands where agent_id = @agent", new { agent })));
    }

    [Fact]
    public async Task The_onboarding_look_answering_while_the_contact_is_being_edited_keeps_the_edit()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "CALL_BOOKED", "Olli Onboarding", "Alt GmbH");
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;
        await session.SignInAsync($"#/leads/{lead}");
        await Expect(page.Locator("#lead-name")).ToHaveTextAsync("Olli Onboarding");
        await page.ClickAsync("#stufe [data-move='WON']");
        await Expect(page.Locator("#deal-price")).ToHaveValueAsync("1490,00");
        await page.ClickAsync("#deal-senden");
        await Expect(page.Locator("[data-field='stage']")).ToHaveTextAsync("Gewonnen");

        // Won: the view looks for the onboarding tasks every few seconds (the pipeline's reaction does not run here).
        var held = await HoldNextAnswerAsync(page, u => new Uri(u).AbsolutePath == $"/api/leads/{lead}");
        await held.Asked.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await page.ClickAsync("#kontakt-bearbeiten");
        await page.FillAsync("#bearbeiten-company", "Neu GmbH");
        await ReleaseAsync(page, held);
        await Expect(page.Locator("#inhalt")).Not.ToHaveAttributeAsync("aria-busy", "true");

        await Expect(page.Locator("#bearbeiten-company")).ToHaveValueAsync("Neu GmbH");
        await Expect(page.Locator("#bearbeiten-company")).ToBeFocusedAsync();
        await page.ClickAsync("#bearbeiten-senden");
        await Expect(page.Locator("[data-field='company'] span")).ToHaveTextAsync("Neu GmbH");
    }

    [Fact]
    public async Task A_search_answering_after_the_person_tabbed_into_the_list_keeps_the_focus_on_the_lead()
    {
        var word = "Spaetfeld" + Guid.NewGuid().ToString("N")[..6];
        var lead = await Crm.CreateLeadAsync(stack.Admin, "CONTACTED", $"Sina {word}");
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;
        await session.SignInAsync("#/leads");
        await Expect(page.Locator("#leads")).ToHaveAttributeAsync("aria-busy", "false");
        await page.FillAsync("#lead-suche", word[..12]);
        await Expect(page.Locator("#leads-stand")).ToHaveTextAsync("1 Lead");
        await Expect(page.Locator("#leads")).ToHaveAttributeAsync("aria-busy", "false");

        // One more letter typed; its search answers only after the person has tabbed to the lead.
        var held = await HoldNextAnswerAsync(page, u => u.Contains("/api/leads?", StringComparison.Ordinal) && u.Contains("q=" + word[..13], StringComparison.Ordinal));
        await page.Keyboard.TypeAsync(word[12..13]);
        await held.Asked.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var link = page.Locator($"#leads a[href='#/leads/{lead}']");
        await page.TabToAsync($"#leads a[href='#/leads/{lead}']");
        await ReleaseAsync(page, held);
        await Expect(page.Locator("#leads")).ToHaveAttributeAsync("aria-busy", "false");

        await Expect(link).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#lead-name")).ToHaveTextAsync($"Sina {word}");
    }

    [Fact]
    public async Task The_figures_of_an_earlier_choice_answering_after_a_later_one_are_not_drawn_over_it()
    {
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;
        await session.SignInAsync("#/zahlen");
        await Expect(page.Locator("#kennzahlen li")).ToHaveCountAsync(5);
        await Expect(page.Locator("#zahlen-inhalt")).ToHaveAttributeAsync("aria-busy", "false");

        // A week back, and before it answers, the month: the week's answer comes last.
        var held = await HoldNextAnswerAsync(page, u => new Uri(u).AbsolutePath == "/api/kpi" && new Uri(u).Query.StartsWith("?week=", StringComparison.Ordinal));
        await page.ClickAsync("#zeitraum-zurueck");
        await held.Asked.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await page.ClickAsync("#zeitraum-monat");
        var month = new System.Text.RegularExpressions.Regex(@"^\d{4}-\d{2}$");
        await Expect(page.Locator("#zeitraum")).ToHaveAttributeAsync("data-key", month);
        await ReleaseAsync(page, held);
        await Expect(page.Locator("#zahlen-inhalt")).ToHaveAttributeAsync("aria-busy", "false");

        Assert.Matches(month, await page.Locator("#zeitraum").GetAttributeAsync("data-key"));
        Assert.Equal("true", await page.Locator("#zeitraum-monat").GetAttributeAsync("aria-pressed"));
    }

    /// <summary>A request being held: Asked when it came (its answer already taken from the host), Release to hand it over.</summary>
    private sealed record Held(TaskCompletionSource Asked, TaskCompletionSource Release, Func<string, bool> Url);

    /// <summary>Holds the answer of the next GET whose URL matches (taken from the host when asked, so as old as the request).</summary>
    private static async Task<Held> HoldNextAnswerAsync(IPage page, Func<string, bool> url)
    {
        var held = new Held(new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously), url);
        var taken = 0;
        await page.RouteAsync(url, async route =>
        {
            if (route.Request.Method != "GET" || Interlocked.Exchange(ref taken, 1) == 1)
            {
                await route.ContinueAsync();
                return;
            }
            var answer = await route.FetchAsync();
            held.Asked.SetResult();
            await held.Release.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await route.FulfillAsync(new() { Response = answer });
        });
        return held;
    }

    /// <summary>Hands the held answer over and waits until the page has it (then a moment for its scripts to take it).</summary>
    private static async Task ReleaseAsync(IPage page, Held held)
    {
        var finished = page.WaitForRequestFinishedAsync(new() { Predicate = r => r.Method == "GET" && held.Url(r.Url) });
        held.Release.SetResult();
        await finished;
        await page.EvaluateAsync("() => new Promise((resolve) => setTimeout(resolve, 100))");
    }

    private async Task<(Guid Lead, Guid Run)> BookedInstallAsync()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "WON", "Lena Spät", "Spät & Co");
        await using var host = await RunningHost.StartAsync(stack);
        // A day of its own far ahead (no other test's booking overlaps it), 09:00 in Berlin.
        var nine = DateTime.SpecifyKind(DateTime.UtcNow.Date.AddDays(Random.Shared.Next(30, 360)).AddHours(9), DateTimeKind.Unspecified);
        var starts = new DateTimeOffset(nine, Leitstand.Platform.BerlinTime.Zone.GetUtcOffset(nine));
        var response = await host.TeamClient.PostAsJsonAsync($"/api/leads/{lead}/install", new { starts_at = starts.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture) });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (lead, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
    }

    private static async Task<int> WaitForAsync(Func<Task<int>> probe)
    {
        var value = 0;
        for (var i = 0; i < 100 && (value = await probe()) == 0; i++) await Task.Delay(100);
        return value;
    }

    private static ILocator Item(IPage page, string title) =>
        page.Locator("[data-item]").Filter(new() { Has = page.Locator("strong", new() { HasTextString = title }) });
}
