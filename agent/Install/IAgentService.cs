namespace Leitstand.Agent.Install;

/// <summary>How the OS starts the agent at logon and keeps it running: launchd, systemd (user) or the task scheduler.</summary>
public interface IAgentService
{
    /// <summary>German name, e.g. "systemd-Benutzerdienst leitstand-agent.service".</summary>
    string Description { get; }

    /// <summary>The file that defines the service (unit, plist, or the script the scheduled task starts).</summary>
    string DefinitionPath { get; }

    bool IsInstalled { get; }

    /// <summary>Writes the definition for the given command line.</summary>
    void Write(IReadOnlyList<string> runCommand);

    /// <summary>Starts it through the OS tool; writes to <paramref name="output"/> what happened, or what to run when the tool is missing.</summary>
    Task ActivateAsync(TextWriter output, CancellationToken cancellationToken);

    /// <summary>Stops it and removes the definition.</summary>
    Task RemoveAsync(TextWriter output, CancellationToken cancellationToken);

    /// <summary>True/false when the OS tool can tell, null when it cannot be asked.</summary>
    Task<bool?> IsRunningAsync(CancellationToken cancellationToken);
}
