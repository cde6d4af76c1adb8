using System.Text.RegularExpressions;
using Dapper;
using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Privacy;

/// <summary>
/// public.code_labels (the German labels the Auskunft reads) says the same as the status center: each set that the
/// status center also keeps as a constant (web/status/src) has exactly its codes and labels, in every file that keeps one.
/// </summary>
[Collection(StackCollection.Name)]
public sealed partial class CodeLabelsTests(StackFixture stack)
{
    public static TheoryData<string, string, string> StatusCenterConstants => new()
    {
        { "contact_basis", "leads.js", "BASES" },
        { "handle_channel", "leads.js", "HANDLE_CHANNELS" },
        { "handle_channel", "pipeline.js", "HANDLE_CHANNELS" },
        { "handle_channel", "widersprueche.js", "CHANNELS" },
        { "task_outcome_channel", "heute.js", "CHANNELS" },
        { "deal_status", "deal.js", "STATUS" },
        { "install_item_state", "installs.js", "STATE" },
        { "agent_status", "agent.js", "STATUS" },
        { "agent_status", "agenten.js", "STATUS" },
        { "severity", "agent.js", "SEVERITY" },
        { "severity", "agenten.js", "SEVERITY" },
        { "severity", "alert.js", "SEVERITY" },
        { "severity", "incident.js", "SEVERITY" },
        { "incident_status", "agent.js", "INCIDENT_STATUS" },
        { "incident_status", "agenten.js", "INCIDENT_STATUS" },
        { "incident_status", "incident.js", "STATUS" },
        { "incident_event", "incident.js", "EVENTS" },
        { "incident_event", "agenten.js", "EVENTS" },
        { "command_status", "agent.js", "COMMAND_STATUS" },
        { "workflow_run_state", "agent.js", "RUN_STATE" },
        { "workflow_run_state", "agenten.js", "RUN_STATE" },
        { "alert_channel", "agenten.js", "CHANNELS" },
        { "alert_delivery_state", "alert.js", "STATE" },
        { "erasure_reason", "erasure.js", "ERASURE_REASONS" },
    };

    [Theory]
    [MemberData(nameof(StatusCenterConstants))]
    public async Task A_label_set_equals_the_status_center_constant(string set, string file, string constant)
    {
        var js = StatusCenterLabels(file, constant);
        Assert.True(js.Count >= 2, $"{file}: {constant} not found or not a list of codes and labels");
        await using var connection = await stack.Admin.OpenConnectionAsync();
        var sql = (await connection.QueryAsync<(string Code, string Label)>(
            "select code, label from code_labels where code_set = @set", new { set })).ToDictionary(r => r.Code, r => r.Label);

        Assert.Equal(js.OrderBy(p => p.Key, StringComparer.Ordinal), sql.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    /// <summary>The codes and labels of <c>const NAME = { code: 'Label', … }</c> or <c>const NAME = [['code', 'Label'], …]</c>.</summary>
    private static Dictionary<string, string> StatusCenterLabels(string file, string constant)
    {
        var source = File.ReadAllText(Path.Combine(RepoPaths.Root, "web", "status", "src", file));
        var start = Regex.Match(source, $@"\bconst {constant} = (?<open>[{{\[])");
        if (!start.Success) return [];
        var open = start.Groups["open"].Value[0];
        var close = open == '{' ? '}' : ']';
        int depth = 0, i = start.Groups["open"].Index;
        do
        {
            if (source[i] == open) depth++;
            else if (source[i] == close) depth--;
            i++;
        } while (depth > 0 && i < source.Length);
        var body = source[start.Groups["open"].Index..i];
        return (open == '{' ? ObjectEntry() : ArrayEntry()).Matches(body)
            .ToDictionary(m => m.Groups["code"].Value, m => m.Groups["label"].Value);
    }

    [GeneratedRegex(@"(?:'(?<code>[^']*)'|(?<code>\w+)):\s*'(?<label>[^']*)'")]
    private static partial Regex ObjectEntry();

    [GeneratedRegex(@"\[\s*'(?<code>[^']*)',\s*'(?<label>[^']*)'\s*\]")]
    private static partial Regex ArrayEntry();
}
