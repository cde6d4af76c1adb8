using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.LocalHost.Functions;

public enum TriggerKind { Http, Timer, Queue }

/// <summary>One function as the Functions host sees it: found by its [Function] and trigger attributes.</summary>
public sealed record FunctionDescriptor(
    string Name,
    TriggerKind Trigger,
    Type Class,
    MethodInfo Method,
    ParameterInfo TriggerParameter,
    IReadOnlyList<string> HttpMethods,
    string? Route,
    string? Schedule,
    bool RunOnStartup,
    string? QueueName,
    string? Connection)
{
    /// <summary>The method's parameters, read once (reflection hands out a new array on every call).</summary>
    public ParameterInfo[] Parameters { get; } = Method.GetParameters();

    /// <summary>The value of Task&lt;T&gt;.Result for the method's return type, or null for void/Task.</summary>
    public Func<Task, object?>? TaskResult { get; } =
        Method.ReturnType.IsGenericType && Method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>)
            ? Method.ReturnType.GetProperty(nameof(Task<object>.Result))!.GetValue
            : null;
}

public static class FunctionCatalog
{
    /// <summary>Every [Function] method of the assembly with the trigger it binds.</summary>
    public static IReadOnlyList<FunctionDescriptor> Discover(Assembly assembly)
    {
        var found = new List<FunctionDescriptor>();
        foreach (var type in assembly.GetExportedTypes())
        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
        {
            if (method.GetCustomAttribute<FunctionAttribute>() is not { } function) continue;
            foreach (var parameter in method.GetParameters())
            {
                if (parameter.GetCustomAttribute<HttpTriggerAttribute>() is { } http)
                {
                    var methods = (http.Methods ?? ["get", "post"]).Select(m => m.ToLowerInvariant()).ToArray();
                    found.Add(new(function.Name, TriggerKind.Http, type, method, parameter, methods,
                        http.Route ?? function.Name, null, false, null, null));
                }
                else if (parameter.GetCustomAttribute<TimerTriggerAttribute>() is { } timer)
                {
                    found.Add(new(function.Name, TriggerKind.Timer, type, method, parameter, [], null,
                        timer.Schedule, timer.RunOnStartup, null, null));
                }
                else if (parameter.GetCustomAttribute<QueueTriggerAttribute>() is { } queue)
                {
                    found.Add(new(function.Name, TriggerKind.Queue, type, method, parameter, [], null, null, false,
                        queue.QueueName, queue.Connection));
                }
            }
        }
        return found.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
    }
}
