using Leitstand.Alerts.Channels;
using Leitstand.Tests.Fixtures;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Leitstand.Tests.Alerts.Channels;

/// <summary>The signature checked against independent implementations: the spec's test vector and the StandardWebhooks package.</summary>
public sealed class WebhookSignatureTests
{
    [Fact]
    public void Sign_reproduces_the_published_test_vector_of_the_spec()
    {
        var signature = WebhookSignature.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, """{"test": 2432232314}""");

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void Sign_agrees_with_the_StandardWebhooks_package()
    {
        var secret = "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var id = Guid.NewGuid().ToString();
        var now = DateTimeOffset.UtcNow;
        var body = """{"type":"alerts","text":"Grüße & <Tags>"}""";

        Assert.Equal(new StandardWebhook(secret).Sign(id, now, body), WebhookSignature.Sign(secret, id, now.ToUnixTimeSeconds(), body));
    }

    [Fact]
    public async Task A_sent_webhook_verifies_with_the_StandardWebhooks_verifier()
    {
        await using var receiver = await HttpSink.StartAsync();
        await using var rig = Rig(receiver);

        Assert.IsType<SendOutcome.Delivered>(await rig.Channel<WebhookChannel>().SendAsync(AlertSamples.Group(3), CancellationToken.None));

        var request = Assert.Single(receiver.Requests);
        new StandardWebhook(AlertSamples.WebhookSecret).Verify(request.Body, Headers(request));
    }

    [Fact]
    public async Task A_tampered_body_fails_verification()
    {
        await using var receiver = await HttpSink.StartAsync();
        await using var rig = Rig(receiver);
        await rig.Channel<WebhookChannel>().SendAsync(AlertSamples.Single(), CancellationToken.None);
        var request = Assert.Single(receiver.Requests);

        var tampered = request.Body.Replace("critical", "info");

        Assert.NotEqual(request.Body, tampered);
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(AlertSamples.WebhookSecret).Verify(tampered, Headers(request)));
    }

    [Fact]
    public async Task A_different_secret_fails_verification()
    {
        await using var receiver = await HttpSink.StartAsync();
        await using var rig = Rig(receiver);
        await rig.Channel<WebhookChannel>().SendAsync(AlertSamples.Single(), CancellationToken.None);
        var request = Assert.Single(receiver.Requests);
        var otherSecret = "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(otherSecret).Verify(request.Body, Headers(request)));
    }

    private static HeaderDictionary Headers(HttpSink.Request request)
    {
        var headers = new HeaderDictionary();
        foreach (var name in new[] { "webhook-id", "webhook-timestamp", "webhook-signature" })
            headers[name] = request.Header(name) ?? throw new Xunit.Sdk.XunitException($"header {name} missing");
        return headers;
    }

    private static ChannelRig Rig(HttpSink receiver) => ChannelRig.Create(s =>
    {
        s.Webhook.Url = receiver.Url("/hooks/leitstand").AbsoluteUri;
        s.Webhook.Secret = AlertSamples.WebhookSecret;
    });
}
