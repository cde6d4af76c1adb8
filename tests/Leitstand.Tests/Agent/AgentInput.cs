using Leitstand.Agent;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.Logging;

namespace Leitstand.Tests.Agent;

/// <summary>
/// What the bad-input tests share: a folder of their own with a key file of the right shape (0600), the command line run
/// in-process with captured output, and the check that an input was refused in German without a stack trace.
/// </summary>
public sealed class AgentInput : IDisposable
{
    public AgentInput()
    {
        Folder = Directory.CreateTempSubdirectory("leitstand-agent-input-").FullName;
        KeyFile = Path.Combine(Folder, "agent.key");
        File.WriteAllText(KeyFile, "lsa_test-key-of-the-right-shape\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public string Folder { get; }
    public string KeyFile { get; }

    public static async Task<(int Code, string Out, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        using var logs = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(PiiCapture.LoggerProvider("agent:log:")));
        try { return (await AgentCli.InvokeAsync(args, new AgentConsole(output, error, logs)).WaitAsync(TimeSpan.FromSeconds(30)), output.ToString(), error.ToString()); }
        finally { CapturePrinted(output, error); }
    }

    /// <summary>What the agent client printed, for the personal-data scan (<see cref="PiiCapture"/>): it must never show content or personal data.</summary>
    public static void CapturePrinted(StringWriter output, StringWriter error)
    {
        PiiCapture.Produced("agent:stdout", output.ToString());
        PiiCapture.Produced("agent:stderr", error.ToString());
    }

    public static void AssertRefused((int Code, string Out, string Error) result, string german)
    {
        Assert.NotEqual(0, result.Code);
        Assert.Contains(german, result.Error);
        Assert.DoesNotContain("Exception", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
