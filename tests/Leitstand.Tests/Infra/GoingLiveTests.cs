using System.Text.RegularExpressions;
using Leitstand.LocalHost.Stack;

namespace Leitstand.Tests.Infra;

/// <summary>
/// One path to go live: the CI workflow (which cannot run here), the README's "Deploy" section and the runbook
/// give the same steps, and the runbook covers every secret the Bicep references.
/// </summary>
public sealed class GoingLiveTests
{
    private static string Read(params string[] path) => File.ReadAllText(Path.Combine([RepoPaths.Root, .. path]));

    private static string ReadmeSection(string heading)
    {
        var readme = Read("README.md");
        var start = readme.IndexOf($"\n## {heading}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README has no section '## {heading}'.");
        var end = readme.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        return readme[start..(end < 0 ? readme.Length : end)];
    }

    // The steps, as CI runs them and as a person types them.
    public static TheoryData<string> Steps() =>
    [
        "bash .ci/run",
        "dotnet publish functions/Leitstand.Functions.csproj -c Release -r linux-x64 --self-contained false -o publish",
        "-f infra/bicep/main.bicep -p infra/bicep/prod.bicepparam",
        "supabase db push --db-url",
        "az functionapp deployment source config-zip",
    ];

    [Theory]
    [MemberData(nameof(Steps))]
    public void The_ci_workflow_and_the_readme_deploy_section_take_the_same_step(string step)
    {
        Assert.Contains(step, Read(".github", "workflows", "ci.yml"), StringComparison.Ordinal);
        Assert.Contains(step, ReadmeSection("Deploy"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_ci_workflow_deploys_only_main_after_the_tests_and_signs_in_to_azure_without_a_stored_secret()
    {
        var workflow = Read(".github", "workflows", "ci.yml");

        Assert.Contains("needs: test", workflow, StringComparison.Ordinal);
        Assert.Contains("if: github.event_name == 'push' && github.ref == 'refs/heads/main'", workflow, StringComparison.Ordinal);
        Assert.Contains("id-token: write", workflow, StringComparison.Ordinal);
        Assert.Contains("uses: azure/login@", workflow, StringComparison.Ordinal);
        Assert.DoesNotContain("client-secret", workflow, StringComparison.Ordinal);
        Assert.DoesNotContain("creds:", workflow, StringComparison.Ordinal);
    }

    [Fact]
    public void The_runbook_covers_first_deployment_webhook_rotation_rollback_and_logs_and_every_referenced_secret()
    {
        var runbook = Read("docs", "betrieb", "deployment.md");
        foreach (var heading in new[] { "## Datenbankverbindung", "## Erstes Deployment", "## Geheimnisse rotieren", "## Zurückrollen", "## Wo die Logs sind" })
            Assert.Contains(heading, runbook, StringComparison.Ordinal);
        Assert.Contains("install_pipeline_webhook", runbook, StringComparison.Ordinal);
        Assert.Contains("keys/rotate", runbook, StringComparison.Ordinal);

        var secretNames = SecretName().Matches(BicepSource.MainBicep()).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(secretNames);
        var rotation = runbook[runbook.IndexOf("## Geheimnisse rotieren", StringComparison.Ordinal)..];
        Assert.All(secretNames, name => Assert.Contains($"`{name}`", rotation, StringComparison.Ordinal));
    }

    // The values of "var secretNames = { key: 'name' … }" in main.bicep.
    private static Regex SecretName() => new(@"(?<=var secretNames = \{[^}]*)^\s+\w+: '([a-z0-9-]+)'$", RegexOptions.Multiline);
}
