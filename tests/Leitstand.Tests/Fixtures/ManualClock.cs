namespace Leitstand.Tests.Fixtures;

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    public void Set(DateTimeOffset at) => Interlocked.Exchange(ref _ticks, at.UtcTicks);

    /// <summary>Now, on a whole second (one reading of the clock, so no ticks are left over).</summary>
    public static ManualClock StartingNow()
    {
        var now = DateTimeOffset.UtcNow;
        return new(now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)));
    }
}
