using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Dapper;
using Leitstand.Functions;
using Leitstand.Leads;
using Microsoft.Extensions.DependencyInjection;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Leads;

[Collection(StackCollection.Name)]
public sealed class LeadCaptureTests(StackFixture stack) : IAsyncLifetime
{
    private RunningHost _host = null!;

    public async Task InitializeAsync() => _host = await RunningHost.StartAsync(stack);
    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<int> CountAsync(string sql, object param)
    {
        await using var connection = await stack.Admin.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>(sql, param);
    }

    [Fact]
    public async Task Json_submission_creates_a_lead_with_its_consent_and_answers_201()
    {
        var fields = LeadForms.Valid();

        var response = await _host.Client.SendAsync(LeadForms.Json(fields));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetGuid();
        await using var connection = await stack.Admin.OpenConnectionAsync();
        var lead = await connection.QuerySingleAsync("select name, email, stage::text as stage, consent_text_version, consent_source, consent_at, utm_source from leads where id = @id", new { id });
        Assert.Equal("Anna Beispiel", (string)lead.name);
        Assert.Equal(fields["email"], (string)lead.email);
        Assert.Equal("NEW", (string)lead.stage);
        Assert.Equal("2026-11-25", (string)lead.consent_text_version);
        Assert.Equal("landing-page:/", (string)lead.consent_source);
        Assert.Equal("instagram", (string)lead.utm_source);
        Assert.True(DateTime.UtcNow - (DateTime)lead.consent_at < TimeSpan.FromMinutes(1));
        Assert.Equal(1, await CountAsync("select count(*) from lead_touchpoints where lead_id = @id and kind = 'form_submission' and direction = 'INBOUND'", new { id }));
        Assert.Equal(1, await CountAsync("select count(*) from lead_stage_history where lead_id = @id and from_stage is null and to_stage = 'NEW'", new { id }));
    }

    [Fact]
    public async Task Form_post_without_javascript_is_redirected_to_the_thank_you_page()
    {
        var fields = LeadForms.Valid();
        fields["consent"] = "true";

        var response = await _host.Client.SendAsync(LeadForms.Form(fields));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/danke.html", response.Headers.Location?.OriginalString);
        Assert.Equal(1, await CountAsync("select count(*) from leads where email = @email", new { email = fields["email"] }));
    }

    [Fact]
    public async Task Repeated_submission_adds_a_touchpoint_not_a_second_lead()
    {
        var email = LeadForms.UniqueEmail();
        var first = LeadForms.Valid(email);
        var second = LeadForms.Valid(email.ToUpperInvariant());
        second["message"] = "Noch eine Frage zum Retainer.";

        var r1 = await _host.Client.SendAsync(LeadForms.Json(first));
        var r2 = await _host.Client.SendAsync(LeadForms.Json(second));

        Assert.Equal(HttpStatusCode.Created, r1.StatusCode);
        Assert.Equal(HttpStatusCode.Created, r2.StatusCode);
        var id1 = (await r1.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var id2 = (await r2.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(id1, id2);
        Assert.Equal(1, await CountAsync("select count(*) from leads where email = @email", new { email }));
        Assert.Equal(2, await CountAsync("select count(*) from lead_touchpoints where lead_id = @id", new { id = id1 }));
        Assert.Equal(1, await CountAsync("select count(*) from lead_touchpoints where lead_id = @id and note = 'Noch eine Frage zum Retainer.'", new { id = id1 }));
    }

    [Fact]
    public async Task Submission_for_a_lost_lead_reopens_it_as_new()
    {
        var email = LeadForms.UniqueEmail();
        var r1 = await _host.Client.SendAsync(LeadForms.Json(LeadForms.Valid(email)));
        var id = (await r1.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await using (var connection = await stack.Admin.OpenConnectionAsync())
            await connection.ExecuteAsync("update leads set stage = 'LOST', lost_reason = 'Kein Budget', delete_after = now() + interval '90 days' where id = @id", new { id });

        var r2 = await _host.Client.SendAsync(LeadForms.Json(LeadForms.Valid(email)));

        Assert.Equal(HttpStatusCode.Created, r2.StatusCode);
        Assert.Equal(1, await CountAsync("select count(*) from leads where id = @id and stage = 'NEW' and lost_reason is null and delete_after is null", new { id }));
        Assert.Equal(1, await CountAsync("select count(*) from lead_stage_history where lead_id = @id and from_stage = 'LOST' and to_stage = 'NEW'", new { id }));
    }

    [Fact]
    public async Task Concurrent_identical_submissions_yield_one_lead()
    {
        var fields = LeadForms.Valid();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => _host.Client.SendAsync(LeadForms.Json(fields))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid()));
        Assert.Single(ids.Distinct());
        Assert.Equal(1, await CountAsync("select count(*) from leads where email = @email", new { email = fields["email"] }));
        Assert.Equal(12, await CountAsync("select count(*) from lead_touchpoints where lead_id = @id", new { id = ids[0] }));
    }

    [Fact]
    public async Task Invalid_json_submission_gets_400_with_a_German_message_per_field()
    {
        var fields = LeadForms.Valid("keine-adresse");
        fields["consent"] = "false";
        fields.Remove("name");

        var response = await _host.Client.SendAsync(LeadForms.Json(fields));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["consent", "email", "name"], errors.EnumerateObject().Select(p => p.Name).Order());
        Assert.Contains("gültige E-Mail-Adresse", errors.GetProperty("email")[0].GetString());
        Assert.Equal(0, await CountAsync("select count(*) from leads where email = 'keine-adresse'", new { }));
    }

