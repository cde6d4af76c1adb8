using Leitstand.Functions.Privacy;
using Leitstand.LocalHost.Functions;
using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Privacy;

/// <summary>
/// The Auskunft page's one inline style is allowed by its hash everywhere the page is shown: in its own policy, and in
/// the status center's (the page opens there as a Blob URL and inherits the status center's policy): the local host's
/// header, the build's meta tag and Netlify's _headers (web/status/vite.config.mjs names the hash).
/// </summary>
public sealed class ExportPageStyleTests
{
    [Fact]
    public void The_page_allows_its_style_by_hash_and_nothing_inline_else()
    {
        Assert.Matches(@"^'sha256-[A-Za-z0-9+/]{43}='$", ExportPage.StyleSource);
        Assert.Contains($"style-src {ExportPage.StyleSource};", ExportPage.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", ExportPage.ContentSecurityPolicy, StringComparison.Ordinal);
    }

    [Fact]
    public void The_status_center_build_names_the_hash_of_the_page_style()
    {
        var config = File.ReadAllText(Path.Combine(RepoPaths.Root, "web", "status", "vite.config.mjs"));
        Assert.True(config.Contains($"export const AUSKUNFT_STYLE_SOURCE = \"{ExportPage.StyleSource}\";", StringComparison.Ordinal),
            $"ExportPage.Style changed: set AUSKUNFT_STYLE_SOURCE in web/status/vite.config.mjs to \"{ExportPage.StyleSource}\", or the Auskunft page shows unstyled when opened from the status center.");
    }

    [Fact]
    public void The_status_center_policies_allow_the_page_style()
    {
        Assert.Contains($"style-src 'self' {ExportPage.StyleSource};", FunctionsWebHost.StatusCenterCsp, StringComparison.Ordinal);
        // the build in web/status/dist (scripts/test builds it): meta tag and Netlify's headers
        var html = File.ReadAllText(Path.Combine(RepoPaths.StatusCenter, "index.html"));
        Assert.Contains($"style-src 'self' {ExportPage.StyleSource};", html, StringComparison.Ordinal);
        var header = StaticSite.ReadHeaders(Path.Combine(RepoPaths.StatusCenter, "_headers")).Single(h => h.Name == "Content-Security-Policy" && h.Path == "/*").Value;
        Assert.Contains($"style-src 'self' {ExportPage.StyleSource};", header, StringComparison.Ordinal);
    }
}
