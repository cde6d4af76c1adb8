using System.Diagnostics;
using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Retention;

/// <summary>
/// The public pages' build for Netlify (web/landing/build.mjs): without the operator's details or the Function App's
/// URL it fails with a German message; with them every page carries the real details, posts the form to the Function
/// App, states the retention periods and says "Platzhalter" nowhere; _headers allows the form to post there.
/// </summary>
public sealed class PublicPagesBuildTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), "leitstand-landing-" + Guid.NewGuid().ToString("N"));

    private static readonly Dictionary<string, string> Operator = new()
    {
        ["LANDING_API_BASE"] = "https://leitstand-func-test.azurewebsites.net",
        ["LANDING_OPERATOR_NAME"] = "Agentenwerk Berlin GmbH",
        ["LANDING_OPERATOR_STREET"] = "Torstraße 12",
        ["LANDING_OPERATOR_CITY"] = "10119 Berlin",
        ["LANDING_OPERATOR_EMAIL"] = "hallo@agentenwerk.berlin",
        ["LANDING_OPERATOR_REPRESENTATIVE"] = "Mara Werk",
    };

    public void Dispose()
    {
        if (Directory.Exists(_out)) Directory.Delete(_out, recursive: true);
    }

    private async Task<(int Code, string Output)> BuildAsync(IReadOnlyDictionary<string, string> env)
    {
        var psi = new ProcessStartInfo("node") { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(RepoPaths.Landing, "build.mjs"), "--out", _out }) psi.ArgumentList.Add(arg);
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("LANDING_", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(key);
        foreach (var (key, value) in env) psi.Environment[key] = value;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stderr + await stdout);
    }

    [Theory]
    [InlineData("LANDING_API_BASE")]
    [InlineData("LANDING_OPERATOR_NAME")]
    [InlineData("LANDING_OPERATOR_STREET")]
    [InlineData("LANDING_OPERATOR_CITY")]
    [InlineData("LANDING_OPERATOR_EMAIL")]
    [InlineData("LANDING_OPERATOR_REPRESENTATIVE")]
    public async Task A_build_without_an_operator_variable_fails_in_German_and_ships_nothing(string missing)
    {
        var env = new Dictionary<string, string>(Operator);
        env.Remove(missing);

        var (code, output) = await BuildAsync(env);

        Assert.NotEqual(0, code);
        Assert.Contains("Die öffentlichen Seiten werden nicht gebaut", output);
        Assert.Contains(missing, output);
        Assert.False(File.Exists(Path.Combine(_out, "index.html")));
    }

    [Fact]
    public async Task A_build_with_an_api_base_that_is_not_https_fails()
    {
        var (code, output) = await BuildAsync(new Dictionary<string, string>(Operator) { ["LANDING_API_BASE"] = "http://leitstand.example/api" });

        Assert.NotEqual(0, code);
        Assert.Contains("LANDING_API_BASE muss eine https-Adresse ohne Pfad sein", output);
    }

    [Fact]
    public async Task The_built_pages_carry_the_operator_post_to_the_function_app_and_hold_no_placeholder()
    {
        var (code, output) = await BuildAsync(Operator);

        Assert.True(code == 0, output);
        var pages = Directory.GetFiles(RepoPaths.Landing, "*.html").Select(Path.GetFileName).ToList();
        Assert.Contains("datenschutz.html", pages);
        foreach (var name in pages)
        {
            var html = File.ReadAllText(Path.Combine(_out, name!));
            foreach (var leftover in new[] { "Platzhalter", "example.de", "Musterstraße", "(lokal)", "data-local-only", "data-operator-if" })
                Assert.False(html.Contains(leftover, StringComparison.Ordinal), $"{name} contains „{leftover}“.");
            Assert.Contains("Agentenwerk Berlin GmbH", html);
        }
        var impressum = File.ReadAllText(Path.Combine(_out, "impressum.html"));
        foreach (var value in new[] { "Torstraße 12", "10119 Berlin", "Mara Werk", "mailto:hallo@agentenwerk.berlin" }) Assert.Contains(value, impressum);
        Assert.DoesNotContain("USt-IdNr.", impressum);   // optional and not set
        Assert.Contains("action=\"https://leitstand-func-test.azurewebsites.net/api/leads\"", File.ReadAllText(Path.Combine(_out, "index.html")));
        Assert.Contains("<li><strong>Anfragen und Leads ohne Auftrag:</strong> 12 Monate nach dem letzten Kontakt</li>",
            File.ReadAllText(Path.Combine(_out, "datenschutz.html")));
        Assert.True(File.Exists(Path.Combine(_out, "styles.css")));
        Assert.True(File.Exists(Path.Combine(_out, "form.js")));
        Assert.False(File.Exists(Path.Combine(_out, "retention.json")));
        var csp = StaticSite.ReadHeaders(Path.Combine(_out, "_headers")).Single(h => h.Name == "Content-Security-Policy").Value;
        Assert.Contains("form-action 'self' https://leitstand-func-test.azurewebsites.net", csp);
        Assert.Contains("script-src 'self'", csp);
    }

    [Fact]
    public async Task Every_built_page_has_the_shared_header_and_footer_written_once_in_partials()
    {
        var (code, output) = await BuildAsync(Operator);

        Assert.True(code == 0, output);
        foreach (var name in Directory.GetFiles(RepoPaths.Landing, "*.html").Select(Path.GetFileName))
        {
            var html = File.ReadAllText(Path.Combine(_out, name!));
            Assert.Contains("<header class=\"site-header\">", html);
            Assert.Contains("<footer class=\"site-footer\">", html);
            Assert.Contains("<a href=\"impressum.html\">Impressum</a>", html);
            Assert.Contains("<span>© <span data-operator=\"name\">Agentenwerk Berlin GmbH</span></span>", html);
            Assert.DoesNotContain("data-partial", html);
            Assert.DoesNotContain("<!-- slot -->", html);
        }
        Assert.Contains("<a class=\"header-cta\" href=\"#anfrage\">", File.ReadAllText(Path.Combine(_out, "index.html")));
        Assert.DoesNotContain("header-cta", File.ReadAllText(Path.Combine(_out, "danke.html")));
        Assert.False(Directory.Exists(Path.Combine(_out, "partials")));
    }

    [Fact]
    public async Task Optional_phone_and_vat_id_appear_when_set()
    {
        var (code, output) = await BuildAsync(new Dictionary<string, string>(Operator)
        {
            ["LANDING_OPERATOR_PHONE"] = "+49 30 1234567", ["LANDING_OPERATOR_VAT_ID"] = "DE123456789",
        });

        Assert.True(code == 0, output);
        var impressum = File.ReadAllText(Path.Combine(_out, "impressum.html"));
        Assert.Contains("href=\"tel:+49301234567\">+49 30 1234567</a>", impressum);
        Assert.Contains("DE123456789", impressum);
    }
}
