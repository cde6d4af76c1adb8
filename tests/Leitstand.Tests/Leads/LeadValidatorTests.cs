using Leitstand.Leads;

namespace Leitstand.Tests.Leads;

public sealed class LeadValidatorTests
{
    private static Dictionary<string, string?> Fields(params (string Key, string? Value)[] overrides)
    {
        var fields = LeadForms.Valid("anna@example.de");
        foreach (var (key, value) in overrides) fields[key] = value;
        return fields;
    }

    [Fact]
    public void Valid_submission_is_normalised()
    {
        var result = LeadValidator.Validate(Fields(("name", "  Anna \t  Beispiel\u200B "), ("email", "  Anna.Beispiel@Example.DE "), ("company", "   ")));

        Assert.True(result.IsValid);
        Assert.Equal("Anna Beispiel", result.Submission!.Name);
        Assert.Equal("anna.beispiel@example.de", result.Submission.Email);
        Assert.Null(result.Submission.Company);
        Assert.Equal("2026-11-25", result.Submission.ConsentTextVersion);
    }

    [Fact]
    public void Missing_required_fields_get_a_German_message_each()
    {
        var result = LeadValidator.Validate(new Dictionary<string, string?>());

        Assert.False(result.IsValid);
        Assert.Equal(["consent", "consent_text_version", "email", "name"], result.Errors.Keys.Order());
        Assert.Contains("Namen", result.Errors["name"][0]);
        Assert.Contains("E-Mail-Adresse", result.Errors["email"][0]);
        Assert.Contains("Einwilligung", result.Errors["consent"][0]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("false")]
    [InlineData("nein")]
    public void Consent_must_be_given(string? consent)
    {
        var result = LeadValidator.Validate(Fields(("consent", consent)));

        Assert.Equal(["consent"], result.Errors.Keys);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("on")]
    [InlineData("1")]
    public void Consent_accepts_what_browsers_and_clients_send(string consent) =>
        Assert.True(LeadValidator.Validate(Fields(("consent", consent))).IsValid);

    [Theory]
    [InlineData("anna")]
    [InlineData("anna@")]
    [InlineData("anna@example")]
    [InlineData("anna@@example.de")]
    [InlineData("anna beispiel@example.de@x")]
    [InlineData("anna@exa mple.de")]
    [InlineData("<anna@example.de>")]
    public void Implausible_emails_are_refused(string email)
    {
        var result = LeadValidator.Validate(Fields(("email", email)));

        Assert.Equal(["email"], result.Errors.Keys);
        Assert.Contains("gültige E-Mail-Adresse", result.Errors["email"][0]);
    }

    [Fact]
    public void Email_with_umlaut_domain_is_accepted() =>
        Assert.True(LeadValidator.Validate(Fields(("email", "info@müller-bau.de"))).IsValid);

    [Theory]
    [InlineData("name", 121)]
    [InlineData("company", 121)]
    [InlineData("message", 1001)]
    [InlineData("utm_campaign", 101)]
    [InlineData("consent_text_version", 41)]
    public void Overlong_fields_are_refused_with_their_limit(string field, int length)
    {
        var result = LeadValidator.Validate(Fields((field, new string('x', length))));

        Assert.Equal([field], result.Errors.Keys);
        Assert.Contains((length - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), result.Errors[field][0]);
    }

    [Theory]
    [InlineData("0170 abc")]
    [InlineData("12345")]
    public void Implausible_phone_numbers_are_refused(string phone) =>
        Assert.Equal(["phone"], LeadValidator.Validate(Fields(("phone", phone))).Errors.Keys);

    [Fact]
    public void Message_keeps_line_breaks_but_drops_control_characters()
    {
        var result = LeadValidator.Validate(Fields(("message", "Hallo\r\n\r\n\r\n\r\nzweite\u0007 Zeile  ")));

        Assert.Equal("Hallo\n\nzweite Zeile", result.Submission!.Message);
    }

    [Fact]
    public void Consent_source_is_the_source_with_the_page_else_the_referer()
    {
        Assert.Equal("landing-page:/", LeadValidator.Validate(Fields()).Submission!.ConsentSource);
        Assert.Equal("landing-page:https://example.de/angebot", LeadValidator.Validate(Fields(("page", null)), "https://example.de/angebot").Submission!.ConsentSource);
        Assert.Equal("landing-page", LeadValidator.Validate(Fields(("page", null))).Submission!.ConsentSource);
    }
}
