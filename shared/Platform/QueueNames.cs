using System.Text.RegularExpressions;

namespace Leitstand.Platform;

/// <summary>
/// Azure Storage queue names: 3-63 lower-case letters, digits and single hyphens, starting and ending with a
/// letter or digit. The one rule for the settings that name queues and for the local host's queue triggers.
/// </summary>
public static partial class QueueNames
{
    /// <summary>The rule in words, for messages.</summary>
    public const string RuleText = "3-63 lower-case letters, digits and single '-'";

    public static bool IsValid(string name) => Rule().IsMatch(name) && !name.Contains("--", StringComparison.Ordinal);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex Rule();
}
