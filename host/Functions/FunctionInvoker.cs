using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.LocalHost.Functions;

/// <summary>Creates the function's class per invocation (as the Functions worker does) and calls the method.</summary>
public static class FunctionInvoker
{
    // Building the constructor call once per class keeps reflection off the hot path (heartbeats).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, ObjectFactory> Factories = new();

    public static async Task<object?> InvokeAsync(IServiceProvider services, FunctionDescriptor function,
        Func<ParameterInfo, (bool Bound, object? Value)> bind)
    {
        await using var scope = services.CreateAsyncScope();
        var instance = function.Method.IsStatic ? null
            : Factories.GetOrAdd(function.Class, type => ActivatorUtilities.CreateFactory(type, Type.EmptyTypes))(scope.ServiceProvider, null);
        var parameters = function.Parameters;
        var arguments = new object?[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            var (bound, value) = bind(parameters[i]);
            if (!bound)
            {
                value = scope.ServiceProvider.GetService(parameters[i].ParameterType);
                if (value is null && !parameters[i].HasDefaultValue)
                    throw new NotSupportedException(
                        $"The local host cannot bind parameter '{parameters[i].Name}' ({parameters[i].ParameterType.Name}) of function {function.Name}.");
            }
            arguments[i] = value;
        }

        try
        {
            var result = function.Method.Invoke(instance, arguments);
            if (result is Task task)
            {
                await task;
                return function.TaskResult?.Invoke(task);
            }
            return result;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
        finally
        {
            if (instance is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync();
            else if (instance is IDisposable disposable) disposable.Dispose();
        }
    }
}