    [Fact]
    public async Task Invalid_form_post_gets_a_German_error_page()
    {
        var fields = LeadForms.Valid();
        fields["consent"] = "";

        var response = await _host.Client.SendAsync(LeadForms.Form(fields));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Bitte bestätige die Einwilligung", html);
        Assert.Contains("Zurück zum Formular", html);
    }

    [Theory]
    [InlineData("{\"name\": ")]
    [InlineData("[1, 2]")]
    [InlineData("{\"name\": {\"first\": \"Anna\"}}")]
    public async Task Malformed_json_gets_400_not_500(string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/leads") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Forwarded-For", LeadForms.UniqueClient());

        var response = await _host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Any());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/xml")]
    public async Task Other_content_types_get_415(string contentType)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/leads") { Content = new StringContent("name=Anna", Encoding.UTF8) };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);

        var response = await _host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("application/json", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Body_over_the_limit_gets_413(bool chunked)
    {
        var fields = LeadForms.Valid();
        fields["message"] = new string('x', 20_000);
        var json = JsonSerializer.Serialize(fields);
        HttpContent content = chunked
            ? new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)))
            : new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (chunked) content.Headers.ContentLength = null;
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/leads") { Content = content };
        if (chunked) request.Headers.TransferEncodingChunked = true;

        var response = await _host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await CountAsync("select count(*) from leads where email = @email", new { email = fields["email"] }));
    }

    [Fact]
    public async Task Honeypot_submission_is_answered_like_success_but_not_stored()
    {
        var fields = LeadForms.Valid();
        fields["website"] = "http://spam.example";

        var json = await _host.Client.SendAsync(LeadForms.Json(fields));
        var form = await _host.Client.SendAsync(LeadForms.Form(fields));

        Assert.Equal(HttpStatusCode.Created, json.StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, form.StatusCode);
        Assert.Equal(0, await CountAsync("select count(*) from leads where email = @email", new { email = fields["email"] }));
    }

    [Fact]
    public async Task Form_filled_faster_than_a_person_can_is_answered_like_success_but_not_stored()
    {
        // A threshold of 20 s (not the fixtures' 1 s) so that a slow machine between building the form and the host
        // reading it cannot turn the fast submission into a human one.
        await using var host = await RunningHost.StartAsync(stack, s => s["Leads:MinFillSeconds"] = "20");
        var fields = LeadForms.Valid();
        fields["form_started_at"] = DateTimeOffset.UtcNow.AddMilliseconds(-200).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var slow = LeadForms.Valid();
        slow["form_started_at"] = DateTimeOffset.UtcNow.AddSeconds(-60).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var fast = await host.Client.SendAsync(LeadForms.Form(fields));
        var human = await host.Client.SendAsync(LeadForms.Form(slow));

        Assert.Equal(HttpStatusCode.SeeOther, fast.StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, human.StatusCode);
        Assert.Equal(0, await CountAsync("select count(*) from leads where email = @email", new { email = fields["email"] }));
        Assert.Equal(1, await CountAsync("select count(*) from leads where email = @email", new { email = slow["email"] }));
    }

    [Fact]
    public async Task Sixth_submission_in_a_minute_gets_429_even_across_instances()
    {
        // The limit counts per clock minute: both instances share one clock that stands at the start of a minute, so
        // all six fall into one however slow the machine.
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 7, 10, 15, 0, TimeSpan.Zero));
        await using var first = await RunningHost.StartAsync(stack, options: o => o with { ConfigureServices = s => s.AddSingleton<TimeProvider>(clock) });
        await using var second = await RunningHost.StartAsync(stack, options: o => o with { ConfigureServices = s => s.AddSingleton<TimeProvider>(clock) });
        var client = LeadForms.UniqueClient();
        var rawAddress = client.Split(',')[^1].Trim();

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage last = null!;
        for (var i = 0; i < 6; i++)
        {
            var instance = i % 2 == 0 ? first : second;
            last = await instance.Client.SendAsync(LeadForms.Json(LeadForms.Valid(), client));
            statuses.Add(last.StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Created, 5).Append(HttpStatusCode.TooManyRequests), statuses);
        var retryAfter = int.Parse(last.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(60, retryAfter); // the clock stands at the minute's first second
        Assert.Contains("Zu viele Anfragen", await last.Content.ReadAsStringAsync());
        // Counted under the keyed hash of the address, never the address itself.
        var bucket = "lead-form:" + LeadFormRateLimiter.HashClient(rawAddress, _host.Services.GetRequiredService<LeadCaptureSettings>().ClientHashKey);
        Assert.Equal(6, await CountAsync("select coalesce(sum(hits), 0)::int from rate_limit_hits where bucket = @bucket", new { bucket }));
        Assert.Equal(0, await CountAsync("select count(*) from rate_limit_hits where position(@raw in bucket) > 0", new { raw = rawAddress }));
    }

    [Fact]
    public async Task Preflight_from_the_landing_origin_is_allowed_and_foreign_origins_are_refused()
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/leads");
        preflight.Headers.Add("Origin", "http://localhost:7071");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        var foreign = LeadForms.Json(LeadForms.Valid());
        foreign.Headers.Add("Origin", "https://evil.example");

        var allowed = await _host.Client.SendAsync(preflight);
        var refused = await _host.Client.SendAsync(foreign);

        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal("http://localhost:7071", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Captured_lead_puts_a_message_without_personal_data_on_the_queue()
    {
        var fields = LeadForms.Valid();
        var response = await _host.Client.SendAsync(LeadForms.Json(fields));
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var message = await _host.FindQueueMessageAsync(_host.LeadCapturedQueue, "lead_id", id);

        Assert.Equal("lead.captured", message.GetProperty("type").GetString());
        Assert.Equal(2, message.GetProperty("version").GetInt32());
        Assert.True(message.GetProperty("is_new_lead").GetBoolean());
        Assert.Equal("NEW", message.GetProperty("stage").GetString());
        Assert.DoesNotContain(fields["email"]!, message.GetRawText());
        Assert.DoesNotContain("Anna", message.GetRawText());
        Assert.Equal(1, await CountAsync("select count(*) from outbox_messages where (payload->>'lead_id')::uuid = @id and sent_at is not null", new { id }));
    }

    [Fact]
    public async Task Lead_is_kept_and_its_message_sent_later_when_the_queue_is_down()
    {
        var closedPort = Leitstand.LocalHost.Stack.Processes.FreeTcpPort();
        var downStorage = stack.Azurite.ConnectionString.Replace($":{stack.Azurite.QueuePort}/", $":{closedPort}/", StringComparison.Ordinal);
        await using var hostWithoutQueue = await RunningHost.StartAsync(stack, s => s["AzureWebJobsStorage"] = downStorage);
        var fields = LeadForms.Valid();

        var response = await hostWithoutQueue.Client.SendAsync(LeadForms.Json(fields));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(1, await CountAsync("select count(*) from leads where id = @id", new { id }));
        Assert.Equal(1, await CountAsync("select count(*) from outbox_messages where (payload->>'lead_id')::uuid = @id and sent_at is null and attempts = 1 and last_error is not null", new { id }));

        // The queue is back: the re-send timer's function (on a host whose storage works) sends it.
        await using (var connection = await stack.Admin.OpenConnectionAsync())
            await connection.ExecuteAsync("update outbox_messages set next_attempt_at = now() where (payload->>'lead_id')::uuid = @id", new { id });
        var function = ActivatorUtilities.CreateInstance<Leitstand.Functions.Outbox.ResendOutboxFunction>(_host.Services);
        await function.Run(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);

        var message = await _host.FindQueueMessageAsync(hostWithoutQueue.LeadCapturedQueue, "lead_id", id);
        Assert.Equal(id, message.GetProperty("lead_id").GetGuid());
        Assert.Equal(1, await CountAsync("select count(*) from outbox_messages where (payload->>'lead_id')::uuid = @id and sent_at is not null", new { id }));
    }

    [Fact]
    public async Task Database_down_gets_503_with_retry_after_not_500()
    {
        var closedPort = Leitstand.LocalHost.Stack.Processes.FreeTcpPort();
        await using var hostWithoutDatabase = await RunningHost.StartAsync(stack,
            s => s["Database:ConnectionString"] = $"Host=127.0.0.1;Port={closedPort};Username=leitstand_functions;Timeout=2");

        var response = await hostWithoutDatabase.Client.SendAsync(LeadForms.Json(LeadForms.Valid()));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.Contains("Retry-After"));
        Assert.Contains("noch einmal", await response.Content.ReadAsStringAsync());
    }

}
