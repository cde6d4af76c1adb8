using System.Globalization;
using System.Text.RegularExpressions;

namespace Leitstand.Leads;

/// <summary>
/// Checks a prospect the team adds by hand and brings it into the stored form: e-mail and phone as the lead
/// form does (<see cref="LeadValidator"/>), a channel handle as the name alone (lower case, without "@" or
/// the profile URL), and a consent only where the contact basis is the form. Every message is German and
/// names what to fix.
/// </summary>
public static partial class ProspectValidator
{
    public const int SourceMax = 100;
    public const int ConsentSourceMax = 300;
    public static readonly IReadOnlyList<string> Channels = ["instagram", "x", "linkedin", "other"];
    public static readonly IReadOnlyList<string> ContactBases = ["form", "existing_customer", "referral", "cold"];

    /// <summary>A clock skew or a typo: times later than this after now are refused.</summary>
    public static readonly TimeSpan MaxFuture = TimeSpan.FromMinutes(5);

    /// <summary>The body of <c>POST /api/prospects</c> (snake_case in JSON).</summary>
    public sealed record Request(
        string? Name, string? Email, string? Handle, string? HandleChannel, string? Company, string? Phone, string? Source,
        string? ContactBasis, string? ConsentTextVersion, string? ConsentSource, string? ConsentAt);

    public static ProspectValidation Validate(Request request, DateTimeOffset now)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Fail(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            list.Add(message);
        }

        var contact = ValidateContact(request.Name, request.Email, request.Handle, request.HandleChannel, request.Company, request.Phone, Fail);

        var source = LeadValidator.NormaliseText(request.Source);
        if (source is not null && source.Length > SourceMax) Fail("source", $"Die Quelle darf höchstens {SourceMax} Zeichen lang sein.");

        var basis = LeadValidator.NormaliseText(request.ContactBasis)?.ToLowerInvariant();
        if (basis is null) Fail("contact_basis", "Bitte die Kontaktgrundlage angeben: form, existing_customer, referral oder cold.");
        else if (!ContactBases.Contains(basis)) Fail("contact_basis", "Unbekannte Kontaktgrundlage. Erlaubt: form, existing_customer, referral, cold.");

        var consentVersion = LeadValidator.NormaliseText(request.ConsentTextVersion);
        var consentSource = LeadValidator.NormaliseText(request.ConsentSource);
        var consentAtText = LeadValidator.NormaliseText(request.ConsentAt);
        DateTimeOffset? consentAt = null;
        if (basis == "form")
        {
            // DSGVO Art. 7: only a consent that can be proven (which text, where) makes the form a contact basis.
            if (consentVersion is null) Fail("consent_text_version", "Bei Kontaktgrundlage „form“ bitte die Version des Einwilligungstextes angeben.");
            else if (consentVersion.Length > LeadValidator.ConsentVersionMax)
                Fail("consent_text_version", $"Die Version des Einwilligungstextes darf höchstens {LeadValidator.ConsentVersionMax} Zeichen lang sein.");
            if (consentSource is null) Fail("consent_source", "Bei Kontaktgrundlage „form“ bitte angeben, wo eingewilligt wurde (z. B. landing-page:/).");
            else if (consentSource.Length > ConsentSourceMax) Fail("consent_source", $"Die Quelle der Einwilligung darf höchstens {ConsentSourceMax} Zeichen lang sein.");
            if (consentAtText is not null)
            {
                if (ParseTime(consentAtText) is not { } at) Fail("consent_at", TimeFormatMessage);
                else if (at > now + MaxFuture) Fail("consent_at", "Der Zeitpunkt der Einwilligung darf nicht in der Zukunft liegen.");
                else consentAt = at;
            }
        }
        else if (basis is not null && (consentVersion ?? consentSource ?? consentAtText) is not null)
        {
            // A consent belongs to the form; recorded elsewhere it would look provable without being so.
            var field = consentVersion is not null ? "consent_text_version" : consentSource is not null ? "consent_source" : "consent_at";
            Fail(field, "Eine Einwilligung wird nur mit Kontaktgrundlage „form“ erfasst.");
        }

