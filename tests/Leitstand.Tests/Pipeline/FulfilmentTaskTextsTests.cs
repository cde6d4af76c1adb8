using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Pipeline;

/// <summary>
/// The tasks made at WON point to the real places of issue 19: the questionnaire link in the lead view, booking the
/// install there, ticking the install run (which also shows whether the access data are complete), and a safety
/// baseline that is never skipped.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class FulfilmentTaskTextsTests(StackFixture stack)
{
    private Task<string> TextAsync(string playbook, int step) =>
        Crm.ScalarAsync<string>(stack.Admin, "select title || E'\\n' || body from playbook_steps where playbook_key = @playbook and step = @step", new { playbook, step });

    [Fact]
    public async Task The_onboarding_tasks_send_the_questionnaire_link_and_book_the_install_in_the_lead_view()
    {
        var questionnaire = await TextAsync("onboarding", 2);
        var access = await TextAsync("onboarding", 3);
        var booking = await TextAsync("onboarding", 4);

        Assert.Contains("Abschnitt „Onboarding“: „Link erstellen“", questionnaire);
        Assert.Contains("„Zur Bearbeitung öffnen“", questionnaire);
        Assert.DoesNotContain("docs/vorlagen/onboarding.md", questionnaire);
        Assert.DoesNotContain("Zugänge vollständig ja/nein", access);
        Assert.Contains("zeigt die Installation", access);
        Assert.Contains("„Installation buchen“", booking);
    }

    [Fact]
    public async Task The_install_tasks_point_to_the_install_run_and_the_baseline_step_cannot_be_skipped()
    {
        Assert.Contains("#/installs/<id>", await TextAsync("install_checklist", 1));
        Assert.Contains("„nicht anwendbar“ mit Grund", await TextAsync("install_checklist", 5));
        Assert.Contains("beim ersten Heartbeat selbst ab", await TextAsync("install_checklist", 6));
        Assert.Contains("„Übergabe-Übersicht herunterladen“", await TextAsync("install_checklist", 7));
        Assert.Equal(["install_checklist/5"], (await Crm.ScalarAsync<string[]>(stack.Admin,
            "select coalesce(array_agg(playbook_key || '/' || step order by playbook_key, step), '{}') from playbook_steps where not skippable")));
    }
}
