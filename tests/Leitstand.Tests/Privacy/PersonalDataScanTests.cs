using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Agent;
using Leitstand.Tests.Fixtures;
using Leitstand.Tests.Leads;
using Npgsql;

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

    /// <summary>The lines of a PostgreSQL server log that mention <paramref name="marker"/> (read while the server runs).</summary>
    private static List<string> LogLines(string postgresLog, string marker)
    {
        using var stream = new FileStream(postgresLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
            if (line.Contains(marker, StringComparison.Ordinal)) lines.Add(line);
        return lines;
    }

    /// <summary>Those lines as a server log of their own, copied by <see cref="PiiCapture.CopyLog"/> into the scan's scratch folder.</summary>
    private void CopyLogLines(IEnumerable<string> lines)
    {
        var log = Path.Combine(_directory, "postgres.log");
        File.WriteAllLines(log, lines);
        PiiCapture.CopyLog(log, _directory);
        File.Delete(log);
    }

    [Fact]
    public async Task A_lead_written_on_a_cluster_of_a_tests_own_in_a_database_made_later_is_known_to_the_scan()
    {
        var directory = Path.Combine(Path.GetTempPath(), "leitstand-pii-" + Guid.NewGuid().ToString("N")[..8]);
        var cluster = new PostgresCluster(directory, Processes.FreeTcpPort(), throwaway: true);
        var name = "Ottilie Eigencluster" + Guid.NewGuid().ToString("N")[..6];
        try
        {
            await cluster.StartAsync();
            await PiiCapture.RecordAsync(cluster);
            await using (var superuser = new NpgsqlConnection(cluster.SuperuserConnectionString()))
                await superuser.ExecuteAsync("create database later");
            // as a migration creates it: the recorder attaches itself to the new table
            await using (var later = new NpgsqlConnection(cluster.SuperuserConnectionString("later")))
                await later.ExecuteAsync("""
                    create table public.leads (id serial primary key, name text, email text, phone text, handle text);
                    insert into public.leads (name, email, handle) values (@name, 'ottilie@example.de', 'ottilie.eigen');
                    """, new { name });
            await cluster.StopAsync();

            PiiCapture.CopyLog(cluster.LogFile, _directory);
        }
        finally
        {
            await cluster.StopAsync();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        Produce($"log:Leitstand.Leads\tLead captured: {name}");

        var (exit, output) = await ScanAsync();

        Assert.Equal(1, exit);
        Assert.Contains("log:Leitstand.Leads | Name", output);
    }

    [Fact]
    public async Task What_the_app_writes_into_the_outbox_and_the_server_log_reaches_the_scan_and_what_a_test_plants_there_does_not()
    {
        var marker = "pii" + Guid.NewGuid().ToString("N")[..12];
        var name = "Paula Pflanz" + new string(Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(6).ToArray()); // seeded nowhere but here
        await using var database = await Stack.CreateDatabaseAsync();
        await using (var app = new NpgsqlConnection(Stack.Postgres.FunctionsConnectionString(database.Name) + ";Pooling=false"))
        {
            await app.ExecuteAsync("insert into outbox_messages (id, queue, payload) values (gen_random_uuid(), 'alerts', jsonb_build_object('title', 'Neuer Lead: ' || @name, 'marker', @marker))",
                new { name, marker });
            // an error PostgreSQL logs with the value in it, in the app's session
            await Assert.ThrowsAsync<PostgresException>(() => app.ExecuteAsync("select (@text)::int", new { text = $"{name} {marker}" }));
        }
        await using (var test = await database.Admin.OpenConnectionAsync())
            await test.ExecuteAsync("insert into outbox_messages (id, queue, payload) values (gen_random_uuid(), 'alerts', jsonb_build_object('planted', @marker))", new { marker });
        // and the real path: a lead form through the host writes its message to the outbox
        var response = await Host.Client.SendAsync(LeadForms.Json(LeadForms.Valid()));
        var lead = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid().ToString();

        Assert.Contains(LogLines(Stack.Postgres.LogFile, lead), l => l.Contains(PiiCapture.ProducedMarker + "{\"source\" : \"outbox_messages\"", StringComparison.Ordinal));
        var mine = LogLines(Stack.Postgres.LogFile, marker);
        Assert.Single(mine, l => l.Contains(PiiCapture.ProducedMarker, StringComparison.Ordinal));
        Assert.Single(mine, l => l.Contains(" leitstand_functions ERROR:  invalid input syntax for type integer", StringComparison.Ordinal));
        Assert.DoesNotContain(mine, l => l.Contains("planted", StringComparison.Ordinal));

        Seed(new { name, email = (string?)null, phone = (string?)null, handle = (string?)null });
        CopyLogLines(mine);
        var (exit, output) = await ScanAsync();
        Assert.Equal(1, exit);
        Assert.Contains("db:outbox_messages | Name", output);
        Assert.Contains("db:server-log | Name", output);
    }

    [Fact]
    public async Task What_the_agent_client_prints_is_captured_for_the_scan()
    {
        var marker = "--paula.pflanz" + Guid.NewGuid().ToString("N")[..6];

        var (code, _, error) = await AgentInput.RunAsync("run", "--url", "http://127.0.0.1:9", "--key-file", "agent.key", marker, "--", "true");

        Assert.NotEqual(0, code);
        Assert.Contains(marker, error);
        Assert.Contains(await File.ReadAllLinesAsync(PiiCapture.ProducedFile),
            l => l.StartsWith("agent:stderr\t", StringComparison.Ordinal) && l.Contains(marker, StringComparison.Ordinal));
    }
}
