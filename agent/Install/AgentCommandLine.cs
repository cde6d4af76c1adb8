namespace Leitstand.Agent.Install;

/// <summary>The command line a service runs: <c>leitstand-agent run [--url U] [--key-file F] -- &lt;agent command…&gt;</c>.</summary>
public static class AgentCommandLine
{
    /// <summary>
    /// This program as a service can start it: the single file (or the apphost of a build); under
    /// <c>dotnet leitstand-agent.dll</c> the dotnet host and the dll.
    /// </summary>
    public static IReadOnlyList<string> CurrentExecutable()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("No process path");
        if (Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            return [process, Path.Combine(AppContext.BaseDirectory, AppDomain.CurrentDomain.FriendlyName + ".dll")];
        return [process];
    }

    public static IReadOnlyList<string> ForRun(IReadOnlyList<string> executable, string? url, string? keyFile, IReadOnlyList<string> agentCommand)
    {
        var arguments = new List<string>(executable) { "run" };
        if (url is not null) arguments.AddRange(["--url", url]);
        if (keyFile is not null) arguments.AddRange(["--key-file", Path.GetFullPath(keyFile)]);
        arguments.Add("--");
        arguments.AddRange(agentCommand);
        return arguments;
    }
}
