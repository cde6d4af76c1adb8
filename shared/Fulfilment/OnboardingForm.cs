using System.Globalization;
using System.Net.Mail;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cronos;
using Leitstand.Platform;

namespace Leitstand.Fulfilment;

/// <summary>
/// The questionnaire's fields as the customer's page posts them, read against the template: the answers (JSON, as
/// public.onboarding_answers keeps them) and a German message per field. Field names: <c>section.field</c>,
/// <c>section.row.field</c> (table), <c>section.n.field</c> (repeat, n from 1); a frequency is
/// <c>….schedule</c> (cron, Europe/Berlin) or <c>….interval_value</c> with <c>….interval_unit</c>.
/// A draft keeps every well-formed value and only refuses malformed ones; a submission also needs every required field.
/// </summary>
public static partial class OnboardingForm
{
    public const string BerlinZone = "Europe/Berlin";
    private static readonly string[] IntervalUnits = ["minutes", "hours", "days"];

    public sealed record Result(JsonObject Answers, IReadOnlyDictionary<string, string> Errors);

    public static Result Read(OnboardingTemplate template, IReadOnlyDictionary<string, string> form, DateOnly berlinToday, bool submit)
    {
        var answers = new JsonObject();
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        string Value(string name) => form.TryGetValue(name, out var v) ? v.Trim().ReplaceLineEndings("\n") : "";

        foreach (var section in template.Sections)
        {
            switch (section.Kind)
            {
                case "table":
                {
                    var rows = new JsonArray();
                    var used = 0;
                    foreach (var row in section.Rows ?? [])
                    {
                        var item = new JsonObject { [section.RowKey ?? "key"] = row.Key };
                        foreach (var field in section.Fields)
                            ReadField(field, $"{section.Key}.{row.Key}.{field.Key}", item, errors, Value, berlinToday, submit);
                        var rights = item["rights"]?.GetValue<string>();
                        if (rights is not null && rights != "none")
                        {
                            used++;
                            if (submit && item["tool"] is null && section.Fields.Any(f => f.Key == "tool"))
                                errors.TryAdd($"{section.Key}.{row.Key}.tool", "Bitte das Tool oder den Anbieter nennen, wenn der Agent diesen Kanal nutzen soll.");
                        }
                        rows.Add(item);
                    }
                    if (submit && used == 0) errors.TryAdd(section.Key, "Bitte mindestens einen Kanal wählen, den der Agent nutzen darf.");
                    answers[section.Key] = rows;
                    break;
                }
                case "repeat":
                {
                    var items = new JsonArray();
                    for (var n = 1; n <= (section.Count ?? 1); n++)
                    {
                        var item = new JsonObject();
                        foreach (var field in section.Fields)
                            ReadField(field, $"{section.Key}.{n}.{field.Key}", item, errors, Value, berlinToday, submit);
                        items.Add(item);
                    }
                    answers[section.Key] = items;
                    break;
                }
                default:
                {
                    var item = new JsonObject();
                    if (section.Fixed is { Count: > 0 } fixedRules) item["always"] = new JsonArray([.. fixedRules.Select(r => (JsonNode)r.Key)]);
                    foreach (var field in section.Fields)
                        ReadField(field, $"{section.Key}.{field.Key}", item, errors, Value, berlinToday, submit);
                    answers[section.Key] = item;
                    break;
                }
            }
        }
        return new Result(answers, errors);
    }

