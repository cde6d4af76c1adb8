using System.Globalization;
using Leitstand.Leads;
using Npgsql;

namespace Leitstand.Pipeline;

/// <summary>
/// The fields of a deal as the team enters them (POST /api/leads/{id}/deals, the deal of "Gewonnen", PATCH
/// /api/deals/{id}): checked for form here (400 per field); whether the package exists, whether another amount has
/// its reason and whether a start date fits the package the database decides (public.create_deal,
/// public.correct_deal), and its refusal names the field (<see cref="Refusal"/>).
/// </summary>
public static class DealInput
{
    public const int AmountMax = 100_000_000;
    public const int ReasonMax = 300;
    public const string DateFormatMessage = "Erwartet wird ein Datum im Format JJJJ-MM-TT, z. B. 2027-01-01.";

    /// <summary>A package key as given (the database knows the packages), upper case.</summary>
    public static string? Package(string? text, string field, IDictionary<string, string[]> errors, bool required)
    {
        var package = LeadValidator.NormaliseText(text)?.ToUpperInvariant();
        if (package is null && required) errors[field] = ["Bitte das Paket angeben (z. B. SETUP oder RETAINER)."];
        else if (package is { Length: > 40 }) errors[field] = ["Unbekanntes Paket."];
        return package;
    }

    public static void Amount(int? cents, string field, IDictionary<string, string[]> errors)
    {
        if (cents is { } c && (c <= 0 || c > AmountMax))
            errors[field] = [$"Der Betrag in Cent muss zwischen 1 und {AmountMax} liegen."];
    }

    public static string? Reason(string? text, string field, IDictionary<string, string[]> errors)
    {
        var reason = LeadValidator.NormaliseText(text);
        if (reason is { Length: > ReasonMax }) errors[field] = [$"Der Grund darf höchstens {ReasonMax} Zeichen lang sein."];
        return reason;
    }

    /// <summary>A calendar date (the retainer's first day, a Berlin date).</summary>
    public static DateOnly? Date(string? text, string field, IDictionary<string, string[]> errors)
    {
        if (LeadValidator.NormaliseText(text) is not { } value) return null;
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            && date.Year is >= 2000 and <= 2100)
            return date;
        errors[field] = [DateFormatMessage];
        return null;
    }

    /// <summary>
    /// A refusal of the deal rules: the field the rule names (package, price_reason, starts_on, status; the lead's
    /// stage as <paramref name="stageField"/>), with <paramref name="prefix"/> (e.g. "deal.") for a nested deal.
    /// Null for anything else.
    /// </summary>
    public static (string Field, string Message)? Refusal(PostgresException ex, string prefix, string stageField)
    {
        if (ex.SqlState != PostgresErrorCodes.CheckViolation || ex.SchemaName != "public" || ex.ColumnName is null) return null;
        return ex.TableName switch
        {
            "deals" => (prefix + ex.ColumnName, ex.MessageText),
            "leads" when ex.ColumnName == "stage" => (stageField, ex.MessageText),
            _ => null,
        };
    }
}
