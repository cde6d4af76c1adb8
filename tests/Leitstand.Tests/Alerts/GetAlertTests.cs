using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Alerts;

/// <summary>GET /api/alerts/{id}: one alert with its deliveries per channel, for a team member under the member's claims.</summary>
[Collection(StackCollection.Name)]
public sealed class GetAlertTests(StackFixture stack) : IAsyncLifetime
{
    private RunningHost _host = null!;

    public async Task InitializeAsync() => _host = await RunningHost.StartAsync(stack);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>A "Zustellung fehlgeschlagen" alert about <paramref name="failed"/> (another alert), delivered by webhook, failed on Slack.</summary>
    private async Task<Guid> CreateAlertAsync(Guid failed)
    {
        var id = await Crm.ScalarAsync<Guid>(stack.Admin, """
            select (public.enqueue_alerts('unused-' || left(md5(random()::text), 8), jsonb_build_array(jsonb_build_object(
              'kind', 'delivery_failed', 'dedupe_key', 'test:' || gen_random_uuid(), 'subject_type', 'alert', 'subject_id', @failed::uuid,
              'title', 'Slack: Zustellung fehlgeschlagen', 'text', 'Slack hat 3 Versuche abgelehnt (http_500).',
              'occurred_at', '2026-12-02T10:00:00Z'))))[1]
            """, new { failed });
        await using var connection = await stack.Admin.OpenConnectionAsync();
        await using var command = new Npgsql.NpgsqlCommand("""
            insert into public.alert_deliveries (alert_id, channel, state, due_at, attempts, first_attempt_at, delivered_at, last_error) values
              (@id, 'webhook', 'delivered', '2026-12-02T10:00:00Z', 1, '2026-12-02T10:00:01Z', '2026-12-02T10:00:02Z', null),
              (@id, 'slack', 'failed', '2026-12-02T10:05:00Z', 3, '2026-12-02T10:00:01Z', null, 'http_500')
            """, connection);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync();
        return id;
    }

    [Fact]
    public async Task Shows_kind_label_severity_texts_subject_link_and_each_channels_delivery()
    {
        var failed = Guid.NewGuid();
        var id = await CreateAlertAsync(failed);

        var response = await _host.TeamClient.GetAsync($"/api/alerts/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var alert = body.GetProperty("alert");
        Assert.Equal((id, "delivery_failed", "Zustellung fehlgeschlagen", "warning"), (alert.GetProperty("id").GetGuid(),
            alert.GetProperty("kind").GetString(), alert.GetProperty("kind_label").GetString(), alert.GetProperty("severity").GetString()));
        Assert.Equal(("Slack: Zustellung fehlgeschlagen", "Slack hat 3 Versuche abgelehnt (http_500)."),
            (alert.GetProperty("title").GetString(), alert.GetProperty("text").GetString()));
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero), alert.GetProperty("occurred_at").GetDateTimeOffset());
        Assert.Equal(("alert", failed, $"#/alerts/{failed}"), (alert.GetProperty("subject_type").GetString(),
            alert.GetProperty("subject_id").GetGuid(), alert.GetProperty("link").GetString()));
        var deliveries = body.GetProperty("deliveries").EnumerateArray().ToList();
        Assert.Equal(["slack", "webhook"], deliveries.Select(d => d.GetProperty("channel").GetString()));
        Assert.Equal(("Slack", "failed", 3, "http_500"), (deliveries[0].GetProperty("channel_title").GetString(),
            deliveries[0].GetProperty("state").GetString(), deliveries[0].GetProperty("attempts").GetInt32(), deliveries[0].GetProperty("last_error").GetString()));
        Assert.Equal(JsonValueKind.Null, deliveries[0].GetProperty("delivered_at").ValueKind);
        Assert.Equal(("delivered", 1), (deliveries[1].GetProperty("state").GetString(), deliveries[1].GetProperty("attempts").GetInt32()));
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 10, 0, 2, TimeSpan.Zero), deliveries[1].GetProperty("delivered_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task An_alert_without_deliveries_has_an_empty_list()
    {
        var id = await Crm.ScalarAsync<Guid>(stack.Admin, """
            select (public.enqueue_alerts('unused-' || left(md5(random()::text), 8), jsonb_build_array(jsonb_build_object(
              'kind', 'daily_tasks', 'dedupe_key', 'test:' || gen_random_uuid(), 'subject_type', 'team',
              'title', 'Tagesliste', 'text', '3 Aufgaben heute.', 'occurred_at', now()))))[1]
            """);

        var body = await _host.TeamClient.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}");

        Assert.Equal(("#/heute", JsonValueKind.Null), (body.GetProperty("alert").GetProperty("link").GetString(),
            body.GetProperty("alert").GetProperty("subject_id").ValueKind));
        Assert.Empty(body.GetProperty("deliveries").EnumerateArray());
    }

    [Fact]
    public async Task Unknown_and_malformed_alerts_anonymous_callers_and_non_members_are_refused_in_german()
    {
        var id = await CreateAlertAsync(Guid.NewGuid());

        var unknown = await _host.TeamClient.GetAsync($"/api/alerts/{Guid.NewGuid()}");
        var malformed = await _host.TeamClient.GetAsync("/api/alerts/kein-uuid");
        var anonymous = await _host.Client.GetAsync($"/api/alerts/{id}");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/alerts/{id}");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (await TestIssuer.Shared).Token(Guid.NewGuid()));
        var nonMember = await _host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("Diesen Alarm gibt es nicht.", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("Erwartet wird eine UUID.", (await malformed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("alert_id")[0].GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, nonMember.StatusCode);
        Assert.Contains("nicht zum Team", (await nonMember.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task The_delivery_log_and_the_poison_list_keep_their_own_routes()
    {
        Assert.Equal(HttpStatusCode.OK, (await _host.TeamClient.GetAsync("/api/alerts/deliveries?limit=1")).StatusCode);
        Assert.NotEqual(HttpStatusCode.BadRequest, (await _host.TeamClient.GetAsync("/api/alerts/poison")).StatusCode);
    }
}
