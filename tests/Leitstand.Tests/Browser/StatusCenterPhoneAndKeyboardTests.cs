using Dapper;
using Leitstand.Monitoring;
using Leitstand.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>The status center on a phone (390×844, touch) and by keyboard alone.</summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterPhoneAndKeyboardTests(StackFixture stack, Chromium chromium)
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
        await using var session = await StatusCenterSession.StartAsync(stack, chromium, Chromium.Phone);
        var page = session.Page;

        await session.SignInAsync();
        await Expect(page.Locator("#aufgaben")).ToHaveAttributeAsync("aria-busy", "false");
        await Expect(page.Locator("#aufgaben [data-task]").First).ToBeAttachedAsync();
        await AssertNothingOverflowsAsync(page);
        Assert.Equal(390, await page.EvaluateAsync<int>("window.innerWidth"));
        Assert.True(await page.EvaluateAsync<bool>("navigator.maxTouchPoints > 0"));
        await session.ScreenshotAsync("heute-telefon");

        await page.ClickAsync("#nav a[href='#/pipeline']");
        await Expect(page.Locator("#pipeline [data-stage]")).ToHaveCountAsync(7);
        await AssertNothingOverflowsAsync(page);
        await session.ScreenshotAsync("pipeline-telefon");

        await page.ClickAsync("#nav a[href='#/zahlen']");
        await Expect(page.Locator("#kennzahlen li")).ToHaveCountAsync(5);
        await Expect(page.Locator("#trend canvas")).ToBeAttachedAsync();
        await Expect(page.Locator("#funnel")).ToBeAttachedAsync();
        await AssertNothingOverflowsAsync(page);
        await session.ScreenshotAsync("zahlen-telefon");

        await page.ClickAsync("#nav a[href='#/agenten']");
        await Expect(page.Locator("#agenten")).ToHaveAttributeAsync("aria-busy", "false");
        await Expect(page.Locator("#agenten [data-incident]").First).ToBeAttachedAsync();
        await Expect(page.Locator("#zustellfehler")).ToHaveAttributeAsync("aria-busy", "false");
        await AssertNothingOverflowsAsync(page);
        await session.ScreenshotAsync("agenten-telefon");

        await page.ClickAsync("#sign-out");
        await Expect(page.Locator("#anmelden")).ToBeAttachedAsync();
        await AssertNothingOverflowsAsync(page);
        await session.ScreenshotAsync("anmelden-telefon");
        session.AssertNoRequestLeftLocalhost();
    }

    [Fact]
    public async Task Signing_in_completing_a_first_contact_and_stepping_back_a_week_work_with_the_keyboard_alone()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "NEW", "Konrad Tastatur");
        var task = await Crm.ScalarAsync<Guid>(stack.Admin, """
            insert into tasks (lead_id, kind, rule, title, due_at, priority)
            values (@lead, 'first_contact', 'first_contact', 'Erstkontakt: Konrad Tastatur', now() - interval '30 days', 'high') returning id
            """, new { lead });
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;

        await page.GotoAsync(session.Url + "#/heute");
        await Expect(page.Locator("#anmelden")).ToBeAttachedAsync();
        await page.TabToAsync("#email");
        await page.Keyboard.TypeAsync($"tastatur-{Guid.NewGuid():N}@example.de");
        await page.Keyboard.PressAsync("Enter");
        var card = page.Locator($"#aufgaben [data-task='{task}']");
        await Expect(card).ToBeAttachedAsync();

        // Channel by arrow key (first option after the placeholder: Direktnachricht), then the Erledigt button.
        await page.TabToAsync($"#kanal-{task}");
        await page.Keyboard.PressAsync("ArrowDown");
        Assert.Equal("dm", await page.Locator($"#kanal-{task}").InputValueAsync());
        await page.TabToAsync($"[data-task='{task}'] [data-action='done']");
        await page.Keyboard.PressAsync("Enter");
        await Expect(card).Not.ToBeAttachedAsync();
        Assert.Equal("CONTACTED", await Crm.ScalarAsync<string>(stack.Admin, "select stage::text from leads where id = @lead", new { lead }));

        // The skip link, then the navigation, then the period picker: all by Tab and Enter.
        await page.EvaluateAsync("document.activeElement.blur(); window.scrollTo(0, 0)");
        await page.TabToAsync(".skip-link");
        await page.TabToAsync("#nav a[href='#/zahlen']");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#kennzahlen li")).ToHaveCountAsync(5);
        var running = (await page.Locator("#zeitraum").GetAttributeAsync("data-key"))!;
        await page.TabToAsync("#zeitraum-zurueck");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#zeitraum")).Not.ToHaveAttributeAsync("data-key", running);
        await Expect(page.Locator("#zahlen-inhalt")).ToHaveAttributeAsync("aria-busy", "false");
        session.AssertNoRequestLeftLocalhost();
    }

    [Fact]
    public async Task On_a_phone_a_toast_never_takes_the_tap_meant_for_the_button_it_covers()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "NEW", "Toni Toast");
        await using var session = await StatusCenterSession.StartAsync(stack, chromium, Chromium.Phone);
        var page = session.Page;
        await session.SignInAsync($"#/leads/{lead}");
        await Expect(page.Locator("#lead-name")).ToHaveTextAsync("Toni Toast");

        // A toast (as after saving) over the bottom of the screen; the page scrolled so that a move button lies under its
        // middle. The button notes the tap (and keeps it to itself: nothing moves).
        var at = await page.EvaluateAsync<float[]>("""
            () => {
              const toast = document.getElementById('meldung');
              toast.textContent = 'Kontaktdaten gespeichert: Toni Toast.';
              document.getElementById('inhalt').prepend(Object.assign(document.createElement('div'), { style: 'height: 1000px' })); // room to scroll
              const middle = (r) => r.left + r.width / 2;
              const button = [...document.querySelectorAll('#stufe [data-move]')].find((b) => {
                const r = b.getBoundingClientRect();
                return r.left < middle(toast.getBoundingClientRect()) && r.right > middle(toast.getBoundingClientRect());
              });
              window.scrollBy({ top: button.getBoundingClientRect().top - toast.getBoundingClientRect().top, behavior: 'instant' });
              button.addEventListener('click', (e) => { window.tapped = button.dataset.move; e.stopImmediatePropagation(); }, { capture: true, once: true });
              const b = button.getBoundingClientRect(), t = toast.getBoundingClientRect();
              const [x, y] = [middle(t), Math.max(b.top, t.top) + Math.min(b.height, t.height) / 2];
              return [x, y, x > b.left && x < b.right && y > b.top && y < b.bottom && y > t.top && y < t.bottom ? 1 : 0];
            }
            """);
        Assert.True(at[2] == 1, $"the toast does not cover the button at {at[0]}, {at[1]}");

        await page.Touchscreen.TapAsync(at[0], at[1]);
        await page.WaitForFunctionAsync("() => !!window.tapped");
        Assert.Equal("NEW", await Crm.ScalarAsync<string>(stack.Admin, "select stage::text from leads where id = @lead", new { lead }));
    }

    internal static async Task AssertNothingOverflowsAsync(IPage page)
    {
        var bad = await page.EvaluateAsync<string>(Overflowing);
        var view = await page.EvaluateAsync<string>("location.hash");
        Assert.True(string.IsNullOrEmpty(bad), $"{view}: wider than the phone: {bad}");
        var text = await page.Locator("main").InnerTextAsync();
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
