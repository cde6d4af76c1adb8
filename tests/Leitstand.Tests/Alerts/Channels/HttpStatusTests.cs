using System.Net;
using Leitstand.Alerts.Channels;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Alerts.Channels;

/// <summary>The status rules every HTTP channel shares (<see cref="ChannelHttp.Outcome"/>).</summary>
public sealed class HttpStatusTests
{
    [Theory]
    [InlineData(200)]
    [InlineData(201)]
    [InlineData(202)]
    [InlineData(204)]
    public void A_2xx_is_delivered(int status) =>
        Assert.IsType<SendOutcome.Delivered>(ChannelHttp.Outcome(new HttpResponseMessage((HttpStatusCode)status), "teams", TimeProvider.System));

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public void Timeouts_throttling_and_5xx_are_transient(int status)
    {
        var outcome = ChannelHttp.Outcome(new HttpResponseMessage((HttpStatusCode)status), "webhook", TimeProvider.System);

        Assert.Equal($"HTTP {status} from webhook", Assert.IsType<SendOutcome.Transient>(outcome).Error);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(410)]
    [InlineData(413)]
    [InlineData(422)]
    public void Other_4xx_are_permanent(int status) =>
        Assert.IsType<SendOutcome.Permanent>(ChannelHttp.Outcome(new HttpResponseMessage((HttpStatusCode)status), "slack", TimeProvider.System));

    [Fact]
    public void Retry_after_is_read_as_seconds_or_as_an_http_date()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var seconds = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        seconds.Headers.TryAddWithoutValidation("Retry-After", "7");
        var date = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        date.Headers.TryAddWithoutValidation("Retry-After", "Tue, 01 Dec 2026 12:01:30 GMT");

        Assert.Equal(TimeSpan.FromSeconds(7), ((SendOutcome.Transient)ChannelHttp.Outcome(seconds, "slack", clock)).RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(90), ((SendOutcome.Transient)ChannelHttp.Outcome(date, "slack", clock)).RetryAfter);
        Assert.Null(((SendOutcome.Transient)ChannelHttp.Outcome(new HttpResponseMessage(HttpStatusCode.BadGateway), "slack", clock)).RetryAfter);
    }
}
