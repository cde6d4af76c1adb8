using System.Globalization;
using System.Net.Mail;
using System.Text;
using System.Text.RegularExpressions;

namespace Leitstand.Leads;

/// <summary>Validates and normalises raw form fields; every message is German and names what to fix.</summary>
public static partial class LeadValidator
{
    public const int NameMax = 120;
    public const int EmailMax = 254;
    public const int PhoneMax = 40;
    public const int CompanyMax = 120;
    public const int MessageMax = 1000;
    public const int TrackingMax = 100;
    public const int ConsentVersionMax = 40;
    public const int PageMax = 190; // source (100) + ':' + page fits consent_source (300)
    public const string DefaultSource = "website";

    public static LeadValidationResult Validate(IReadOnlyDictionary<string, string?> fields, string? referer = null)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Fail(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            list.Add(message);
        }
        string? Get(string key) => fields.TryGetValue(key, out var v) ? NormaliseText(v) : null;

        var name = Get(LeadFields.Name);
        if (name is null || name.Length < 2) Fail(LeadFields.Name, "Bitte gib deinen Namen an (mindestens 2 Zeichen).");
        else if (name.Length > NameMax) Fail(LeadFields.Name, $"Der Name darf höchstens {NameMax} Zeichen lang sein.");

        var email = NormaliseEmail(Get(LeadFields.Email));
        if (email is null) Fail(LeadFields.Email, "Bitte gib deine E-Mail-Adresse an.");
        else if (email.Length > EmailMax) Fail(LeadFields.Email, $"Die E-Mail-Adresse darf höchstens {EmailMax} Zeichen lang sein.");
        else if (!IsPlausibleEmail(email)) Fail(LeadFields.Email, "Bitte gib eine gültige E-Mail-Adresse an, z. B. name@firma.de.");

        var phone = Get(LeadFields.Phone);
        if (phone is not null)
        {
            if (phone.Length > PhoneMax) Fail(LeadFields.Phone, $"Die Telefonnummer darf höchstens {PhoneMax} Zeichen lang sein.");
            else if (!IsPlausiblePhone(phone))
                Fail(LeadFields.Phone, "Bitte gib eine gültige Telefonnummer an (Ziffern, Leerzeichen, +, -, / und Klammern).");
        }

        var company = Get(LeadFields.Company);
        if (company is not null && company.Length > CompanyMax) Fail(LeadFields.Company, $"Der Firmenname darf höchstens {CompanyMax} Zeichen lang sein.");

        var message = NormaliseMultiline(fields.TryGetValue(LeadFields.Message, out var m) ? m : null);
        if (message is not null && message.Length > MessageMax) Fail(LeadFields.Message, $"Die Nachricht darf höchstens {MessageMax} Zeichen lang sein.");

        string? Tracking(string key)
        {
            var value = Get(key);
            if (value is not null && value.Length > TrackingMax) Fail(key, $"Der Wert darf höchstens {TrackingMax} Zeichen lang sein.");
            return value;
        }
        var source = Tracking(LeadFields.Source) ?? DefaultSource;
        var utmSource = Tracking(LeadFields.UtmSource);
        var utmMedium = Tracking(LeadFields.UtmMedium);
        var utmCampaign = Tracking(LeadFields.UtmCampaign);
        var utmTerm = Tracking(LeadFields.UtmTerm);
        var utmContent = Tracking(LeadFields.UtmContent);

        var page = Get(LeadFields.Page);
        if (page is null && NormaliseText(referer) is { } refererText) page = refererText.Length > PageMax ? refererText[..PageMax] : refererText;
        else if (page is not null && page.Length > PageMax) Fail(LeadFields.Page, $"Die Seitenangabe darf höchstens {PageMax} Zeichen lang sein.");

        if (!IsTrue(Get(LeadFields.Consent)))
            Fail(LeadFields.Consent, "Bitte bestätige die Einwilligung, damit wir dich kontaktieren dürfen.");

