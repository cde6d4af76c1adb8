using System.Diagnostics;
using System.Globalization;

namespace Leitstand.Bench.Alerts;

/// <summary>CPU seconds so far of the benchmark's parts and of the machine, from /proc (Linux).</summary>
public sealed record CpuSnapshot(double Self, double Postgres, double Azurite, double MachineBusy, double MachineTotal, string LoadAverage, long At)
{
    public CpuDelta To(CpuSnapshot later) => new(later.Self - Self, later.Postgres - Postgres, later.Azurite - Azurite,
        later.MachineBusy - MachineBusy, later.MachineTotal - MachineTotal, LoadAverage, later.LoadAverage,
        Stopwatch.GetElapsedTime(At, later.At).TotalSeconds);
}

/// <param name="Self">This process: host, sinks and producer together.</param>
/// <param name="MachineBusy">CPU seconds the whole machine was busy (all cores; not idle, not iowait).</param>
public sealed record CpuDelta(double Self, double Postgres, double Azurite, double MachineBusy, double MachineTotal,
    string LoadBefore, string LoadAfter, double Seconds)
{
    public int Cores => Environment.ProcessorCount;
    public double BusyPercent => MachineTotal > 0 ? 100 * MachineBusy / MachineTotal : double.NaN;
    /// <summary>Busy CPU not explained by this process, PostgreSQL and Azurite (other engineers' builds and tests).</summary>
    public double OtherPercent => MachineTotal > 0 ? 100 * (MachineBusy - Self - Postgres - Azurite) / MachineTotal : double.NaN;
}

public sealed class CpuMeter(Func<int?> postmasterPid)
{
    private static readonly double Tick = 1.0 / 100; // USER_HZ is 100 on Linux

    public CpuSnapshot Take()
    {
        var self = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        double pg = 0, azurite = 0;
        var me = Environment.ProcessId;
        var postmaster = postmasterPid();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            var stat = ReadStat(pid);
            if (stat is null) continue;
            var (ppid, own, children) = stat.Value;
            if (postmaster is { } pm && pid == pm) pg += own + children;
            else if (postmaster is { } pm2 && ppid == pm2) pg += own;
            // Azurite (node) is this process's only long-lived child; pg_ctl and runuser come and go.
            else if (ppid == me) azurite += own + children;
        }
        var (busy, total) = MachineTimes();
        var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
        return new CpuSnapshot(self, pg, azurite, busy, total, load, Stopwatch.GetTimestamp());
    }

    /// <summary>(ppid, utime+stime, cutime+cstime) in seconds.</summary>
    private static (int, double, double)? ReadStat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var rest = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            // rest[0] is field 3 (state): ppid = field 4, utime/stime = 14/15, cutime/cstime = 16/17.
            var ppid = int.Parse(rest[1], CultureInfo.InvariantCulture);
            double F(int field) => long.Parse(rest[field - 3], CultureInfo.InvariantCulture) * Tick;
            return (ppid, F(14) + F(15), F(16) + F(17));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static (double Busy, double Total) MachineTimes()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture) * Tick).ToArray();
        // user nice system idle iowait irq softirq steal (guest is counted in user already)
        var total = cpu.Take(8).Sum();
        return (total - cpu[3] - cpu[4], total);
    }
}
