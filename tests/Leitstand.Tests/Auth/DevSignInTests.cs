using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Leitstand.Functions;
using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Auth;

/// <summary>The development sign-in exists only where the local stack registers it, and its tokens go through the real verification.</summary>
[Collection(StackCollection.Name)]
public sealed class DevSignInTests(StackFixture stack)
{
    [Fact]
    public async Task With_the_local_stack_a_dev_sign_in_gives_a_token_the_team_endpoints_accept()
    {
        var url = $"http://127.0.0.1:{Processes.FreeTcpPort()}";
        var signIn = new LocalSignIn(url, stack.Postgres.AdminConnectionString());
        await using var host = await RunningHost.StartAsync(stack, s => s["Auth:SupabaseUrl"] = url, o => o with { Url = url, SignIn = signIn });
        var email = $"dev-{Guid.NewGuid():N}@example.de";

        var signedIn = await host.Client.PostAsJsonAsync("/admin/dev-sign-in", new { email });
        var body = await signedIn.Content.ReadFromJsonAsync<JsonElement>();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/tasks");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("access_token").GetString());
        var tasks = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, tasks.StatusCode);
        var user = body.GetProperty("user").GetProperty("id").GetGuid();
        Assert.Equal(1, await Crm.ScalarAsync<int>(stack.Admin, "select count(*)::int from team_members where user_id = @user", new { user }));
        var jwks = await host.Client.GetFromJsonAsync<JsonElement>("/auth/v1/.well-known/jwks.json");
        Assert.Equal("ES256", jwks.GetProperty("keys")[0].GetProperty("alg").GetString());
        Assert.False(jwks.GetProperty("keys")[0].TryGetProperty("d", out _));
    }

    [Fact]
    public async Task Dev_sign_in_for_a_non_member_gives_a_token_that_gets_403()
    {
        var url = $"http://127.0.0.1:{Processes.FreeTcpPort()}";
        await using var host = await RunningHost.StartAsync(stack, s => s["Auth:SupabaseUrl"] = url,
            o => o with { Url = url, SignIn = new LocalSignIn(url, stack.Postgres.AdminConnectionString()) });

        var body = await (await host.Client.PostAsJsonAsync("/admin/dev-sign-in", new { email = $"gast-{Guid.NewGuid():N}@example.de", team_member = false }))
            .Content.ReadFromJsonAsync<JsonElement>();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/tasks");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("access_token").GetString());

        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Without_the_local_stack_there_is_no_dev_sign_in_whatever_the_settings_say()
    {
        await using var host = await RunningHost.StartAsync(stack, s =>
        {
            s["Auth:DevSignIn"] = "true";
            s["Auth:LocalSignIn"] = "true";
            s["DevSignIn"] = "true";
        });

        var signIn = await host.Client.PostAsJsonAsync("/admin/dev-sign-in", new { email = "jemand@example.de" });
        var jwks = await host.Client.GetAsync("/auth/v1/.well-known/jwks.json");

        Assert.Equal(HttpStatusCode.NotFound, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, jwks.StatusCode);
    }

    [Fact]
    public void Functions_app_knows_nothing_of_the_dev_sign_in()
    {
        var functions = typeof(ServiceSetup).Assembly;

        Assert.DoesNotContain(functions.GetReferencedAssemblies(), a => a.Name == typeof(LocalSignIn).Assembly.GetName().Name);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "functions"), "*.cs", SearchOption.AllDirectories)
                     .Concat(Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "shared"), "*.cs", SearchOption.AllDirectories)))
        {
            var text = File.ReadAllText(file);
            Assert.False(text.Contains("LocalSignIn", StringComparison.Ordinal) || text.Contains("dev-sign-in", StringComparison.OrdinalIgnoreCase),
                $"{Path.GetRelativePath(RepoPaths.Root, file)} mentions the development sign-in");
        }
    }
}
