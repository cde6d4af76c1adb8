using static Leitstand.Tests.Agent.AgentInput;

namespace Leitstand.Tests.Agent;

/// <summary>Help and parse errors in German for the person installing: no English heading of System.CommandLine.</summary>
public sealed class AgentHelpTests
{
    private static readonly string[] English =
    [
        "Description:", "Usage:", "Options:", "Commands:", "Arguments:", "Show help", "Show version", "[command]", "[options]",
        "Unrecognized", "Required argument", "is required", "was not matched",
    ];

    private static void AssertGerman(string text)
    {
        foreach (var english in English) Assert.DoesNotContain(english, text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("run")]
    [InlineData("checkin")]
    [InlineData("exec")]
    [InlineData("install")]
    [InlineData("uninstall")]
    [InlineData("status")]
    [InlineData("doctor")]
    public async Task Help_of_each_command_is_german(string name)
    {
        string[] command = name.Length == 0 ? [] : [name];
        var (code, output, error) = await RunAsync([.. command, "--help"]);

        Assert.Equal(0, code);
        Assert.Equal("", error);
        AssertGerman(output);
        Assert.Contains("Aufruf:", output);
        Assert.Contains("leitstand-agent " + string.Join(' ', command), output);
        Assert.Contains("Optionen:", output);
        Assert.Contains("-?, -h, --help", output);
        Assert.Contains("Hilfe anzeigen", output);
    }

    [Fact]
    public async Task Help_of_the_program_lists_its_commands_in_german()
    {
        var (_, output, _) = await RunAsync("-h");

        Assert.Contains("Befehle:", output);
        Assert.Contains("checkin <workflow>", output);
        Assert.Contains("Version anzeigen", output);
    }

    [Fact]
    public async Task Help_of_run_shows_where_the_supervised_command_goes()
    {
        var (_, output, _) = await RunAsync("run", "-?");

        Assert.Contains("leitstand-agent run [Optionen] -- <Befehl> [Argumente…]", output);
        Assert.Contains("--restart <restart>", output);
    }

    [Fact]
    public async Task Help_of_checkin_names_its_argument_although_the_line_has_no_workflow()
    {
        var (code, output, _) = await RunAsync("checkin", "--help");

        Assert.Equal(0, code);
        Assert.Contains("Argumente:", output);
        Assert.Contains("<workflow>", output);
    }

    [Theory]
    [InlineData("--gibtsnicht")]
    [InlineData("doctor", "--gibtsnicht")]
    [InlineData("status", "--gibtsnicht")]
    public async Task Unknown_flag_gives_a_german_message_and_a_non_zero_exit(params string[] args)
    {
        var (code, output, error) = await RunAsync(args);

        Assert.NotEqual(0, code);
        Assert.Equal("", output);
        Assert.Contains("Unbekannte Option: '--gibtsnicht'.", error);
        AssertGerman(error);
    }

    [Fact]
    public async Task Unknown_command_and_missing_argument_are_german_too()
    {
        var unknown = await RunAsync("neustarten");
        var missing = await RunAsync("checkin", "--status", "ok");
        var nothing = await RunAsync();

        Assert.Contains("Unbekanntes Argument: 'neustarten'", unknown.Error);
        Assert.Contains("Es fehlt die Angabe <workflow>.", missing.Error);
        Assert.Contains("Bitte einen Befehl angeben", nothing.Error);
        Assert.All(new[] { unknown, missing, nothing }, r =>
        {
            Assert.Equal(2, r.Code);
            AssertGerman(r.Error);
        });
    }
}
