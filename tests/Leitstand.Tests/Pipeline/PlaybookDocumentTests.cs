using Leitstand.LocalHost.Stack;
using Leitstand.Pipeline;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Pipeline;

[Collection(StackCollection.Name)]
public sealed class PlaybookDocumentTests(StackFixture stack)
{
    [Fact]
    public async Task Template_documents_in_docs_match_the_playbook_rows_of_the_migrations()
    {
        await using var connection = await stack.Admin.OpenConnectionAsync();
        var rendered = await PlaybookDocuments.RenderAsync(connection);

        Assert.NotEmpty(rendered);
        foreach (var (path, markdown) in rendered)
        {
            var file = Path.Combine(RepoPaths.Root, "docs", path);
            Assert.True(File.Exists(file), $"docs/{path} is missing: run `dotnet run --project host -- --render-docs`.");
            Assert.True(markdown == await File.ReadAllTextAsync(file),
                $"docs/{path} differs from the playbook rows: change the data (migration), then run `dotnet run --project host -- --render-docs`.");
        }
    }

    [Theory]
    [InlineData("stage_changed", 172800, "2 Tage nach dem Stufenwechsel")]
    [InlineData("stage_changed", 86400, "1 Tag nach dem Stufenwechsel")]
    [InlineData("stage_changed", 14400, "4 Stunden nach dem Stufenwechsel")]
    [InlineData("call_at", -7200, "2 Stunden vor dem Call")]
    [InlineData("call_at", 1800, "30 Minuten nach dem Call")]
    [InlineData("stage_changed", 0, "sofort")]
    public void Due_times_read_as_German(string anchor, long seconds, string expected) =>
        Assert.Equal(expected, PlaybookDocuments.Due(anchor, seconds));
}
