using System.Text.RegularExpressions;

namespace Leitstand.Outbox;

/// <summary>Azure Storage queue names: 3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit.</summary>
public static partial class QueueNames
{
    public static bool IsValid(string name) => Rule().IsMatch(name) && !name.Contains("--", StringComparison.Ordinal);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex Rule();
}
