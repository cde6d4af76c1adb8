using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Privacy;

/// <summary>
/// After an erasure no row in any table of schema public holds the person's name, e-mail, phone or handle: every text,
/// JSON and array column is scanned, found through information_schema, so a new table is covered without a change here.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class EraseLeadLeavesNoTraceTests(StackFixture stack) : ErasureTestBase(stack)
{
    [Fact]
    public async Task No_column_of_any_public_table_contains_the_persons_name_email_phone_or_handle_afterwards()
    {
        var person = await PersonAsync();
        var other = await PersonAsync();
        // Before: the person is everywhere the data says (the scan finds what it looks for).
        var before = await FindAnywhereAsync(person.Strings);
        foreach (var place in new[] { "leads.name", "leads.email", "leads.phone", "leads.handle", "lead_touchpoints.note", "tasks.title",
                     "tasks.details", "agent_workflows.name", "onboarding_answers.answers", "install_run_items.reason", "alerts.body",
                     "outbox_messages.payload", "kpi_period_figures.figures", "deals.price_reason", "alert_deliveries.last_error" })
            Assert.Contains(before, hit => hit.StartsWith(place + ":", StringComparison.Ordinal));

        Assert.True((await EraseAsync(person.LeadId)).IsSuccessStatusCode);

        Assert.Empty(await FindAnywhereAsync(person.Strings));
        // The other person is untouched.
        Assert.Contains(await FindAnywhereAsync([other.Name]), hit => hit.StartsWith("leads.name:", StringComparison.Ordinal));
        Assert.Equal(other.Name, await ScalarAsync<string>("select name from leads where id = @LeadId", other));
    }
}
