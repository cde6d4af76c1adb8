using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Dapper;
using Leitstand.Leads;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Leads;

/// <summary>
/// <c>GET /api/leads?q=&amp;stage=&amp;source=&amp;cursor=</c>: the lead list with a search that ignores case and
/// accents and matches word starts, filters, and keyset pages of 50. Each test finds its own leads by a word nobody
/// else has (other tests share the database).
/// </summary>
[Collection(StackCollection.Name)]
public sealed class SearchLeadsTests(StackFixture stack) : ProspectTestBase(stack)
{
    /// <summary>A word only this test's leads carry (letters only: a word of its own for the search).</summary>
    private static string UniqueWord() => "w" + string.Concat(Guid.NewGuid().ToString("N").Select(c => (char)('a' + Convert.ToInt32(c.ToString(), 16))));

    private async Task<List<JsonElement>> ItemsAsync(string query)
    {
        var response = await Host.TeamClient.GetAsync("/api/leads?" + query);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("items").EnumerateArray().ToList();
    }

    private static IEnumerable<Guid> Ids(IEnumerable<JsonElement> items) => items.Select(i => i.GetProperty("id").GetGuid());

    [Fact]
    public async Task Search_ignores_case_and_accents_and_matches_word_starts_only()
    {
        var word = UniqueWord();
        var lead = await Crm.CreateLeadAsync(Stack.Admin, name: "Nora Brändl", company: $"Studio {word}");

        Assert.Equal([lead], Ids(await ItemsAsync($"q=brandl+{word}")));
        Assert.Equal([lead], Ids(await ItemsAsync($"q={Uri.EscapeDataString("BRÄNDL")}+{word[..8].ToUpperInvariant()}")));
        Assert.Equal([lead], Ids(await ItemsAsync($"q=nor+bra+{word}")));
        Assert.Empty(await ItemsAsync($"q=randl+{word}"));
        Assert.Empty(await ItemsAsync($"q=brandt+{word}"));
        Assert.Contains(lead, Ids(await ItemsAsync("q=+-+"))); // nothing to search for: the list, newest first
    }

    [Fact]
    public async Task Search_finds_a_lead_by_email_phone_and_the_start_of_its_handle()
    {
        var word = UniqueWord();
        var handle = UniqueWord();
        var digits = Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var lead = await Prospects.AddAsync(Host, new
        {
            name = "Jonas Kurz", email = $"jonas.{word}@example.de", handle = "@" + handle, handle_channel = "x", phone = $"+49 30 {digits}",
            contact_basis = "referral",
        });

        Assert.Equal([lead], Ids(await ItemsAsync($"q={word}")));
        Assert.Equal([lead], Ids(await ItemsAsync($"q=jonas.{word}@example.de")));
        Assert.Equal([lead], Ids(await ItemsAsync($"q={handle[..10]}")));
        Assert.Contains(lead, Ids(await ItemsAsync($"q={Uri.EscapeDataString($"030 {digits}")}")));
        Assert.Contains(lead, Ids(await ItemsAsync($"q={Uri.EscapeDataString($"+49 30 {digits[..5]}")}")));
        var item = Assert.Single(await ItemsAsync($"q={word}"));
        Assert.Equal(("Jonas Kurz", "NEW", "Neu", "referral"),
            (item.GetProperty("name").GetString(), item.GetProperty("stage").GetString(), item.GetProperty("stage_label").GetString(),
             item.GetProperty("contact_basis").GetString()));
        Assert.False(item.TryGetProperty("email", out _));
        Assert.Equal(JsonValueKind.String, item.GetProperty("last_activity_at").ValueKind);
        Assert.Equal(JsonValueKind.String, item.GetProperty("next_task_due_at").ValueKind); // the first contact
    }

