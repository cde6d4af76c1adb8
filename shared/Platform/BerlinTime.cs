namespace Leitstand.Platform;

/// <summary>
/// The team's day: Europe/Berlin, for every feature, only where a person's day or clock matters (the daily
/// list, the KPI week, a time shown on a page). Everything stored and compared is UTC.
/// </summary>
public static class BerlinTime
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    public static DateOnly Today(DateTime utcNow) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utcNow, Zone));

    /// <summary>00:00 of the date in Berlin, as UTC (23:00 or 22:00 the day before).</summary>
    public static DateTime StartOfDay(DateOnly date) =>
        TimeZoneInfo.ConvertTimeToUtc(date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), Zone);

    /// <summary>The Berlin wall-clock time of a UTC instant (a DateTime of any kind is read as UTC).</summary>
    public static DateTime FromUtc(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);
}