        if (errors.Count > 0) return new ProspectValidation(null, errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
        return new ProspectValidation(new Prospect(contact.Name!, contact.Email, contact.HandleChannel, contact.Handle, contact.Company, contact.Phone, source, basis!,
            basis == "form" ? (consentAt ?? now).UtcDateTime : null,
            basis == "form" ? consentVersion : null,
            basis == "form" ? consentSource : null), new Dictionary<string, string[]>());
    }

    /// <summary>
    /// The contact fields of a lead (name, e-mail, handle with its channel, company, phone) checked and normalised:
    /// for a new prospect and for a correction of any lead (<see cref="EditLead"/>), the same rules and messages.
    /// Problems go to <paramref name="fail"/> (field, German message).
    /// </summary>
    public static ContactFields ValidateContact(string? rawName, string? rawEmail, string? rawHandleValue, string? rawChannel, string? rawCompany,
        string? rawPhone, Action<string, string> fail)
    {
        void Fail(string field, string message) => fail(field, message);
        var name = LeadValidator.NormaliseText(rawName);
        if (name is null) Fail("name", "Bitte den Namen angeben.");
        else if (name.Length > LeadValidator.NameMax) Fail("name", $"Der Name darf höchstens {LeadValidator.NameMax} Zeichen lang sein.");

        var email = LeadValidator.NormaliseEmail(rawEmail);
        if (email is not null)
        {
            if (email.Length > LeadValidator.EmailMax) Fail("email", $"Die E-Mail-Adresse darf höchstens {LeadValidator.EmailMax} Zeichen lang sein.");
            else if (!LeadValidator.IsPlausibleEmail(email)) Fail("email", "Bitte eine gültige E-Mail-Adresse angeben, z. B. name@firma.de.");
        }

        var channel = LeadValidator.NormaliseText(rawChannel)?.ToLowerInvariant();
        var rawHandle = LeadValidator.NormaliseText(rawHandleValue);
        string? handle = null;
        if (channel is not null && !Channels.Contains(channel))
            Fail("handle_channel", "Unbekannter Kanal. Erlaubt: instagram, x, linkedin, other.");
        else if (channel is null && rawHandle is not null)
            Fail("handle_channel", "Bitte den Kanal zum Handle angeben: instagram, x, linkedin oder other.");
        else if (channel is not null && rawHandle is null)
            Fail("handle", $"Bitte den Handle für {channel} angeben (Name oder Profil-URL).");
        else if (channel is not null)
        {
            var (value, error) = NormaliseHandle(rawHandle!, channel);
            if (error is not null) Fail("handle", error);
            handle = value;
        }

        // Reported only when neither was given at all; a wrong one has its own message.
        if (email is null && rawHandle is null && channel is null)
        {
            Fail("email", "Bitte eine E-Mail-Adresse oder einen Handle (mit Kanal) angeben.");
            Fail("handle", "Bitte eine E-Mail-Adresse oder einen Handle (mit Kanal) angeben.");
        }

        var company = LeadValidator.NormaliseText(rawCompany);
        if (company is not null && company.Length > LeadValidator.CompanyMax)
            Fail("company", $"Der Firmenname darf höchstens {LeadValidator.CompanyMax} Zeichen lang sein.");

        var phone = LeadValidator.NormaliseText(rawPhone);
        if (phone is not null)
        {
            if (phone.Length > LeadValidator.PhoneMax) Fail("phone", $"Die Telefonnummer darf höchstens {LeadValidator.PhoneMax} Zeichen lang sein.");
            else if (!LeadValidator.IsPlausiblePhone(phone)) Fail("phone", "Bitte eine gültige Telefonnummer angeben (Ziffern, Leerzeichen, +, -, / und Klammern).");
        }

        return new ContactFields(name, email, channel, handle, company, phone);
    }

