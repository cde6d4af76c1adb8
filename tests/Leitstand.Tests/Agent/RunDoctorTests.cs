using Leitstand.Agent.Install;
using Leitstand.Agent.Keys;
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

    [Fact]
    public async Task Doctor_finds_the_key_reaches_the_server_and_reads_the_clock_from_its_Date_header()
    {
        var key = AgentHome.NewKey();
        await KeyStores.ForPlatform(_home.Environment).StoreAsync(key);
        new AgentState(DateTime.UtcNow.AddSeconds(-5), 200, "up", "running", 0, null).Write(_home.Environment);

        var (exit, output) = await DoctorAsync(Url);

        Assert.Equal(0, exit);
        Assert.Contains($"[OK] Schlüssel: vorhanden ({key[..12]}…", output);
        Assert.Contains($"[OK] Leitstand: {Url} erreichbar ohne TLS (nur für localhost erlaubt)", output);
        Assert.Contains("(HTTP 401)", output); // asked without the key: nothing recorded as a heartbeat
        Assert.Contains("[OK] Uhrzeit: weicht höchstens", output);
        Assert.Contains("Zeitzone: ", output);
        Assert.Contains("[OK] Letzte Antwort: vor 5 s", output);
        Assert.Contains("Alles in Ordnung.", output);
        Assert.DoesNotContain(key, output);
    }

    [Fact]
    public async Task Doctor_reports_a_clock_that_is_five_minutes_ahead_of_the_server()
    {
        await KeyStores.ForPlatform(_home.Environment).StoreAsync(AgentHome.NewKey());
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
