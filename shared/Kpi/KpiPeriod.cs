using System.Globalization;
using System.Text.RegularExpressions;
using Leitstand.Platform;

namespace Leitstand.Kpi;

/// <summary>
/// The period of the KPI board: an ISO week (Monday start, Europe/Berlin) such as 2026-W48, or a calendar month
/// such as 2026-11. Parsed from the query with a German message per field; a period that has not begun yet is
/// refused, none given means the current week in Berlin.
/// </summary>
public sealed partial record KpiPeriod(string Kind, DateOnly Start, string Key)
{
    public const int MinYear = 2000;
    public const int MaxYear = 2100;

    public static KpiPeriod Week(int isoYear, int isoWeek)
    {
        var monday = DateOnly.FromDateTime(ISOWeek.ToDateTime(isoYear, isoWeek, DayOfWeek.Monday));
        return new("week", monday, string.Create(CultureInfo.InvariantCulture, $"{isoYear:D4}-W{isoWeek:D2}"));
    }

    public static KpiPeriod Month(int year, int month) =>
        new("month", new DateOnly(year, month, 1), string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{month:D2}"));

    /// <summary>The ISO week that the Berlin date of <paramref name="utc"/> falls into.</summary>
    public static KpiPeriod WeekOf(DateTime utc)
    {
        var day = BerlinTime.Today(utc).ToDateTime(TimeOnly.MinValue);
        return Week(ISOWeek.GetYear(day), ISOWeek.GetWeekOfYear(day));
    }

    public static KpiPeriod? Parse(string? week, string? month, DateTime utcNow, Dictionary<string, string[]> errors)
    {
        var hasWeek = !string.IsNullOrEmpty(week);
        var hasMonth = !string.IsNullOrEmpty(month);
        if (hasWeek && hasMonth)
        {
            errors["month"] = ["Bitte entweder week oder month angeben, nicht beides."];
            return null;
        }
        var today = BerlinTime.Today(utcNow);
        if (hasWeek)
        {
            var m = WeekPattern().Match(week!);
            if (!m.Success)
            {
                errors["week"] = ["Erwartet wird eine ISO-Woche wie 2026-W48."];
                return null;
            }
            var year = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            var number = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            if (year is < MinYear or > MaxYear)
            {
                errors["week"] = [$"Erwartet wird ein Jahr zwischen {MinYear} und {MaxYear}."];
                return null;
            }
            var weeks = ISOWeek.GetWeeksInYear(year);
            if (number < 1 || number > weeks)
            {
                errors["week"] = [$"{year} hat die Wochen 1 bis {weeks}."];
                return null;
            }
            var period = Week(year, number);
            if (period.Start > today)
            {
                errors["week"] = ["Diese Woche hat noch nicht begonnen."];
                return null;
            }
            return period;
        }
        if (hasMonth)
        {
            var m = MonthPattern().Match(month!);
            if (!m.Success)
            {
                errors["month"] = ["Erwartet wird ein Monat wie 2026-11."];
                return null;
            }
            var year = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            var number = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            if (year is < MinYear or > MaxYear)
            {
                errors["month"] = [$"Erwartet wird ein Jahr zwischen {MinYear} und {MaxYear}."];
                return null;
            }
            if (number is < 1 or > 12)
            {
                errors["month"] = ["Der Monat ist 01 bis 12."];
                return null;
            }
            var period = Month(year, number);
            if (period.Start > today)
            {
                errors["month"] = ["Dieser Monat hat noch nicht begonnen."];
                return null;
            }
            return period;
        }
        return WeekOf(utcNow);
    }

    [GeneratedRegex(@"^([0-9]{4})-W([0-9]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex WeekPattern();

    [GeneratedRegex(@"^([0-9]{4})-([0-9]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex MonthPattern();
}
