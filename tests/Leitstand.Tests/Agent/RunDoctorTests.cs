using Dapper;
using Leitstand.Agent.Install;
using Leitstand.Agent.Keys;
using Leitstand.Monitoring;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Agent;

/// <summary><c>doctor</c> against the local stack (the functions host on a loopback port, where http is allowed).</summary>
[Collection(StackCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // the 0600 key file
public sealed class RunDoctorTests(StackFixture stack) : IAsyncLifetime
{
    private readonly AgentHome _home = new();
    private RunningHost _host = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _host = await RunningHost.StartAsync(stack);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _http.Dispose();
        _home.Dispose();
    }

    private async Task<(int Exit, string Output)> DoctorAsync(string? url, TimeProvider? time = null)
    {
        var output = new StringWriter();
        var exit = await new RunDoctor(_home.Environment, time ?? TimeProvider.System, _http).ExecuteAsync(url, null, output, CancellationToken.None);
        return (exit, output.ToString());
    }

    private string Url => _host.BaseAddress.GetLeftPart(UriPartial.Authority);

    /// <summary>An agent the server knows, its key in the key store of the test's HOME.</summary>
    private async Task<(Guid Id, string Key)> KnownAgentAsync(bool paused = false)
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin);
        var key = AgentKeys.Generate();
        await using var connection = await stack.Admin.OpenConnectionAsync();
        var id = await connection.ExecuteScalarAsync<Guid>("""
            insert into agents (lead_id, name, key_hash, key_prefix, paused) values (@lead, 'Agent beim Kunden', @hash, @prefix, @paused) returning id
            """, new { lead, hash = key.Hash, prefix = key.DisplayPrefix, paused });
        await KeyStores.ForPlatform(_home.Environment).StoreAsync(key.Key);
        return (id, key.Key);
    }

    [Fact]
    public async Task Doctor_finds_the_key_has_it_accepted_reaches_the_server_and_reads_the_clock_from_its_Date_header()
    {
        var (agent, key) = await KnownAgentAsync();
        new AgentState(DateTime.UtcNow.AddSeconds(-5), 200, "up", "running", 0, null).Write(_home.Environment);

        var (exit, output) = await DoctorAsync(Url);

        Assert.Equal(0, exit);
        Assert.Contains($"[OK] Schlüssel: vorhanden ({key[..12]}…", output);
        Assert.Contains($"[OK] Leitstand: {Url} erreichbar ohne TLS (nur für localhost erlaubt)", output);
        Assert.Contains("(HTTP 200)", output);
        Assert.Contains($"[OK] Schlüssel: vom Leitstand angenommen (Agent {agent})", output);
        Assert.DoesNotContain("[FEHLER]", output);
        // Asking is no heartbeat: nothing recorded for the supervised agent.
        Assert.Equal(0, await Crm.ScalarAsync<int>(stack.Admin, "select count(*) from agent_heartbeats where agent_id = @agent", new { agent }));
        Assert.Equal(0, await Crm.ScalarAsync<int>(stack.Admin, "select count(*) from agents where id = @agent and last_heartbeat_at is not null", new { agent }));
        Assert.Contains("[OK] Uhrzeit: weicht höchstens", output);
        Assert.Contains("Zeitzone: ", output);
        Assert.Contains("[OK] Letzte Antwort: vor 5 s", output);
        Assert.Contains("Alles in Ordnung.", output);
        Assert.DoesNotContain(key, output);
    }

    [Fact]
    public async Task Doctor_fails_a_key_the_server_does_not_accept()
    {
        var key = AgentHome.NewKey(); // of the right shape, but no agent has it
        await KeyStores.ForPlatform(_home.Environment).StoreAsync(key);

        var (exit, output) = await DoctorAsync(Url);

        Assert.Equal(1, exit);
        Assert.Contains("[OK] Schlüssel: vorhanden", output);
        Assert.Contains("(HTTP 401)", output);
        Assert.Contains("[FEHLER] Schlüssel: vom Leitstand nicht angenommen (unbekannt oder widerrufen)", output);
        Assert.Contains("Mindestens eine Prüfung ist fehlgeschlagen.", output);
    }

    [Fact]
    public async Task Doctor_says_when_the_agent_is_paused_in_Leitstand()
    {
        await KnownAgentAsync(paused: true);

        var (exit, output) = await DoctorAsync(Url);

        Assert.Equal(0, exit);
        Assert.Contains("[OK] Schlüssel: vom Leitstand angenommen", output);
        Assert.Contains("[HINWEIS] Der Agent ist im Leitstand pausiert", output);
    }

    [Fact]
    public async Task Doctor_reports_a_clock_that_is_five_minutes_ahead_of_the_server()
    {
        await KnownAgentAsync();
        var ahead = new ManualClock(DateTimeOffset.UtcNow.AddMinutes(5));

        var (exit, output) = await DoctorAsync(Url, ahead);

        Assert.Equal(1, exit);
        Assert.Matches(@"\[FEHLER\] Uhrzeit: diese Uhr geht (29\d|30\d) s vor", output);
        Assert.Contains("NTP", output);
    }

    [Fact]
    public async Task Doctor_without_a_key_and_with_a_server_that_does_not_answer_names_both()
    {
        var closedPort = Leitstand.LocalHost.Stack.Processes.FreeTcpPort();

        var (exit, output) = await DoctorAsync($"http://127.0.0.1:{closedPort}");

        Assert.Equal(1, exit);
        Assert.Contains("[FEHLER] Schlüssel: keiner gespeichert", output);
        Assert.Contains("[FEHLER] Leitstand: 127.0.0.1 ist nicht erreichbar", output);
        Assert.DoesNotContain("vom Leitstand angenommen", output);
        Assert.Contains("[HINWEIS] Letzte Antwort: noch keine", output);
    }

    [Fact]
    public async Task Doctor_refuses_a_server_address_without_TLS_that_is_not_localhost()
    {
        var (exit, output) = await DoctorAsync("http://leitstand.example.de");

        Assert.Equal(1, exit);
        Assert.Contains("[FEHLER] Leitstand: --url: Der Leitstand wird nur über TLS (https://) erreicht", output);
    }
}
