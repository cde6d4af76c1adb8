using Leitstand.Agent.Install;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Agent;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // sh stand-ins
public sealed class ShowStatusTests : IDisposable
{
    private readonly AgentHome _home = new();

    public void Dispose() => _home.Dispose();

    private async Task<(int Exit, string Output)> StatusAsync(ManualClock? clock = null)
    {
        var output = new StringWriter();
        var exit = await new ShowStatus(_home.Environment, clock ?? ManualClock.StartingNow()).ExecuteAsync(output, CancellationToken.None);
        return (exit, output.ToString());
    }

    [Fact]
    public async Task Status_of_a_machine_without_install_says_so_and_fails()
    {
        var (exit, output) = await StatusAsync();

        Assert.Equal(1, exit);
        Assert.Contains("nicht installiert", output);
        Assert.Contains("Schlüssel: fehlt", output);
    }

    [Fact]
    public async Task Status_shows_the_running_service_the_key_prefix_and_the_last_answer_from_the_state_file()
    {
        var key = AgentHome.NewKey();
        await new InstallAgent(_home.Environment).ExecuteAsync(new InstallRequest("https://leitstand.example.de", null, true, ["/opt/agent/start.sh"], ["/opt/leitstand-agent"]),
            _ => Task.FromResult<string?>(key), TextWriter.Null, CancellationToken.None);
        _home.StandIn("systemctl", """[ "$2" = is-active ] && echo active; exit 0""");
        var clock = ManualClock.StartingNow();
        new AgentState(clock.GetUtcNow().UtcDateTime.AddSeconds(-42), 200, "up", "running", 2, null).Write(_home.Environment);

        var (exit, output) = await StatusAsync(clock);

        Assert.Equal(0, exit);
        Assert.Contains("installiert, läuft", output);
        Assert.Contains($"Schlüssel: vorhanden ({key[..12]}…)", output);
        Assert.DoesNotContain(key, output);
        Assert.Contains("Leitstand: https://leitstand.example.de", output);
        Assert.Contains("Letzte Antwort: vor 42 s", output);
        Assert.Contains("HTTP 200, Status up, Prozess running, 2 Neustarts", output);
    }
}
