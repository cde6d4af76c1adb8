using Dapper;
using Leitstand.Monitoring;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Browser;

/// <summary>The status center on a phone (390×844, touch) and by keyboard alone.</summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterPhoneAndKeyboardTests(StackFixture stack)
{
    /// <summary>
    /// Elements reaching past the viewport's width, except inside a deliberately scrolling area (overflow-x auto,
    /// scroll or hidden: the pipeline's columns, the funnel table, the trend chart) and the skip link parked off screen until focused.
    /// </summary>
    private const string Overflowing = """
        (() => {
          const width = document.documentElement.clientWidth;
          const inScroller = (el) => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement)
            if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) return true; return false; };
          const bad = [...document.querySelectorAll('body *')].filter((el) => {
            const r = el.getBoundingClientRect();
            return r.width > 0 && r.height > 0 && (r.right > width + 1 || r.left < -1) && !inScroller(el) && !el.closest('.skip-link');
          }).map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''} (${Math.round(el.getBoundingClientRect().right)}px)`);
          if (document.documentElement.scrollWidth > width) bad.unshift(`page ${document.documentElement.scrollWidth}px > ${width}px`);
          return bad.slice(0, 10).join(', ');
        })()
        """;

    [Fact]
    public async Task On_a_phone_no_view_overflows_sideways()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "NEW", "Paula Telefon-Mit-Einem-Sehr-Langen-Doppelnamen");
        await Crm.ScalarAsync<Guid>(stack.Admin, """
            insert into tasks (lead_id, kind, rule, title, details, due_at, priority, playbook_key, playbook_step)
            values (@lead, 'first_contact', 'first_contact', 'Erstkontakt: Paula Telefon-Mit-Einem-Sehr-Langen-Doppelnamen',
                    'Persönlich antworten: auf ihren letzten Post eingehen, eine konkrete Frage stellen, kein Pitch.', now() - interval '2 days', 'high',
                    'followup_sequence', 1) returning id
            """, new { lead });
        await SeedAgentWithIncidentAsync();
        await using var session = await StatusCenterSession.StartAsync(stack);
        await session.Browser.EmulatePhoneAsync();

        await session.SignInAsync();
        await session.Browser.WaitForAsync("document.querySelector('#aufgaben').getAttribute('aria-busy') === 'false' && document.querySelectorAll('#aufgaben [data-task]').length > 0", TimeSpan.FromSeconds(10));
        await AssertNothingOverflowsAsync(session);
        Assert.Equal(390, (await session.Browser.EvaluateAsync("window.innerWidth")).GetInt32());
        Assert.True((await session.Browser.EvaluateAsync("navigator.maxTouchPoints > 0")).GetBoolean());
        await session.ScreenshotAsync("heute-telefon");

        await session.Browser.ClickAsync("#nav a[href='#/pipeline']");
        await session.Browser.WaitForAsync("document.querySelectorAll('#pipeline [data-stage]').length === 7", TimeSpan.FromSeconds(10));
        await AssertNothingOverflowsAsync(session);
        await session.ScreenshotAsync("pipeline-telefon");

        await session.Browser.ClickAsync("#nav a[href='#/zahlen']");
        await session.Browser.WaitForAsync("document.querySelectorAll('#kennzahlen li').length === 5 && !!document.querySelector('#trend canvas') && !!document.querySelector('#funnel')", TimeSpan.FromSeconds(10));
        await AssertNothingOverflowsAsync(session);
        await session.ScreenshotAsync("zahlen-telefon");

        await session.Browser.ClickAsync("#nav a[href='#/agenten']");
        await session.Browser.WaitForAsync("document.querySelector('#agenten').getAttribute('aria-busy') === 'false' && !!document.querySelector('#agenten [data-incident]')"
            + " && document.querySelector('#zustellfehler').getAttribute('aria-busy') === 'false'", TimeSpan.FromSeconds(10));
        await AssertNothingOverflowsAsync(session);
        await session.ScreenshotAsync("agenten-telefon");

        await session.Browser.ClickAsync("#sign-out");
        await session.Browser.WaitForAsync("!!document.querySelector('#anmelden')", TimeSpan.FromSeconds(5));
        await AssertNothingOverflowsAsync(session);
        await session.ScreenshotAsync("anmelden-telefon");
        await session.AssertNoRequestLeftLocalhostAsync();
    }

    [Fact]
    public async Task Signing_in_completing_a_first_contact_and_stepping_back_a_week_work_with_the_keyboard_alone()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "NEW", "Konrad Tastatur");
        var task = await Crm.ScalarAsync<Guid>(stack.Admin, """
            insert into tasks (lead_id, kind, rule, title, due_at, priority)
            values (@lead, 'first_contact', 'first_contact', 'Erstkontakt: Konrad Tastatur', now() - interval '30 days', 'high') returning id
            """, new { lead });
        await using var session = await StatusCenterSession.StartAsync(stack);
        var browser = session.Browser;

        await browser.NavigateAsync(session.Page + "#/heute");
        await browser.WaitForAsync("!!document.querySelector('#anmelden')", TimeSpan.FromSeconds(10));
        await browser.TabToAsync("#email");
        await browser.TypeAsync("#email", $"tastatur-{Guid.NewGuid():N}@example.de");
        await browser.PressAsync("Enter");
        await browser.WaitForAsync($"!!document.querySelector(\"#aufgaben [data-task='{task}']\")", TimeSpan.FromSeconds(10));

        // Channel by arrow key (first option after the placeholder: Direktnachricht), then the Erledigt button.
        await browser.TabToAsync($"#kanal-{task}");
        await browser.PressAsync("ArrowDown");
        Assert.Equal("dm", (await browser.EvaluateAsync($"document.querySelector('#kanal-{task}').value")).GetString());
        await browser.TabToAsync($"[data-task='{task}'] [data-action='done']");
        await browser.PressAsync("Enter");
        await browser.WaitForAsync($"!document.querySelector(\"#aufgaben [data-task='{task}']\")", TimeSpan.FromSeconds(10));
        Assert.Equal("CONTACTED", await Crm.ScalarAsync<string>(stack.Admin, "select stage::text from leads where id = @lead", new { lead }));

        // The skip link, then the navigation, then the period picker: all by Tab and Enter.
        await browser.EvaluateAsync("document.activeElement.blur(); window.scrollTo(0, 0)");
        await browser.TabToAsync(".skip-link");
        await browser.TabToAsync("#nav a[href='#/zahlen']");
        await browser.PressAsync("Enter");
        await browser.WaitForAsync("document.querySelectorAll('#kennzahlen li').length === 5", TimeSpan.FromSeconds(10));
        var running = (await browser.EvaluateAsync("document.querySelector('#zeitraum').dataset.key")).GetString();
        await browser.TabToAsync("#zeitraum-zurueck");
        await browser.PressAsync("Enter");
        await browser.WaitForAsync($"document.querySelector('#zeitraum').dataset.key !== '{running}' && document.querySelector('#zahlen-inhalt').getAttribute('aria-busy') === 'false'", TimeSpan.FromSeconds(10));
        await session.AssertNoRequestLeftLocalhostAsync();
    }

    private static async Task AssertNothingOverflowsAsync(StatusCenterSession session)
    {
        var bad = (await session.Browser.EvaluateAsync(Overflowing)).GetString();
        var view = (await session.Browser.EvaluateAsync("location.hash")).GetString();
        Assert.True(string.IsNullOrEmpty(bad), $"{view}: wider than the phone: {bad}");
        var text = (await session.Browser.EvaluateAsync("document.querySelector('main').innerText")).GetString()!;
        Assert.DoesNotMatch(@"\b(null|undefined|NaN)\b", text);
    }

    private async Task SeedAgentWithIncidentAsync()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin);
        var key = AgentKeys.Generate();
        await using var connection = await stack.Admin.OpenConnectionAsync();
        var agent = await connection.ExecuteScalarAsync<Guid>("""
            insert into agents (lead_id, name, key_hash, key_prefix, expected_interval, grace_period, last_heartbeat_at, agent_version)
            values (@lead, 'Agent Telefon mit einem langen Namen für die Karte', @hash, @prefix, interval '5 minutes', interval '10 minutes', now() - interval '1 minute', '2.3.4')
            returning id
            """, new { lead, hash = key.Hash, prefix = key.DisplayPrefix });
        await connection.ExecuteAsync("""
            insert into incidents (agent_id, error_class, severity, opened_at, last_seen_at, last_error_code)
            values (@agent, 'upstream_down', 'critical', now() - interval '2 minutes', now() - interval '1 minute', 'E_BROWSER')
            """, new { agent });
    }
}