    /// <summary>The form's values for stored answers (the page shows a draft with them).</summary>
    public static Dictionary<string, string> Values(OnboardingTemplate template, JsonObject answers)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        void Put(TemplateField field, string name, JsonObject? item)
        {
            if (item is null) return;
            if (field.Type == "frequency")
            {
                if (item["schedule"]?.GetValue<string>() is { } schedule) values[name + ".schedule"] = schedule;
                if (item["interval"]?.GetValue<string>() is { } interval && IsoInterval().Match(interval) is { Success: true } m)
                {
                    values[name + ".interval_value"] = m.Groups["n"].Value;
                    values[name + ".interval_unit"] = m.Groups["u"].Value switch { "M" => "minutes", "H" => "hours", _ => "days" };
                }
                return;
            }
            if (item[field.Key] is JsonValue v && v.TryGetValue<string>(out var text)) values[name] = text;
        }
        foreach (var section in template.Sections)
        {
            switch (section.Kind)
            {
                case "table":
                    var rows = answers[section.Key] as JsonArray;
                    foreach (var row in section.Rows ?? [])
                    {
                        var item = rows?.OfType<JsonObject>().FirstOrDefault(r => r[section.RowKey ?? "key"]?.GetValue<string>() == row.Key);
                        foreach (var field in section.Fields) Put(field, $"{section.Key}.{row.Key}.{field.Key}", item);
                    }
                    break;
                case "repeat":
                    var items = answers[section.Key] as JsonArray;
                    for (var n = 1; n <= (section.Count ?? 1); n++)
                        foreach (var field in section.Fields) Put(field, $"{section.Key}.{n}.{field.Key}", items is not null && items.Count >= n ? items[n - 1] as JsonObject : null);
                    break;
                default:
                    foreach (var field in section.Fields) Put(field, $"{section.Key}.{field.Key}", answers[section.Key] as JsonObject);
                    break;
            }
        }
        return values;
    }

    private static void ReadField(TemplateField field, string name, JsonObject item, Dictionary<string, string> errors, Func<string, string> value,
        DateOnly today, bool submit)
    {
        if (field.Type == "frequency")
        {
            ReadFrequency(field, name, item, errors, value, submit);
            return;
        }
        var text = value(name);
        if (text.Length == 0)
        {
            if (submit && field.Required) errors[name] = field.Type == "choice" ? "Bitte eine Möglichkeit wählen." : "Bitte ausfüllen.";
            return;
        }
        var error = field.Type switch
        {
            _ when field.Max is { } max && text.Length > max => $"Bitte höchstens {max} Zeichen (jetzt {text.Length}).",
            "text" or "email" or "phone" when text.Contains('\n') => "Bitte in einer Zeile.",
            "email" when !IsEmail(text) => "Bitte eine gültige E-Mail-Adresse angeben, z. B. name@firma.de.",
            "phone" when !Phone().IsMatch(text) => "Bitte eine Telefonnummer mit Ziffern angeben, z. B. +49 30 1234567.",
            "choice" when field.Options is null || field.Options.All(o => o.Value != text) => "Bitte eine der angebotenen Möglichkeiten wählen.",
            "date" => DateError(text, today),
            _ => null,
        };
        if (error is not null) errors[name] = error;
        else item[field.Key] = text;
    }

    private static string? DateError(string text, DateOnly today)
    {
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return "Bitte ein Datum angeben (TT.MM.JJJJ).";
        if (date <= today) return "Bitte einen Tag nach heute wählen.";
        if (date > today.AddYears(1)) return "Bitte einen Tag innerhalb der nächsten zwölf Monate wählen.";
        return null;
    }

    private static void ReadFrequency(TemplateField field, string name, JsonObject item, Dictionary<string, string> errors, Func<string, string> value, bool submit)
    {
        var schedule = value(name + ".schedule");
        var amount = value(name + ".interval_value");
        var unit = value(name + ".interval_unit");
        if (schedule.Length > 0 && amount.Length > 0)
        {
            errors[name] = "Bitte entweder einen Zeitplan oder ein Intervall angeben, nicht beides.";
            return;
        }
        if (schedule.Length > 0)
        {
            if (schedule.Length > 100 || !TryCron(schedule))
                errors[name] = "Dieser Zeitplan ist kein gültiger Cron-Ausdruck (fünf Felder: Minute Stunde Tag Monat Wochentag, z. B. „0 8 * * 1-5“).";
            else
            {
                item["schedule"] = schedule;
                item["timezone"] = BerlinZone;
            }
            return;
        }
        if (amount.Length > 0)
        {
            if (!int.TryParse(amount, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
                errors[name] = "Bitte das Intervall als ganze Zahl angeben, z. B. 30.";
            else if (!IntervalUnits.Contains(unit))
                errors[name] = "Bitte die Einheit des Intervalls wählen (Minuten, Stunden oder Tage).";
            else
            {
                var length = unit switch { "minutes" => TimeSpan.FromMinutes(n), "hours" => TimeSpan.FromHours(n), _ => TimeSpan.FromDays(n) };
                if (length < TimeSpan.FromMinutes(5) || length > TimeSpan.FromDays(31))
                    errors[name] = "Bitte ein Intervall zwischen 5 Minuten und 31 Tagen.";
                else
                    item["interval"] = unit switch { "minutes" => $"PT{n}M", "hours" => $"PT{n}H", _ => $"P{n}D" };
            }
            return;
        }
        if (submit && field.Required) errors[name] = "Bitte einen Zeitplan oder ein Intervall angeben.";
    }

    /// <summary>A standard five-field cron expression that fires at least once (Cronos, in Berlin time).</summary>
    public static bool TryCron(string expression)
    {
        if (!CronExpression.TryParse(expression, CronFormat.Standard, out var cron)) return false;
        return cron.GetNextOccurrence(DateTime.UtcNow, BerlinTime.Zone) is not null;
    }

    private static bool IsEmail(string text)
    {
        if (text.Length > 254 || !EmailShape().IsMatch(text)) return false;
        try { return new MailAddress(text).Address == text; }
        catch (FormatException) { return false; }
    }

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]{2,}$")]
    private static partial Regex EmailShape();

    [GeneratedRegex(@"^\+?[0-9][0-9 ()/\-]{4,38}[0-9]$")]
    private static partial Regex Phone();

    [GeneratedRegex(@"^P(?:T(?<n>[0-9]+)(?<u>[MH])|(?<n>[0-9]+)(?<u>D))$")]
    private static partial Regex IsoInterval();
}
