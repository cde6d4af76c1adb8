using System.CommandLine;
using Leitstand.Agent.Commands;

namespace Leitstand.Tests.Agent;

/// <summary>Bad input on the command line of <c>install</c>: a German message and exit code 1, before anything is read or written.</summary>
public sealed class InstallCommandTests
{
    private static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await InstallCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task An_agent_command_without_the_double_dash_is_refused_with_an_example()
    {
        var (exit, output, error) = await InvokeAsync("--key-prompt", "/opt/agent/start.sh");

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Equal("Fehler: Der Befehl des Agenten gehört hinter „--“, z. B.: leitstand-agent install --key-prompt -- /opt/agent/start.sh" + Environment.NewLine, error);
    }

    [Fact]
    public async Task An_unknown_flag_before_the_double_dash_is_named_in_German_without_a_stack_trace()
    {
        var (exit, output, error) = await InvokeAsync("--key-promt", "--url", "https://leitstand.example.de", "--", "/opt/agent/start.sh");

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains("Fehler: Unbekannte Angabe vor „--“: --key-promt. Erlaubt: --key-prompt, --key-file, --url.", error);
        Assert.DoesNotContain("   at ", error);
    }
}
