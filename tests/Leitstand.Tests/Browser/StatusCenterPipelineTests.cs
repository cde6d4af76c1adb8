using System.Globalization;
using System.Text.Json;
using Leitstand.Platform;
using Leitstand.Tasks;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Browser;

/// <summary>
/// #/pipeline: a column per stage with the moves the database allows; a refused move shows its German reason at
/// the card; a prospect added and its first message logged. Each column shows the most recently moved leads
/// first, so a lead a test has just created is at the top of its column.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterPipelineTests(StackFixture stack)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static string Card(string stage, Guid lead) => $"[data-stage='{stage}'] [data-lead='{lead}']";

    private static async Task<string> TextAsync(StatusCenterSession session, string selector) =>
        (await session.Browser.EvaluateAsync($"document.querySelector({JsonSerializer.Serialize(selector)}).textContent")).GetString()!;

    private static Task SetValueAsync(StatusCenterSession session, string selector, string value) =>
        session.Browser.EvaluateAsync($$"""
            (() => { const el = document.querySelector({{JsonSerializer.Serialize(selector)}}); el.value = {{JsonSerializer.Serialize(value)}};
                     el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true })); })()
            """);

    [Fact]
    public async Task A_lead_moved_to_call_booked_shows_in_that_column_and_won_without_a_deal_shows_the_german_reason_at_its_card()
    {
        var name = $"Quirin Board {Guid.NewGuid():N}"[..22];
        var lead = await Crm.CreateLeadAsync(stack.Admin, "QUALIFIED", name, "Board GmbH");
        await using var session = await StatusCenterSession.StartAsync(stack);
        await session.Browser.SetViewportAsync(1280, 900);

        await session.SignInAsync("#/pipeline");
        await session.Browser.WaitForAsync($"!!document.querySelector(\"{Card("QUALIFIED", lead)}\")", Wait);
        var text = await TextAsync(session, Card("QUALIFIED", lead));
        Assert.Contains(name, text);
        Assert.Contains("Board GmbH", text);
        Assert.Contains("seit weniger als einer Stunde", text);
        Assert.Equal(["CALL_BOOKED", "LOST"], (await session.Browser.EvaluateAsync(
            $"[...document.querySelectorAll(\"{Card("QUALIFIED", lead)} [data-move]\")].map(b => b.dataset.move)")).EnumerateArray().Select(e => e.GetString()));

        // Call gebucht asks for the date and time of the call.
        await session.Browser.ClickAsync($"{Card("QUALIFIED", lead)} [data-move='CALL_BOOKED']");
        await session.Browser.WaitForAsync($"document.activeElement?.id === 'call_at-{lead}'", Wait);
        // Entered and shown as Berlin time, whatever the browser's zone.
        var callAt = TimeZoneInfo.ConvertTime(DateTime.UtcNow, BerlinTime.Zone).Date.AddDays(2).AddHours(14).AddMinutes(30);
        await SetValueAsync(session, $"#call_at-{lead}", callAt.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await session.Browser.ClickAsync($"{Card("QUALIFIED", lead)} [data-action='confirm']");
        await session.Browser.WaitForAsync($"!!document.querySelector(\"{Card("CALL_BOOKED", lead)}\")", Wait);
        Assert.Contains("Qualifiziert → Call gebucht", await TextAsync(session, "#meldung"));
        Assert.Equal("CALL_BOOKED", await Crm.ScalarAsync<string>(stack.Admin, "select stage::text from leads where id = @lead", new { lead }));
        Assert.Equal(TimeZoneInfo.ConvertTimeToUtc(callAt, BerlinTime.Zone), await Crm.ScalarAsync<DateTime>(stack.Admin, "select call_at from leads where id = @lead", new { lead }));
        Assert.Contains($"{callAt.ToString("dd.MM.", CultureInfo.InvariantCulture)}, 14:30", await TextAsync(session, Card("CALL_BOOKED", lead)));

        // Gewonnen is an allowed move, but the rule wants a deal: the database's reason shows at the card.
        await session.Browser.ClickAsync($"{Card("CALL_BOOKED", lead)} [data-move='WON']");
        await session.Browser.WaitForAsync($"document.querySelector('#pipeline-fehler-{lead}').textContent.includes('braucht der Lead einen Deal')", Wait);
        Assert.StartsWith("Für „Gewonnen“ braucht der Lead einen Deal", await TextAsync(session, $"#pipeline-fehler-{lead}"));
        Assert.Equal("alert", (await session.Browser.EvaluateAsync($"document.querySelector('#pipeline-fehler-{lead}').getAttribute('role')")).GetString());
        Assert.True((await session.Browser.EvaluateAsync($"document.querySelector(\"{Card("CALL_BOOKED", lead)}\").contains(document.querySelector('#pipeline-fehler-{lead}'))")).GetBoolean());
        Assert.Equal("CALL_BOOKED", await Crm.ScalarAsync<string>(stack.Admin, "select stage::text from leads where id = @lead", new { lead }));
        await session.ScreenshotAsync("pipeline");
        await session.AssertNoRequestLeftLocalhostAsync();
    }

    [Fact]
    public async Task A_prospect_added_on_the_board_shows_under_new_and_logging_its_first_message_moves_it_to_contacted()
    {
        var name = $"Nora Neu {Guid.NewGuid():N}"[..20];
        var email = $"board-{Guid.NewGuid():N}@example.de";
        await using var session = await StatusCenterSession.StartAsync(stack);
        await session.SignInAsync("#/pipeline");
        await session.Browser.WaitForAsync("document.querySelectorAll('#pipeline [data-stage]').length === 7", Wait);

        await session.Browser.ClickAsync("#interessent summary");
        await session.Browser.TypeAsync("#neu-name", name);
        await session.Browser.TypeAsync("#neu-email", email);
        await session.Browser.TypeAsync("#neu-source", "empfehlung-board");
        await SetValueAsync(session, "#neu-contact_basis", "referral");
        await session.Browser.ClickAsync("#interessent-senden");
        await session.Browser.WaitForAsync("document.querySelector('#meldung').textContent.startsWith('Angelegt')", Wait);
        var lead = await Crm.ScalarAsync<Guid>(stack.Admin, "select id from leads where email = @email", new { email });
        await session.Browser.WaitForAsync($"!!document.querySelector(\"{Card("NEW", lead)}\")", Wait);
        Assert.Contains(name, await TextAsync(session, Card("NEW", lead)));
        Assert.Contains("empfehlung-board", await TextAsync(session, Card("NEW", lead)));
        Assert.Equal("referral", await Crm.ScalarAsync<string>(stack.Admin, "select contact_basis::text from leads where id = @lead", new { lead }));

        await session.Browser.ClickAsync($"{Card("NEW", lead)} details.contact summary");
        await session.Browser.WaitForAsync($"!!document.querySelector(\"#kontakt-notiz-{lead} option[value='first_message_sent']\")", Wait);
        await SetValueAsync(session, $"#kontakt-kanal-{lead}", "dm");
        await SetValueAsync(session, $"#kontakt-notiz-{lead}", "first_message_sent");
        await session.Browser.ClickAsync($"{Card("NEW", lead)} [data-action='log']");
        await session.Browser.WaitForAsync($"!!document.querySelector(\"{Card("CONTACTED", lead)}\")", Wait);

        Assert.Contains("Neu → Kontaktiert", await TextAsync(session, "#meldung"));
        Assert.Equal("CONTACTED", await Crm.ScalarAsync<string>(stack.Admin, "select stage::text from leads where id = @lead", new { lead }));
        Assert.Equal(1, await Crm.ScalarAsync<int>(stack.Admin,
            "select count(*)::int from lead_touchpoints where lead_id = @lead and note_code = 'first_message_sent' and direction = 'OUTBOUND' and kind = 'dm'", new { lead }));
        await session.AssertNoRequestLeftLocalhostAsync();
    }

    [Fact]
    public async Task A_prospect_without_email_or_handle_shows_the_german_reason_at_the_fields_and_nothing_is_added()
    {
        var name = $"Otto Ohne {Guid.NewGuid():N}"[..20];
        await using var session = await StatusCenterSession.StartAsync(stack);
        await session.SignInAsync("#/pipeline");
        await session.Browser.WaitForAsync("document.querySelectorAll('#pipeline [data-stage]').length === 7", Wait);

        await session.Browser.ClickAsync("#interessent summary");
        await session.Browser.TypeAsync("#neu-name", name);
        await session.Browser.ClickAsync("#interessent-senden");

        await session.Browser.WaitForAsync("document.querySelector('#neu-email-fehler').textContent.includes('E-Mail-Adresse oder einen Handle')", Wait);
        Assert.Equal("true", (await session.Browser.EvaluateAsync("document.querySelector('#neu-email').getAttribute('aria-invalid')")).GetString());
        Assert.Equal("neu-email", (await session.Browser.EvaluateAsync("document.activeElement.id")).GetString());
        Assert.Equal(0, await Crm.ScalarAsync<int>(stack.Admin, "select count(*)::int from leads where name = @name", new { name }));
    }

    [Fact]
    public async Task On_a_phone_the_columns_scroll_sideways_and_the_page_itself_does_not()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "NEW", $"Tim Telefon {Guid.NewGuid():N}"[..20]);
        await using var session = await StatusCenterSession.StartAsync(stack);
        await session.Browser.SetViewportAsync(390, 844, mobile: true);

        await session.SignInAsync("#/pipeline");
        await session.Browser.WaitForAsync($"!!document.querySelector(\"{Card("NEW", lead)}\")", Wait);

        var layout = await session.Browser.EvaluateAsync("""
            (() => { const b = document.querySelector('#pipeline'); const c = b.querySelector('[data-stage]').getBoundingClientRect();
                     return { board: b.scrollWidth > b.clientWidth, page: document.documentElement.scrollWidth, column: c.width }; })()
            """);
        Assert.True(layout.GetProperty("board").GetBoolean(), "the board does not scroll sideways");
        Assert.True(layout.GetProperty("page").GetDouble() <= 390, $"the page is {layout.GetProperty("page").GetDouble()} px wide");
        Assert.InRange(layout.GetProperty("column").GetDouble(), 250, 390);
        await session.ScreenshotAsync("pipeline-telefon");
    }
}
