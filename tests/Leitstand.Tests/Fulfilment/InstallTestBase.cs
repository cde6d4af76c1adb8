using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Fulfilment;

/// <summary>A host on a hand-moved clock, WON leads and installs booked through the API (as the host's team member).</summary>
public abstract class InstallTestBase(StackFixture stack) : IAsyncLifetime
{
    protected StackFixture Stack { get; } = stack;
    protected ManualClock Clock { get; } = ManualClock.StartingNow();
    protected RunningHost Host { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Host = await RunningHost.StartAsync(Stack, options: o => o with { ConfigureServices = s => s.AddSingleton<TimeProvider>(Clock) });

    public async Task DisposeAsync() => await Host.DisposeAsync();

    /// <summary>Tomorrow at the full hour (in Berlin time, as a team member would enter it).</summary>
    protected DateTimeOffset Tomorrow(int hour = 9)
    {
        var berlin = TimeZoneInfo.ConvertTime(Clock.GetUtcNow(), Leitstand.Platform.BerlinTime.Zone).Date.AddDays(1).AddHours(hour);
        return new DateTimeOffset(berlin, Leitstand.Platform.BerlinTime.Zone.GetUtcOffset(berlin));
    }

    protected static string Iso(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:sszzz");

    protected Task<HttpResponseMessage> BookAsync(Guid lead, string startsAt) =>
        Host.TeamClient.PostAsJsonAsync($"/api/leads/{lead}/install", new { starts_at = startsAt });

    /// <summary>A WON lead with an install booked for tomorrow; the run as GET answers it.</summary>
    protected async Task<(Guid Lead, Guid Run, JsonElement Body)> BookedRunAsync(string? company = null, int hour = 9)
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "WON", company: company);
        var response = await BookAsync(lead, Iso(Tomorrow(hour)));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var run = (await BodyAsync(response)).GetProperty("id").GetGuid();
        return (lead, run, await GetRunAsync(run));
    }

    protected async Task<JsonElement> GetRunAsync(Guid run)
    {
        var response = await Host.TeamClient.GetAsync($"/api/installs/{run}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await BodyAsync(response);
    }

    protected static JsonElement Item(JsonElement run, string title) =>
        run.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("title").GetString() == title);

    protected static Guid ItemId(JsonElement run, string title) => Item(run, title).GetProperty("id").GetGuid();

    protected Task<HttpResponseMessage> MarkAsync(Guid run, Guid item, string action, string? reason = null) =>
        Host.TeamClient.PostAsJsonAsync($"/api/installs/{run}/items/{item}/{action}", reason is null ? new { } : (object)new { reason });

    /// <summary>The path of the lead's customer page (/api/onboarding/&lt;token&gt;) from a new link.</summary>
    protected async Task<string> CustomerPathAsync(Guid lead)
    {
        var response = await Host.TeamClient.PostAsync($"/api/leads/{lead}/onboarding-link", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return new Uri((await BodyAsync(response)).GetProperty("url").GetString()!).AbsolutePath;
    }

    /// <summary>The customer posts the questionnaire (<paramref name="action"/> draft or submit) as a browser without script would.</summary>
    protected async Task<HttpResponseMessage> PostQuestionnaireAsync(string path, IDictionary<string, string> form, string action = "submit")
    {
        var response = await Host.Client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["action"] = action }));
        Assert.True(response.StatusCode == HttpStatusCode.SeeOther, $"Expected 303, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response;
    }

    /// <summary>The questionnaire filled in well, with the three workflows named <paramref name="names"/>.</summary>
    protected static Dictionary<string, string> Questionnaire(params string[] names)
    {
        var form = OnboardingTestBase.CompleteForm();
        for (var n = 1; n <= names.Length; n++) form[$"workflows.{n}.name"] = names[n - 1];
        return form;
    }

    protected static async Task<JsonElement> BodyAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    protected static string? Error(JsonElement body, string field) =>
        body.GetProperty("errors").TryGetProperty(field, out var messages) ? messages[0].GetString() : null;
}
