using Leitstand.Retention;

namespace Leitstand.Tests.Retention;

/// <summary>The retention periods are checked at start: a bad value names its setting.</summary>
public sealed class RetentionSettingsTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.Empty(new RetentionSettings().Validate());
    }

    [Theory]
    [InlineData(nameof(RetentionSettings.OpenLeadMonths), 0, "Retention__OpenLeadMonths must be between 1 and 120, got 0.")]
    [InlineData(nameof(RetentionSettings.CustomerMonths), 241, "Retention__CustomerMonths must be between 1 and 240, got 241.")]
    [InlineData(nameof(RetentionSettings.OutboxDays), -1, "Retention__OutboxDays must be between 1 and 3650, got -1.")]
    [InlineData(nameof(RetentionSettings.RateLimitDays), 0, "Retention__RateLimitDays must be between 1 and 365, got 0.")]
    public void A_period_out_of_range_is_refused_with_the_setting_named(string property, int value, string message)
    {
        var settings = new RetentionSettings();
        typeof(RetentionSettings).GetProperty(property)!.SetValue(settings, value);

        Assert.Equal([message], settings.Validate());
    }

    [Fact]
    public void Never_contacted_prospects_are_not_kept_longer_than_other_leads()
    {
        var settings = new RetentionSettings { OpenLeadMonths = 6, UncontactedProspectMonths = 9 };

        var error = Assert.Single(settings.Validate());
        Assert.StartsWith("Retention__UncontactedProspectMonths (9) must not exceed Retention__OpenLeadMonths (6)", error);
    }
}
