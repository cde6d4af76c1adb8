using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;
using Leitstand.Tests.Leads;

namespace Leitstand.Tests.Privacy;

/// <summary>
/// The personal-data scan (issue 21): scripts/pii-scan.mjs finds a seeded name, e-mail, phone or handle in what the
/// run produced and fails; the capture (<see cref="PiiCapture"/>) records what a test host produces.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class PersonalDataScanTests(StackFixture stack) : ProspectTestBase(stack), IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pii-scan-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private void Seed(params object[] leads) =>
        File.WriteAllLines(Path.Combine(_directory, "seeded-1.jsonl"), leads.Select(l => JsonSerializer.Serialize(l)));

    private void Produce(params string[] lines) => File.WriteAllLines(Path.Combine(_directory, "produced-1.tsv"), lines);

    private async Task<(int Exit, string Output)> ScanAsync(params string[] allowlist)
    {
        var allowFile = Path.Combine(_directory, "allowlist.txt");
        File.WriteAllLines(allowFile, ["# test", .. allowlist]);
        var start = new ProcessStartInfo("node", [Path.Combine(RepoPaths.Root, "scripts", "pii-scan.mjs"), _directory, "--allowlist", allowFile])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    [Fact]
    public async Task A_planted_name_email_phone_or_handle_fails_the_scan_and_names_the_source()
    {
        Seed(new { name = "Paula Pflanz", email = "paula.pflanz@example.de", phone = "+49 30 5551234", handle = (string?)null },
            new { name = "Kai Keim", email = (string?)null, phone = (string?)null, handle = "kai.keim" },
            new { name = "Jörg Jäger", email = (string?)null, phone = (string?)null, handle = (string?)null });
        Produce("log:Leitstand.Alerts\tAlert sent for Paula Pflanz",
            "queue:alerts-0123456789\t{\"to\":\"PAULA.PFLANZ@example.de\"}",
            "smtp\tRückruf unter 030 5551234",
            "http:/hooks/slack\tNeu: @kai.keim",
            "queue:lead-captured-0123456789\t{\"text\":\"J\\u00f6rg J\\u00E4ger\"}",
            "log:Leitstand.Leads\tLead 7c0e captured (no personal data)");

        var (exit, output) = await ScanAsync();

        Assert.Equal(1, exit);
        Assert.Contains("log:Leitstand.Alerts | Name", output);
        Assert.Contains("queue:alerts-… | E-Mail", output);
        Assert.Contains("smtp | Telefon", output);
        Assert.Contains("http (Kanal) | Handle", output);
        Assert.Contains("queue:lead-captured-… | Name", output); // "Jörg Jäger" behind JSON escapes
        Assert.DoesNotContain("Leitstand.Leads", output);
    }

    [Fact]
    public async Task Without_a_hit_the_scan_passes_and_a_word_inside_another_is_no_hit()
    {
        Seed(new { name = "Anna Berg", email = "anna.berg@example.de", phone = "+49 30 5559876", handle = "anna.berg" });
        Produce("log:Leitstand.Tasks\tHeute: 3 Aufgaben – 1 überfällig", "log:x\tJohanna Bergmann und Hanna Bergen, anna.bergmann@example.de",
            "log:y\tRequest 2026-12-07 16:00 took 5559876 ticks for @anna.berger");

        var (exit, output) = await ScanAsync();
        Assert.Equal(0, exit);
        Assert.Contains("keine Treffer", output);
    }

    [Fact]
    public async Task A_hit_from_a_source_on_the_allowlist_is_reported_as_known_and_does_not_fail()
    {
        Seed(new { name = "Paula Pflanz", email = (string?)null, phone = (string?)null, handle = "paula.pflanz" });
        Produce("queue:alerts-0123456789\t{\"title\":\"Erstkontakt: Paula Pflanz\"}");

        var (exit, output) = await ScanAsync("queue:alerts \"title\":\"Erstkontakt: ");

        Assert.Equal(0, exit);
        Assert.Contains("Bekannte Quellen", output);
        Assert.Contains("queue:alerts-… | Name", output);

        Produce("queue:alerts-0123456789\t{\"title\":\"Erstkontakt: Paula Pflanz\"}", "log:Leitstand.Alerts\tsent to Paula Pflanz");
        Assert.Equal(1, (await ScanAsync("queue:alerts \"title\":\"Erstkontakt: ")).Exit);
    }

    [Fact]
    public async Task The_capture_records_the_queue_messages_and_log_lines_of_a_test_host()
    {
        var response = await Host.Client.SendAsync(LeadForms.Json(LeadForms.Valid()));
        var lead = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await Host.FindQueueMessageAsync(Host.LeadCapturedQueue, "lead_id", lead);

        var produced = await File.ReadAllLinesAsync(PiiCapture.ProducedFile);

        Assert.Contains(produced, l => l.StartsWith($"queue:{Host.LeadCapturedQueue}\t", StringComparison.Ordinal) && l.Contains(lead.ToString()));
        Assert.Contains(produced, l => l.StartsWith("log:", StringComparison.Ordinal));
    }
}