    /// <summary>
    /// The handle as stored: trimmed, without a leading "@", lower case; a profile URL of the channel
    /// (instagram.com/name, x.com/name or twitter.com/name, linkedin.com/in/name) gives its name.
    /// </summary>
    public static (string? Handle, string? Error) NormaliseHandle(string raw, string channel)
    {
        var text = raw.Trim();
        if (LooksLikeUrl(text))
        {
            var (name, error) = NameFromUrl(text, channel);
            if (error is not null) return (null, error);
            text = name!;
        }
        if (text.StartsWith('@')) text = text[1..];
        text = text.ToLowerInvariant();
        return HandlePattern().IsMatch(text)
            ? (text, null)
            : (null, "Der Handle darf nur a–z, Ziffern, Punkt, Unterstrich und Bindestrich enthalten, muss mit einem Buchstaben oder einer Ziffer beginnen und höchstens 100 Zeichen lang sein.");
    }

    private static bool LooksLikeUrl(string text) =>
        text.Contains("://", StringComparison.Ordinal) || text.StartsWith("www.", StringComparison.OrdinalIgnoreCase) || HostWithPath().IsMatch(text);

    private static (string? Name, string? Error) NameFromUrl(string text, string channel)
    {
        if (channel == "other") return (null, "Für den Kanal „other“ bitte nur den Namen angeben, keine URL.");
        var example = channel switch
        {
            "instagram" => "https://www.instagram.com/name/",
            "x" => "https://x.com/name",
            _ => "https://www.linkedin.com/in/name",
        };
        var withScheme = text.Contains("://", StringComparison.Ordinal) ? text : "https://" + text;
        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            return (null, $"Ungültige Profil-URL. Erwartet wird z. B. {example} oder nur der Name.");

        var host = uri.Host.ToLowerInvariant();
        foreach (var prefix in new[] { "www.", "m.", "mobile." })
            if (host.StartsWith(prefix, StringComparison.Ordinal)) { host = host[prefix.Length..]; break; }
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();

        var name = channel switch
        {
            "instagram" when host == "instagram.com" && segments.Length >= 1 && !InstagramPaths.Contains(segments[0].ToLowerInvariant()) => segments[0],
            "x" when host is "x.com" or "twitter.com" && segments.Length >= 1 && !XPaths.Contains(segments[0].ToLowerInvariant()) => segments[0],
            "linkedin" when (host == "linkedin.com" || host.EndsWith(".linkedin.com", StringComparison.Ordinal))
                            && segments.Length >= 2 && segments[0].Equals("in", StringComparison.OrdinalIgnoreCase) => segments[1],
            _ => null,
        };
        return name is null
            ? (null, $"Das ist keine Profil-URL von {channel}. Erwartet wird z. B. {example} oder nur der Name.")
            : (name, null);
    }

    // First path segments that are pages of the site, not profiles (a post's or search's URL).
    private static readonly HashSet<string> InstagramPaths = ["p", "reel", "reels", "stories", "explore", "tv", "accounts", "direct"];
    private static readonly HashSet<string> XPaths = ["i", "home", "search", "intent", "hashtag", "explore", "settings", "messages", "notifications", "share"];

    public const string TimeFormatMessage = "Erwartet wird eine ISO-8601-Zeit mit Zeitzone, z. B. 2026-12-01T14:30:00+01:00 oder 2026-12-01T13:30:00Z.";

    /// <summary>An ISO 8601 time with an explicit offset (without one the meaning would depend on the server's zone).</summary>
    public static DateTimeOffset? ParseTime(string text) =>
        IsoTimeWithOffset().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : null;

    /// <summary>The database's check on leads.handle.</summary>
    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]{0,99}$")]
    private static partial Regex HandlePattern();

    [GeneratedRegex(@"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+/", RegexOptions.CultureInvariant)]
    private static partial Regex HostWithPath();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoTimeWithOffset();
}

/// <summary>A prospect as stored (normalised); consent only with contact basis "form".</summary>
public sealed record Prospect(
    string Name, string? Email, string? HandleChannel, string? Handle, string? Company, string? Phone, string? Source,
    string ContactBasis, DateTime? ConsentAt, string? ConsentTextVersion, string? ConsentSource);

/// <summary>Contact fields as stored (normalised); <see cref="Name"/> null only when it was refused.</summary>
public sealed record ContactFields(string? Name, string? Email, string? HandleChannel, string? Handle, string? Company, string? Phone);

public sealed record ProspectValidation(Prospect? Prospect, IReadOnlyDictionary<string, string[]> Errors);