        var consentVersion = Get(LeadFields.ConsentTextVersion);
        if (consentVersion is null) Fail(LeadFields.ConsentTextVersion, "Die Version des Einwilligungstextes fehlt. Bitte lade die Seite neu.");
        else if (consentVersion.Length > ConsentVersionMax) Fail(LeadFields.ConsentTextVersion, $"Die Version des Einwilligungstextes darf höchstens {ConsentVersionMax} Zeichen lang sein.");

        if (errors.Count > 0)
            return new LeadValidationResult(null, errors.ToDictionary(e => e.Key, e => (IReadOnlyList<string>)e.Value));

        return new LeadValidationResult(new LeadSubmission(
            name!, email!, phone, company, message, source,
            utmSource, utmMedium, utmCampaign, utmTerm, utmContent,
            consentVersion!, page is null ? source : $"{source}:{page}"), new Dictionary<string, IReadOnlyList<string>>());
    }

    /// <summary>Trims, lower-cases and removes invisible characters; empty becomes null.</summary>
    public static string? NormaliseEmail(string? email)
    {
        var text = NormaliseText(email);
        return text?.ToLowerInvariant();
    }

    /// <summary>Unicode NFC, control and zero-width characters removed, runs of white space folded, trimmed; empty becomes null.</summary>
    public static string? NormaliseText(string? value)
    {
        if (value is null) return null;
        var sb = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value.Normalize(NormalizationForm.FormC))
        {
            if (char.IsWhiteSpace(c)) { space = sb.Length > 0; continue; }
            if (IsInvisible(c)) continue;
            if (space) { sb.Append(' '); space = false; }
            sb.Append(c);
        }
        return sb.Length == 0 ? null : sb.ToString();
    }

    /// <summary>Like <see cref="NormaliseText"/> but keeps line breaks (at most two in a row).</summary>
    public static string? NormaliseMultiline(string? value)
    {
        if (value is null) return null;
        var lines = value.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n')
            .Select(l => NormaliseText(l) ?? "");
        var text = MultipleBlankLines().Replace(string.Join('\n', lines), "\n\n").Trim('\n');
        return text.Length == 0 ? null : text;
    }

    public static bool IsTrue(string? value) =>
        value is not null && (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1"
            || value.Equals("on", StringComparison.OrdinalIgnoreCase) || value.Equals("yes", StringComparison.OrdinalIgnoreCase)
            || value.Equals("ja", StringComparison.OrdinalIgnoreCase));

    private static bool IsInvisible(char c) =>
        char.IsControl(c) || c is '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF'
        || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;

    /// <summary>The form's e-mail check (shared with prospects the team adds): a normalised address with a plausible domain (IDN allowed).</summary>
    public static bool IsPlausibleEmail(string email)
    {
        var at = email.LastIndexOf('@');
        if (at <= 0) return false;
        string asciiDomain;
        try { asciiDomain = new IdnMapping().GetAscii(email[(at + 1)..]); }
        catch (ArgumentException) { return false; }
        var ascii = string.Concat(email.AsSpan(0, at + 1), asciiDomain.ToLowerInvariant());
        return EmailPattern().IsMatch(ascii) && MailAddress.TryCreate(ascii, out var address) && address.Address == ascii;
    }

    /// <summary>The form's phone check (shared with prospects): digits, spaces, +, -, /, . and brackets, at least six digits.</summary>
    public static bool IsPlausiblePhone(string phone) => PhonePattern().IsMatch(phone) && phone.Count(char.IsAsciiDigit) >= 6;

    [GeneratedRegex(@"^[^@\s""(),:;<>\[\]\\]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^\+?[0-9 ()/.\-]+$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex MultipleBlankLines();
}

public sealed record LeadValidationResult(LeadSubmission? Submission, IReadOnlyDictionary<string, IReadOnlyList<string>> Errors)
{
    public bool IsValid => Submission is not null;
}
