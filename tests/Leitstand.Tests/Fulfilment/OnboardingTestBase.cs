using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Leitstand.Fulfilment;
using Leitstand.Platform;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Fulfilment;

/// <summary>A host of its own; a won lead with a link; the customer's page as a browser without script uses it.</summary>
public abstract partial class OnboardingTestBase(StackFixture stack) : IAsyncLifetime
{
    protected StackFixture Stack { get; } = stack;
    protected RunningHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await RunningHost.StartAsync(Stack);

    public async Task DisposeAsync() => await Host.DisposeAsync();

    protected Task<HttpResponseMessage> CreateLinkAsync(Guid lead) => Host.TeamClient.PostAsync($"/api/leads/{lead}/onboarding-link", null);

    /// <summary>A WON lead and the path of its customer's page (/api/onboarding/&lt;token&gt;).</summary>
    protected async Task<(Guid Lead, string Path)> WonLeadWithLinkAsync(string? name = null)
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "WON", name: name ?? "Klara Kundin");
        return (lead, await LinkPathAsync(lead));
    }

    protected async Task<string> LinkPathAsync(Guid lead)
    {
        var response = await CreateLinkAsync(lead);
        var body = await JsonAsync(response, HttpStatusCode.Created);
        return new Uri(body.GetProperty("url").GetString()!).AbsolutePath;
    }

    protected Task<HttpResponseMessage> PostFormAsync(string path, IDictionary<string, string> form, string action) =>
        Host.Client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["action"] = action }));

    protected async Task<string> PageAsync(string path, HttpStatusCode status = HttpStatusCode.OK)
    {
        var response = await Host.Client.GetAsync(path);
        return await HtmlAsync(response, status);
    }

    protected static async Task<string> HtmlAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {html}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return html;
    }

    /// <summary>The German message at a field (the paragraph the field's aria-describedby names).</summary>
    protected static string? ErrorAt(string html, string fieldId) =>
        Regex.Match(html, $"<p class=\"error\" id=\"{Regex.Escape(fieldId)}-error\">([^<]*)</p>") is { Success: true } m ? System.Net.WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    protected static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    protected static string[] Errors(JsonElement problem, string field) =>
        problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()!).ToArray();

    protected Task<string> StateAsync(Guid lead) =>
        Crm.ScalarAsync<string>(Stack.Admin, "select state from onboarding_answers where lead_id = @lead", new { lead });

    protected async Task<JsonElement> AnswersAsync(Guid lead) =>
        JsonDocument.Parse(await Crm.ScalarAsync<string>(Stack.Admin, "select answers::text from onboarding_answers where lead_id = @lead", new { lead })).RootElement;

    /// <summary>A well-signed token for the lead that expired a minute ago.</summary>
    protected string ExpiredPath(Guid lead, int linkVersion = 1) =>
        "/api/onboarding/" + Host.Services.GetRequiredService<OnboardingLink>().Token(lead, linkVersion, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds());

    /// <summary>Every field of the questionnaire, well filled in.</summary>
    public static Dictionary<string, string> CompleteForm()
    {
        var tomorrow = BerlinTime.Today(DateTime.UtcNow).AddDays(7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var form = new Dictionary<string, string>
        {
            ["goals.change"] = "Anfragen sollen in einer Stunde beantwortet sein.",
            ["goals.time"] = "E-Mails sortieren, 6 Stunden pro Woche.",
            ["goals.success"] = "Ich habe freitags frei.",
            ["channels.email.tool"] = "Gmail",
            ["channels.email.rights"] = "draft",
            ["channels.calendar.tool"] = "Google Kalender",
            ["channels.calendar.rights"] = "read",
            ["approval_rules.own"] = "Termine absagen.",
            ["approval_rules.approver"] = "Ich selbst, per WhatsApp",
            ["devices.os"] = "macos",
            ["devices.device"] = "MacBook Air M2, macOS 15",
            ["contact.name"] = "Klara Kundin",
            ["contact.email"] = "klara@kundin.de",
            ["contact.phone"] = "+49 30 1234567",
            ["contact.channel"] = "email",
            ["install.date_1"] = tomorrow,
            ["install.time_of_day"] = "morning",
            ["install.mode"] = "remote",
        };
        foreach (var key in new[] { "messenger", "crm", "documents", "accounting", "other" }) form[$"channels.{key}.rights"] = "none";
        for (var n = 1; n <= 3; n++)
        {
            form[$"workflows.{n}.name"] = $"Workflow Nummer {n}";
            form[$"workflows.{n}.trigger"] = "Neue E-Mail im Postfach";
            form[$"workflows.{n}.steps"] = "Lesen, einordnen, Entwurf schreiben";
            form[$"workflows.{n}.result"] = "Ein Antwortentwurf";
            form[$"workflows.{n}.approval"] = "Das Senden";
        }
        form["workflows.1.frequency.schedule"] = "0 8 * * 1-5";
        form["workflows.2.frequency.interval_value"] = "30";
        form["workflows.2.frequency.interval_unit"] = "minutes";
        form["workflows.3.frequency.interval_value"] = "1";
        form["workflows.3.frequency.interval_unit"] = "days";
        return form;
    }
}
