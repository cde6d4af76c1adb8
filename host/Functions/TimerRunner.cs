using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NCrontab;

namespace Leitstand.LocalHost.Functions;

/// <summary>Runs one timer function on its NCRONTAB schedule (six fields, with seconds, UTC), like the Functions host.</summary>
public sealed class TimerRunner(FunctionDescriptor function, IServiceProvider services, IConfiguration configuration,
    TimeProvider clock, ILogger<TimerRunner> log) : BackgroundService
{
    public static CrontabSchedule ParseSchedule(string expression, IConfiguration configuration)
    {
        // "%Name%" takes the schedule from a setting, as in Azure Functions.
        if (expression.StartsWith('%') && expression.EndsWith('%'))
            expression = configuration[expression.Trim('%')] ?? throw new InvalidOperationException($"Setting {expression} for a timer schedule is missing.");
        return CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 });
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedule = ParseSchedule(function.Schedule!, configuration);
        DateTime? last = null;
        if (function.RunOnStartup) await RunOnceAsync(schedule, last, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var next = schedule.GetNextOccurrence(now);
            try
            {
                await Task.Delay(next - now, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await RunOnceAsync(schedule, last, stoppingToken);
            last = next;
        }
    }

    private async Task RunOnceAsync(CrontabSchedule schedule, DateTime? last, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var info = new TimerInfo
        {
            IsPastDue = false,
            ScheduleStatus = new ScheduleStatus { Last = last ?? now, Next = schedule.GetNextOccurrence(now), LastUpdated = now },
        };
        try
        {
            await FunctionInvoker.InvokeAsync(services, function, p =>
                p.ParameterType == typeof(TimerInfo) ? (true, info)
                : p.ParameterType == typeof(CancellationToken) ? (true, ct)
                : (false, null));
            log.LogInformation("Executed timer function {Function}", function.Name);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogError(ex, "Timer function {Function} failed", function.Name);
        }
    }
}
