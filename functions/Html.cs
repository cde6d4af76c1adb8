namespace Leitstand.Functions;

/// <summary>HTML text for the functions' own small pages.</summary>
public static class Html
{
    /// <summary>Escapes what HTML needs escaped and leaves umlauts readable.</summary>
    public static string Encode(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal);
}
