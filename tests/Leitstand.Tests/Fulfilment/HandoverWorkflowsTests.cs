using System.Text.Json;
using Leitstand.Fulfilment;

namespace Leitstand.Tests.Fulfilment;

/// <summary>The workflows of onboarding answers as the handover summary shows them: name, schedule or interval, approval.</summary>
public sealed class HandoverWorkflowsTests
{
    [Fact]
    public void Onboarding_workflows_give_name_schedule_and_approval_and_unreadable_entries_are_left_out()
    {
        using var answers = JsonDocument.Parse("""
            [{"name": "Rechnungen vorsortieren", "schedule": "0 8 * * 1-5", "approval": "Nur Entwürfe, Versand mit OK."},
             {"name": " ", "interval": "PT1H"},
             {"name": "Termine bestätigen", "interval": "30 Minuten", "approval": true}]
            """);

        var workflows = HandoverWorkflow.FromOnboarding(answers.RootElement);

        Assert.Equal([
            new HandoverWorkflow(1, "Rechnungen vorsortieren", "nach Zeitplan 0 8 * * 1-5 (Berliner Zeit)", "Nur Entwürfe, Versand mit OK."),
            new HandoverWorkflow(3, "Termine bestätigen", "alle 30 Minuten", "Jeder Lauf braucht dein OK."),
        ], workflows);
    }

    [Fact]
    public void The_summary_shows_the_onboardings_approval_beside_the_run_and_escapes_it()
    {
        var run = new InstallRun(Guid.NewGuid(), Guid.NewGuid(), "Lena", "Firma <b>", Guid.NewGuid(), "Tom", 1, "finished", DateTime.UtcNow, DateTime.UtcNow.AddHours(5),
            "", "", "Montag, 7. Dezember 2026, 10:00–15:00 Uhr", DateTime.UtcNow, [],
            [new InstallItem(Guid.NewGuid(), 3, "Drei Kern-Workflows", 9, "Kern-Workflow 1", null, "workflow", 1, false, DateTime.UtcNow, DateTime.UtcNow, "", "done",
                false, DateTime.UtcNow, "", "x", "Tom", null)]);

        var html = HandoverSummary.From(run, ["Agent"], [new HandoverWorkflow(1, "Rechnungen", null, "Versand nur mit <OK>")], "Anhalten: …", "Frag {installer}.").Render();

        Assert.Contains("Übergabe für Firma &lt;b&gt;", html);
        Assert.Contains("<strong>Rechnungen</strong><br>Freigabe: Versand nur mit &lt;OK&gt;", html);
        Assert.Contains("Frag Tom.", html);
        Assert.DoesNotContain("Vorläufig", html);
    }
}
