using System.Net;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Leitstand.Privacy;
using Leitstand.Tests.Fixtures;
using Leitstand.Tests.Leads;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Privacy;

/// <summary><c>POST /api/objections</c> and <c>GET /api/objections</c>: an objection (Art. 21 DSGVO) stops the person's leads at once and is kept as a keyed hash only.</summary>
[Collection(StackCollection.Name)]
public sealed class RecordObjectionTests(StackFixture stack) : ProspectTestBase(stack)
{
    [Fact]
    public async Task An_objection_by_email_cancels_the_open_tasks_and_takes_the_lead_out_of_the_sequence_at_once()
    {
        var (leadId, email, taskId) = await Objections.LeadWithOpenTaskAsync(Stack.Admin, "CONTACTED");

        var response = await Objections.PostAsync(Host, new { email = "  " + email.ToUpperInvariant() + " " });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await Objections.BodyAsync(response);
        Assert.Equal(1, body.GetProperty("leads_stopped").GetInt32());
        Assert.True(body.GetProperty("tasks_cancelled").GetInt32() >= 1);
        var objection = Assert.Single(body.GetProperty("objections").EnumerateArray());
        Assert.Equal("email", objection.GetProperty("kind").GetString());
        Assert.False(objection.GetProperty("already_recorded").GetBoolean());
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        var lead = await connection.QuerySingleAsync("select stage::text as stage, lost_reason_code as lost_reason from leads where id = @leadId", new { leadId });
        Assert.Equal(("LOST", RecordObjection.LostReason), ((string)lead.stage, (string)lead.lost_reason));
        var task = await connection.QuerySingleAsync("select status::text as status, cancel_reason from tasks where id = @taskId", new { taskId });
        Assert.Equal(("CANCELLED", RecordObjection.CancelReason), ((string)task.status, (string)task.cancel_reason));
        Assert.Equal(0, await CountAsync("select count(*) from tasks where lead_id = @leadId and status = 'OPEN'", new { leadId }));
    }

