using System.Net;
using Dapper;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Fulfilment;

/// <summary>
/// "Abschicken" on the customer's page: every field checked with a German message at the field (the answers stay a
/// draft); a complete questionnaire is locked, shown read-only with thanks, and tells the team through the alert
/// "Onboarding ausgefüllt" without personal data; a crash while submitting loses no saved draft.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class SubmitOnboardingTests(StackFixture stack) : OnboardingTestBase(stack)
{
    [Fact]
    public async Task Missing_and_bad_fields_get_their_message_at_the_field_and_the_answers_stay_a_draft()
    {
        var (lead, path) = await WonLeadWithLinkAsync();
        var form = CompleteForm();
        form.Remove("goals.change");
        form["workflows.1.frequency.schedule"] = "0 25 * * *";
        form["workflows.2.frequency.schedule"] = "*/5 * * * *"; // and an interval: not both
        form.Remove("workflows.3.frequency.interval_value");
        form["channels.crm.rights"] = "act"; // without its tool
        form["install.date_1"] = "2020-01-01";
        form["devices.os"] = "amiga";
        form["contact.phone"] = "ruf mich an";
        form["workflows.1.name"] = new string('n', 81);

        var html = await HtmlAsync(await PostFormAsync(path, form, "submit"), HttpStatusCode.UnprocessableEntity);

        Assert.Equal("Bitte ausfüllen.", ErrorAt(html, "f-goals-change"));
        Assert.StartsWith("Dieser Zeitplan ist kein gültiger Cron-Ausdruck", ErrorAt(html, "f-workflows-1-frequency"));
        Assert.Equal("Bitte entweder einen Zeitplan oder ein Intervall angeben, nicht beides.", ErrorAt(html, "f-workflows-2-frequency"));
        Assert.Equal("Bitte einen Zeitplan oder ein Intervall angeben.", ErrorAt(html, "f-workflows-3-frequency"));
        Assert.Equal("Bitte das Tool oder den Anbieter nennen, wenn der Agent diesen Kanal nutzen soll.", ErrorAt(html, "f-channels-crm-tool"));
        Assert.Equal("Bitte einen Tag nach heute wählen.", ErrorAt(html, "f-install-date-1"));
        Assert.Equal("Bitte eine der angebotenen Möglichkeiten wählen.", ErrorAt(html, "f-devices-os"));
        Assert.Equal("Bitte eine Telefonnummer mit Ziffern angeben, z. B. +49 30 1234567.", ErrorAt(html, "f-contact-phone"));
        Assert.Equal("Bitte höchstens 80 Zeichen (jetzt 81).", ErrorAt(html, "f-workflows-1-name"));
        Assert.Contains("Bitte prüfe 9 Angaben", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#f-goals-change\">", html, StringComparison.Ordinal);
        Assert.Contains("Noch nicht abgeschickt", html, StringComparison.Ordinal);
        Assert.Equal("draft", await StateAsync(lead));
        Assert.Equal("Gmail", (await AnswersAsync(lead)).GetProperty("channels")[0].GetProperty("tool").GetString());
        Assert.Equal(0, await AlertCountAsync(lead));
    }

    [Fact]
    public async Task No_channel_at_all_is_an_error_of_the_channels()
    {
        var (_, path) = await WonLeadWithLinkAsync();
        var form = CompleteForm();
        form["channels.email.rights"] = "none";
        form["channels.calendar.rights"] = "none";

        var html = await HtmlAsync(await PostFormAsync(path, form, "submit"), HttpStatusCode.UnprocessableEntity);

        Assert.Equal("Bitte mindestens einen Kanal wählen, den der Agent nutzen darf.", ErrorAt(html, "f-channels"));
    }

    [Fact]
    public async Task A_complete_questionnaire_is_locked_shown_read_only_and_alerts_the_team_without_personal_data()
    {
        var (lead, path) = await WonLeadWithLinkAsync("Klara Kundin");

        var response = await PostFormAsync(path, CompleteForm(), "submit");

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal(path, response.Headers.Location?.OriginalString);
        Assert.Equal("submitted", await StateAsync(lead));
        var answers = await AnswersAsync(lead);
        var workflows = answers.GetProperty("workflows").EnumerateArray().ToList();
        Assert.Equal(3, workflows.Count);
        Assert.Equal(("0 8 * * 1-5", "Das Senden"), (workflows[0].GetProperty("schedule").GetString(), workflows[0].GetProperty("approval").GetString()));
        Assert.Equal(("PT30M", "P1D"), (workflows[1].GetProperty("interval").GetString(), workflows[2].GetProperty("interval").GetString()));
        Assert.All(workflows, w => Assert.False(string.IsNullOrEmpty(w.GetProperty("name").GetString())));
        Assert.Equal(["send_email", "payments", "deletions"],
            answers.GetProperty("approval_rules").GetProperty("always").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(("email", "Gmail", "draft"), (answers.GetProperty("channels")[0].GetProperty("channel").GetString(),
            answers.GetProperty("channels")[0].GetProperty("tool").GetString(), answers.GetProperty("channels")[0].GetProperty("rights").GetString()));

        var page = await PageAsync(path);
        Assert.Contains("Danke! Deine Antworten sind angekommen", page, StringComparison.Ordinal);
        Assert.Contains("id=\"naechste-schritte\"", page, StringComparison.Ordinal);
        Assert.Contains("Zeitplan 0 8 * * 1-5 (Berliner Zeit)", page, StringComparison.Ordinal);
        Assert.Contains("alle 30 Minuten", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", page, StringComparison.Ordinal);

        await using var connection = await Stack.Admin.OpenConnectionAsync();
        var alert = await connection.QuerySingleAsync<(string Kind, string Severity, string Title, string Body, string Link)>(
            "select kind, severity::text, title, body, link from alerts where subject_id = @lead", new { lead });
        Assert.Equal(("onboarding_submitted", "info", "Onboarding ausgefüllt", $"#/leads/{lead}"), (alert.Kind, alert.Severity, alert.Title, alert.Link));
        Assert.DoesNotContain("Klara", alert.Title + alert.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("kundin.de", alert.Title + alert.Body, StringComparison.Ordinal);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>(
            "select count(*)::int from outbox_messages where queue = @queue and payload::text like '%' || @lead || '%'", new { queue = Host.AlertsQueue, lead = lead.ToString() }));
    }

    [Fact]
    public async Task A_submitted_version_is_locked_against_further_posts()
    {
        var (lead, path) = await WonLeadWithLinkAsync();
        Assert.Equal(HttpStatusCode.SeeOther, (await PostFormAsync(path, CompleteForm(), "submit")).StatusCode);
        var form = CompleteForm();
        form["goals.change"] = "Etwas ganz anderes";

        var draft = await HtmlAsync(await PostFormAsync(path, form, "draft"), HttpStatusCode.Conflict);
        var again = await HtmlAsync(await PostFormAsync(path, form, "submit"), HttpStatusCode.Conflict);

        Assert.Contains("es wurde nichts geändert", draft, StringComparison.Ordinal);
        Assert.Contains("es wurde nichts geändert", again, StringComparison.Ordinal);
        Assert.Equal(CompleteForm()["goals.change"], (await AnswersAsync(lead)).GetProperty("goals").GetProperty("change").GetString());
        Assert.Equal(1, await AlertCountAsync(lead));
        // The database holds the lock too: submitted answers do not change without reopening.
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => Crm.ScalarAsync<int>(Stack.Admin,
            "update onboarding_answers set answers = '{}' where lead_id = @lead returning 1", new { lead }));
    }

    [Fact]
    public async Task A_crash_while_submitting_loses_no_saved_draft()
    {
        var (lead, path) = await WonLeadWithLinkAsync();
        var form = CompleteForm();
        // The alert insert fails for this lead only: the crash comes after the draft was saved, inside the locking transaction.
        var trigger = $"onboarding_crash_{lead:N}";
        await using (var connection = await Stack.Admin.OpenConnectionAsync())
        {
            await connection.ExecuteAsync($"""
                create function public.{trigger}() returns trigger language plpgsql as $$
                begin raise exception 'simulated crash'; end $$;
                create trigger {trigger} before insert on public.alerts for each row
                  when (new.subject_id = '{lead}') execute function public.{trigger}();
                """);
        }
        try
        {
            var response = await PostFormAsync(path, form, "submit");
            Assert.True((int)response.StatusCode >= 500, $"expected the crash, got {response.StatusCode}");
        }
        finally
        {
            await using var connection = await Stack.Admin.OpenConnectionAsync();
            await connection.ExecuteAsync($"drop trigger {trigger} on public.alerts; drop function public.{trigger}();");
        }

        Assert.Equal("draft", await StateAsync(lead));
        Assert.Equal(form["goals.change"], (await AnswersAsync(lead)).GetProperty("goals").GetProperty("change").GetString());
        Assert.Equal(0, await AlertCountAsync(lead));
        Assert.Equal(HttpStatusCode.SeeOther, (await PostFormAsync(path, form, "submit")).StatusCode);
        Assert.Equal("submitted", await StateAsync(lead));
    }

    private Task<int> AlertCountAsync(Guid lead) =>
        Crm.ScalarAsync<int>(Stack.Admin, "select count(*)::int from alerts where subject_id = @lead and kind = 'onboarding_submitted'", new { lead });
}
