using System.Net;
using Leitstand.LocalHost.Functions;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.LocalHost;

/// <summary>The local host's CORS (Host.CORS, as Azure's siteConfig.cors): the status center on another origin may call the team API.</summary>
[Collection(StackCollection.Name)]
public sealed class LocalCorsTests(StackFixture stack)
{
    private const string StatusCenter = "https://status.example.de";

    private static HttpRequestMessage Preflight(string origin) => new(HttpMethod.Options, "/api/tasks")
    {
        Headers =
        {
            { "Origin", origin },
            { "Access-Control-Request-Method", "GET" },
            { "Access-Control-Request-Headers", "authorization" },
        },
    };

    [Fact]
    public async Task An_allowed_origin_gets_the_preflight_answered_and_the_answer_stamped_with_its_origin()
    {
        await using var host = await RunningHost.StartAsync(stack, options: o => o with { CorsAllowedOrigins = [StatusCenter] });

        var preflight = await host.Client.SendAsync(Preflight(StatusCenter));
        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal(StatusCenter, preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("authorization", preflight.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("GET", preflight.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);

        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/tasks") { Headers = { { "Origin", StatusCenter } } };
        get.Headers.Authorization = new("Bearer", host.TeamToken);
        var answer = await host.Client.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(StatusCenter, answer.Headers.GetValues("Access-Control-Allow-Origin").Single());

        // A refusal carries it too, so the page can read the 401 and show the sign-in.
        var refused = await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/kpi") { Headers = { { "Origin", StatusCenter } } });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(StatusCenter, refused.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Another_origin_gets_no_cors_headers_and_without_a_list_nobody_does()
    {
        await using (var host = await RunningHost.StartAsync(stack, options: o => o with { CorsAllowedOrigins = [StatusCenter] }))
        {
            var foreign = await host.Client.SendAsync(Preflight("https://fremd.example"));
            Assert.False(foreign.Headers.Contains("Access-Control-Allow-Origin"));
        }
        await using (var host = await RunningHost.StartAsync(stack, options: o => o with { CorsAllowedOrigins = [] }))
        {
            var preflight = await host.Client.SendAsync(Preflight(StatusCenter));
            Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
        }
    }

    [Fact]
    public void The_list_is_read_like_core_tools_reads_host_cors_and_is_empty_by_default()
    {
        Assert.Equal(["https://a.example", "https://b.example"], LocalCors.Parse(" https://a.example/ ,https://b.example"));
        Assert.Empty(LocalCors.Parse(""));
        using var sample = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Leitstand.LocalHost.Stack.RepoPaths.Root, "local.settings.sample.json")));
        Assert.Empty(LocalCors.Parse(sample.RootElement.GetProperty("Host").GetProperty("CORS").GetString()));
    }
}
