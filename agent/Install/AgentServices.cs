using Leitstand.Agent.Keys;

namespace Leitstand.Agent.Install;

public static class AgentServices
{
    public static IAgentService ForPlatform(AgentEnvironment environment) => environment.Platform switch
    {
        AgentPlatform.MacOS => new LaunchAgent(environment),
        AgentPlatform.Windows => new ScheduledTask(environment),
        _ => new SystemdUserUnit(environment),
    };
}

/// <summary>Bad input or a missing precondition: a German message for the person doing the install, exit code 1, no stack trace.</summary>
public sealed class AgentSetupException(string message) : Exception(message);

public static class ServerUrl
{
    /// <summary>An absolute http(s) URL; https required except for localhost.</summary>
    public static Uri Parse(string value)
    {
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || uri.Host.Length == 0)
            throw new AgentSetupException($"--url: „{value}“ ist keine gültige Adresse (Beispiel: https://leitstand.example.de).");
        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
            throw new AgentSetupException($"--url: Der Leitstand wird nur über TLS (https://) erreicht; http:// nur für localhost.");
        return uri;
    }
}
