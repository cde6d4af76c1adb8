using System.Net;
using System.Text.RegularExpressions;
using Leitstand.Alerts;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Alerts;

[Collection(StackCollection.Name)]
public sealed partial class AcknowledgeLinkTests(StackFixture stack) : AlertTestBase(stack)
{
    [GeneratedRegex("https://leitstand\\.example\\.de(/api/alerts/ack/[A-Za-z0-9_.-]+)")]
    private static partial Regex AckLink();

    private async Task<(Guid Incident, string Path)> AlertedIncidentAsync()
    {
        var (agent, key) = await CreateAgentAsync();
        await BeatAsync(key, status: "error", errorClass: "crash_loop");
        await DeliverQueuedAsync();
        Clock.Advance(TimeSpan.FromSeconds(10));
        await TickAsync();
        // The link as the team gets it, from the Telegram message.
        var path = AckLink().Match(Telegram.Requests.Single().Body).Groups[1].Value;
        Assert.NotEmpty(path);
        return (await IncidentOfAsync(agent), path);
    }

    private Task<string> StatusOfAsync(Guid incident) => Crm.ScalarAsync<string>(Stack.Admin, "select status::text from incidents where id = @incident", new { incident });

    [Fact]
    public async Task Opening_the_link_shows_a_page_and_acknowledges_nothing()
    {
        var (incident, path) = await AlertedIncidentAsync();

        var page = await Host.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Incident übernehmen", html);
        Assert.Contains("<form method=\"post\">", html);
        Assert.Contains("Absturzschleife", html);
        Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
        Assert.Equal("open", await StatusOfAsync(incident));
    }

    [Fact]
    public async Task The_buttons_post_acknowledges_the_incident_and_stops_the_reminders()
    {
        var (incident, path) = await AlertedIncidentAsync();

        var done = await Host.Client.PostAsync(path, null);

        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Contains("Übernommen", await done.Content.ReadAsStringAsync());
        Assert.Equal("acknowledged", await StatusOfAsync(incident));
        Assert.Equal(AcknowledgeByLink.AcknowledgedBy, await Crm.ScalarAsync<string>(Stack.Admin, "select acknowledged_by from incidents where id = @incident", new { incident }));
        Clock.Advance(TimeSpan.FromMinutes(31));
        await TickAsync();
        Assert.Equal(0, await CountAsync("select count(*) from alerts where kind = 'incident_reminder' and subject_id = @incident", new { incident }));
        // A second press says so, and changes nothing.
        Assert.Contains("bereits", await (await Host.Client.PostAsync(path, null)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_expired_link_acknowledges_nothing()
    {
        var (incident, path) = await AlertedIncidentAsync();
        Clock.Advance(TimeSpan.FromHours(73)); // links are good for 72 hours

        var response = await Host.Client.PostAsync(path, null);

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Contains("Link abgelaufen", await response.Content.ReadAsStringAsync());
        Assert.Equal("open", await StatusOfAsync(incident));
    }

    [Fact]
    public async Task A_tampered_link_or_one_for_another_incident_acknowledges_nothing()
    {
        var (incident, path) = await AlertedIncidentAsync();
        var token = path[(path.LastIndexOf('/') + 1)..];
        var (payload, signature) = (token[..token.IndexOf('.')], token[(token.IndexOf('.') + 1)..]);
        // Another incident's id with this link's signature, and this link with one character changed.
        var other = Host.Services.GetRequiredService<AcknowledgeLink>().Token(Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds());
        var forged = other[..other.IndexOf('.')] + "." + signature;
        var flipped = payload + "." + (signature[0] == 'A' ? 'B' : 'A') + signature[1..];

        foreach (var bad in new[] { forged, flipped, "kaputt", payload })
        {
            var response = await Host.Client.PostAsync("/api/alerts/ack/" + bad, null);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("Link ungültig", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal("open", await StatusOfAsync(incident));
    }
}