    [Fact]
    public async Task An_objection_by_handle_and_channel_stops_the_prospect_with_that_handle_and_its_first_contact()
    {
        var handle = Prospects.UniqueHandle("nora");
        var leadId = await Prospects.AddAsync(Host, new { name = "Nora Test", handle, handle_channel = "instagram", contact_basis = "cold" });

        var response = await Objections.PostAsync(Host, new { handle = "https://www.instagram.com/" + handle.ToUpperInvariant() + "/", channel = "Instagram" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("handle", (await Objections.BodyAsync(response)).GetProperty("objections")[0].GetProperty("kind").GetString());
        Assert.Equal("LOST", await Crm.ScalarAsync<string>(Stack.Admin, "select stage::text from leads where id = @leadId", new { leadId }));
        Assert.Equal(0, await CountAsync("select count(*) from tasks where lead_id = @leadId and status = 'OPEN'", new { leadId }));
    }

    [Fact]
    public async Task A_won_customer_keeps_its_stage_and_fulfilment_tasks_but_loses_its_sales_tasks()
    {
        var (leadId, email, taskId) = await Objections.LeadWithOpenTaskAsync(Stack.Admin, "WON");
        var fulfilment = await Crm.ScalarAsync<Guid>(Stack.Admin, """
            insert into tasks (lead_id, deal_id, kind, title, due_at)
            values (@leadId, (select id from deals where lead_id = @leadId limit 1), 'install', 'Installation', now() + interval '3 days') returning id
            """, new { leadId });

        var response = await Objections.PostAsync(Host, new { email });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("WON", await Crm.ScalarAsync<string>(Stack.Admin, "select stage::text from leads where id = @leadId", new { leadId }));
        Assert.Equal("CANCELLED", await Crm.ScalarAsync<string>(Stack.Admin, "select status::text from tasks where id = @taskId", new { taskId }));
        Assert.Equal("OPEN", await Crm.ScalarAsync<string>(Stack.Admin, "select status::text from tasks where id = @fulfilment", new { fulfilment }));
    }

    [Fact]
    public async Task Only_a_keyed_hash_is_stored_never_the_plain_email_or_handle_nor_their_unkeyed_hash()
    {
        var email = LeadForms.UniqueEmail();
        var handle = Prospects.UniqueHandle("hash");

        var response = await Objections.PostAsync(Host, new { email, handle = "@" + handle, channel = "linkedin" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var ids = (await Objections.BodyAsync(response)).GetProperty("objections").EnumerateArray().Select(o => o.GetProperty("id").GetGuid()).ToArray();
        Assert.Equal(2, ids.Length);
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<(string Kind, byte[] Hash, string Text)>(
            "select kind, hash, row_to_json(o)::text from objections o where id = any(@ids) order by kind", new { ids })).ToList();
        var key = Convert.FromBase64String(Host.Services.GetRequiredService<PrivacySettings>().ObjectionHashKey);
        Assert.Equal(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("email:" + email)), rows[0].Hash);
        Assert.Equal(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("handle:linkedin:" + handle)), rows[1].Hash);
        foreach (var row in rows)
        {
            Assert.NotEqual(Encoding.UTF8.GetBytes(email), row.Hash);
            Assert.NotEqual(SHA256.HashData(Encoding.UTF8.GetBytes(email)), row.Hash);
            Assert.NotEqual(SHA256.HashData(Encoding.UTF8.GetBytes(handle)), row.Hash);
            Assert.DoesNotContain(email, row.Text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(handle, row.Text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToHexString(Encoding.UTF8.GetBytes(handle)), row.Text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task The_same_objection_twice_is_kept_once_and_the_list_shows_kind_and_time_without_personal_data()
    {
        var email = LeadForms.UniqueEmail();
        var first = await Objections.BodyAsync(await Objections.PostAsync(Host, new { email }));

        var second = await Objections.BodyAsync(await Objections.PostAsync(Host, new { email = email.ToUpperInvariant() }));
        var list = await Host.TeamClient.GetAsync("/api/objections");

        var id = first.GetProperty("objections")[0].GetProperty("id").GetGuid();
        Assert.Equal(id, second.GetProperty("objections")[0].GetProperty("id").GetGuid());
        Assert.True(second.GetProperty("objections")[0].GetProperty("already_recorded").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var text = await list.Content.ReadAsStringAsync();
        Assert.DoesNotContain(email, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("hash", text, StringComparison.Ordinal);
        var item = (await Objections.BodyAsync(list)).GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == id);
        Assert.Equal("email", item.GetProperty("kind").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, item.GetProperty("lifted_at").ValueKind);
        Assert.True(item.TryGetProperty("created_at", out _));
    }

    [Fact]
    public async Task Neither_email_nor_handle_is_422_in_German_per_field_and_nothing_is_stored()
    {
        var before = await CountAsync("select count(*) from objections", new { });

        var empty = await Objections.PostAsync(Host, new { });
        var channelOnly = await Objections.PostAsync(Host, new { channel = "instagram" });
        var handleOnly = await Objections.PostAsync(Host, new { handle = "nora" });
        var badEmail = await Objections.PostAsync(Host, new { email = "kein-at-zeichen" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        var errors = (await Objections.BodyAsync(empty)).GetProperty("errors");
        Assert.Equal("Bitte eine E-Mail-Adresse oder einen Handle mit Kanal angeben.", errors.GetProperty("email")[0].GetString());
        Assert.Equal("Bitte eine E-Mail-Adresse oder einen Handle mit Kanal angeben.", errors.GetProperty("handle")[0].GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, channelOnly.StatusCode);
        Assert.Contains("Handle", (await Objections.BodyAsync(channelOnly)).GetProperty("errors").GetProperty("handle")[0].GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, handleOnly.StatusCode);
        Assert.Contains("Kanal", (await Objections.BodyAsync(handleOnly)).GetProperty("errors").GetProperty("channel")[0].GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badEmail.StatusCode);
        Assert.Contains("gültige E-Mail-Adresse", (await Objections.BodyAsync(badEmail)).GetProperty("errors").GetProperty("email")[0].GetString());
        Assert.Equal(before, await CountAsync("select count(*) from objections", new { }));
    }

    [Fact]
    public async Task Without_sign_in_401_and_for_a_non_member_403_for_both_recording_and_listing()
    {
        var anonymous = await Host.Client.PostAsync("/api/objections", System.Net.Http.Json.JsonContent.Create(new { email = LeadForms.UniqueEmail() }));
        var nonMember = await Objections.AsNonMemberAsync(Host, HttpMethod.Post, "/api/objections", new { email = LeadForms.UniqueEmail() });
        var nonMemberList = await Objections.AsNonMemberAsync(Host, HttpMethod.Get, "/api/objections");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, nonMember.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, nonMemberList.StatusCode);
    }
}
