using System.Net;
using System.Net.Http.Json;
using Leitstand.Kpi;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Kpi;

/// <summary>
/// Issue 21: the LOST move takes a reason's code (public.lost_reasons) and an optional free note; the note stays on
/// the lead, the stage history and the KPI figures (live and kept) know only the code, and the board groups by the
/// codes' German labels.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class LostReasonCodesTests(StackFixture stack) : KpiTestBase(stack)
{
    private static readonly DateTime December = Local(2024, 12, 10, 9);

    [Fact]
    public async Task The_free_note_stays_on_the_lead_while_history_and_kept_figures_hold_only_the_code()
    {
        var lead = await LeadAsync([At("NEW", Local(2024, 11, 4, 9)), At("CONTACTED", Local(2024, 11, 5, 9))], name: "Lotte Lauterbach");
        await LeadAsync([At("NEW", Local(2024, 11, 4, 9)), At("CONTACTED", Local(2024, 11, 5, 9)), At("LOST", Local(2024, 11, 6, 9))],
            lostReason: "wettbewerber", name: "Otto Anders");
        const string note = "Lotte Lauterbach hat bei Firma Lauterbach & Söhne intern gebaut";

        var moved = await Host.TeamClient.PostAsJsonAsync($"/api/leads/{lead}/stage", new { to_stage = "LOST", from_stage = "CONTACTED", lost_reason_code = "wettbewerber", lost_reason = note });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        await ExecuteAsync("update lead_stage_history set changed_at = @at where lead_id = @lead and to_stage = 'LOST'", new { lead, at = Local(2024, 11, 7, 9) });

        Assert.Equal(note, await ScalarAsync<string>("select lost_reason from leads where id = @lead", new { lead }));
        Assert.Equal(0, await ScalarAsync<int>("select count(*)::int from lead_stage_history h where to_jsonb(h)::text ~* 'Lauterbach|gebaut'"));

        var board = await BoardAsync("month=2024-11", December);
        var reason = Assert.Single(board.GetProperty("lost_reasons").EnumerateArray());
        Assert.Equal(("wettbewerber", "Anderer Anbieter", 2),
            (reason.GetProperty("code").GetString(), reason.GetProperty("reason").GetString(), reason.GetProperty("leads").GetInt32()));

        Clock.Set(December);
        Assert.True(await Host.Services.GetRequiredService<KeepKpiFigures>().ExecuteAsync(CancellationToken.None, limit: 500) > 0);
        Assert.True(await ScalarAsync<int>("select count(*)::int from kpi_period_figures") > 0);
        Assert.Equal(0, await ScalarAsync<int>("select count(*)::int from kpi_period_figures where figures::text ~* 'Lauterbach|gebaut|Otto|Anders'"));
        Assert.Equal(board.GetProperty("lost_reasons").GetRawText(), (await BoardAsync("month=2024-11", December)).GetProperty("lost_reasons").GetRawText());
    }

    [Fact]
    public async Task The_stages_answer_lists_the_lost_reasons_in_order_with_german_labels()
    {
        var response = await Host.TeamClient.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/stages");

        Assert.Equal(["preis", "kein_bedarf", "keine_zeit", "kein_kontakt", "wettbewerber", "sonstiges"],
            response.GetProperty("lost_reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()));
        Assert.Equal("Zu teuer", response.GetProperty("lost_reasons")[0].GetProperty("label").GetString());
    }
}