    [Fact]
    public async Task Stage_and_source_filter_the_list()
    {
        var word = UniqueWord();
        var contacted = await Crm.CreateLeadAsync(Stack.Admin, "CONTACTED", company: $"Firma {word}");
        var fromReferral = await Crm.CreateLeadAsync(Stack.Admin, company: $"Firma {word}");
        await Crm.ScalarAsync<int>(Stack.Admin, "update leads set source = @source where id = @fromReferral returning 1", new { source = $"empfehlung-{word}", fromReferral });

        Assert.Equal([fromReferral, contacted], Ids(await ItemsAsync($"q={word}")));
        Assert.Equal([contacted], Ids(await ItemsAsync($"q={word}&stage=contacted")));
        Assert.Equal([fromReferral], Ids(await ItemsAsync($"q={word}&source=Empfehlung-{word}")));
        Assert.Contains(contacted, Ids(await ItemsAsync("stage=CONTACTED")));
    }

    [Fact]
    public async Task Pages_of_50_follow_each_other_by_cursor_newest_first()
    {
        var word = UniqueWord();
        var ids = (await Crm.ScalarAsync<Guid[]>(Stack.Admin, """
            with inserted as (
              insert into leads (name, email, company, consent_at, consent_text_version, consent_source, created_at)
              select 'Lena Lead ' || i, 'page-' || i || '-' || @word || '@example.de', 'Firma ' || @word, now(), '2026-11-25', 'test',
                     now() - make_interval(secs => i)
              from generate_series(1, 55) i
              returning id, created_at
            )
            select array_agg(id order by created_at desc) from inserted
            """, new { word })).ToList();

        var first = await Host.TeamClient.GetAsync($"/api/leads?q={word}");
        var firstBody = await BodyAsync(first);
        var cursor = firstBody.GetProperty("next_cursor").GetString();
        var second = await BodyAsync(await Host.TeamClient.GetAsync($"/api/leads?q={word}&cursor={Uri.EscapeDataString(cursor!)}"));

        Assert.Equal(ids.Take(50), Ids(firstBody.GetProperty("items").EnumerateArray()));
        Assert.Equal(ids.Skip(50), Ids(second.GetProperty("items").EnumerateArray()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next_cursor").ValueKind);
    }

    [Fact]
    public async Task Bad_search_input_gets_422_in_German_at_its_field()
    {
        var tooLong = await Host.TeamClient.GetAsync("/api/leads?q=" + new string('a', 201));
        var atLimit = await Host.TeamClient.GetAsync("/api/leads?q=" + new string('a', 200));
        var badStage = await Host.TeamClient.GetAsync("/api/leads?stage=GEWONNEN");
        var badCursor = await Host.TeamClient.GetAsync("/api/leads?cursor=abc");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
        Assert.Contains("höchstens 200 Zeichen", (await BodyAsync(tooLong)).GetProperty("errors").GetProperty("q")[0].GetString());
        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badStage.StatusCode);
        Assert.Contains("Unbekannte Stufe", (await BodyAsync(badStage)).GetProperty("errors").GetProperty("stage")[0].GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badCursor.StatusCode);
        Assert.Contains("Cursor", (await BodyAsync(badCursor)).GetProperty("errors").GetProperty("cursor")[0].GetString());
    }

    [Fact]
    public async Task Without_a_token_it_is_401_and_for_a_non_member_403()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/leads?q=lena");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (await TestIssuer.Shared).Token(Guid.NewGuid()));

        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.Client.GetAsync("/api/leads?q=lena")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.Client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_search_over_thousands_of_leads_reads_the_search_index_not_the_table()
    {
        var word = UniqueWord();
        var bulk = UniqueWord();
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("""
            insert into leads (name, email, company, phone, consent_at, consent_text_version, consent_source)
            select 'Person ' || md5(i::text), 'p' || i || '-' || @bulk || '@example.de',
                   case when i <= 3 then 'Firma ' || @word else 'Firma ' || md5(i::text) end, '+49 30 ' || (1000000 + i),
                   now(), '2026-11-25', 'test'
            from generate_series(1, 4000) i;
            analyze leads;
            """, new { word, bulk }, tx);
        // The search inside public.search_lead_ids, as its owner runs it (not subject to the policies).
        var body = await connection.ExecuteScalarAsync<string>(
            "select prosrc from pg_proc where oid = 'public.search_lead_ids(text)'::regprocedure", transaction: tx);
        var searchPlan = string.Join('\n', await connection.QueryAsync<string>("explain " + body!.Replace("p_search", "@Q", StringComparison.Ordinal),
            new { Q = word }, tx));
        // The page as a member: the leads by primary key.
        await connection.ExecuteAsync("select set_config('request.jwt.claims', @claims, true); set local role authenticated;",
            new { claims = JsonSerializer.Serialize(new { sub = Host.TeamMemberId, role = "authenticated" }) }, tx);
        var parameters = new
        {
            Q = word, Stage = (string?)null, Source = (string?)null, AfterAt = (DateTime?)null, AfterId = (Guid?)null, Limit = SearchLeads.PageSize + 1,
        };
        var pagePlan = string.Join('\n', await connection.QueryAsync<string>("explain " + SearchLeads.Statement(withSearch: true), parameters, tx));
        var found = await connection.QueryAsync<Guid>(SearchLeads.Statement(withSearch: true), parameters, tx);
        await tx.RollbackAsync();

        Assert.Equal(3, found.Count());
        Assert.True(searchPlan.Contains("Bitmap Index Scan on leads_search_idx", StringComparison.Ordinal), searchPlan);
        Assert.True(pagePlan.Contains("leads_pkey", StringComparison.Ordinal) && !pagePlan.Contains("Seq Scan on leads ", StringComparison.Ordinal), pagePlan);
    }

    [Fact]
    public async Task A_page_is_the_newest_matches_whether_thousands_share_the_word_or_a_few_older_leads_have_it()
    {
        var common = UniqueWord();
        var rare = UniqueWord();
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        // 8,000 leads share a word, one in 2,000 has a second one: the first ones are found in the newest 1,000 leads,
        // the last rare one only behind the 5,000 newest (from leads_search_idx).
        var ids = (await connection.QueryAsync<(Guid Id, int I)>("""
            with inserted as (
              insert into leads (name, email, company, consent_at, consent_text_version, consent_source, created_at)
              select 'Person ' || md5(i::text), 'p' || i || '-' || @common || '@example.de',
                     case when i % 2000 = 0 then 'Firma ' || @common || ' ' || @rare else 'Firma ' || @common end,
                     now(), '2026-11-25', 'test', now() - make_interval(secs => i)
              from generate_series(1, 8000) i
              returning id, created_at, split_part(split_part(email, '-', 1), 'p', 2)::int as i
            )
            select id, i from inserted order by created_at desc
            """, new { common, rare }, tx)).ToList();
        await connection.ExecuteAsync("select set_config('request.jwt.claims', @claims, true); set local role authenticated;",
            new { claims = JsonSerializer.Serialize(new { sub = Host.TeamMemberId, role = "authenticated" }) }, tx);
        const string Page = "select * from public.search_lead_page(@q, @stage, null, @afterAt, @afterId, 51)";
        async Task<List<Guid>> PageAsync(string q, Guid? after = null, string? stage = null) =>
            (await connection.QueryAsync<Guid>(Page, new
            {
                q, stage,
                afterAt = after is null ? (DateTime?)null
                    : await connection.ExecuteScalarAsync<DateTime>("select created_at from leads where id = @after", new { after }, tx),
                afterId = after,
            }, tx)).ToList();
        var first = await PageAsync(common);
        var second = await PageAsync(common, first[49]);
        var rarePage = await PageAsync(rare);
        var rareAfterTheFirst = await PageAsync(rare, rarePage[0]);
        var wrongStage = await PageAsync(common, stage: "WON");
        await tx.RollbackAsync();

        Assert.Equal(ids.Take(51).Select(x => x.Id), first);
        Assert.Equal(ids.Skip(50).Take(51).Select(x => x.Id), second);
        Assert.Equal(ids.Where(x => x.I % 2000 == 0).Select(x => x.Id), rarePage);
        Assert.Equal(ids.Where(x => x.I % 2000 == 0).Skip(1).Select(x => x.Id), rareAfterTheFirst);
        Assert.Empty(wrongStage);
    }
}
