using System.Buffers;
using System.Net;
using Leitstand.LocalHost.Stack;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Leitstand.Tests.Fixtures;

/// <summary>
/// A real SMTP server in process (the SmtpServer package) on a free 127.0.0.1 port, without TLS, keeping every
/// message it accepts as a parsed <see cref="MimeMessage"/>. It can reject messages (<see cref="RejectWith"/>)
/// and require a login (<see cref="RequireLogin"/>), so senders see real 4xx/5xx replies.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly List<MimeMessage> _messages = [];
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly CancellationTokenSource _stop = new();
    private SmtpServer.SmtpServer _server = null!;
    private Task _running = Task.CompletedTask;

    private SmtpSink(int port) => Port = port;

    public string Host => "127.0.0.1";
    public int Port { get; }

    /// <summary>When set, the end of DATA is answered with this reply (e.g. 550 or 451) and nothing is kept.</summary>
    public SmtpResponse? RejectWith { get; set; }

    /// <summary>When set, AUTH succeeds only with this user and password (plain text is allowed: no TLS here).</summary>
    public (string User, string Password)? RequireLogin { get; set; }

    /// <summary>How many messages were offered (DATA completed), accepted or rejected.</summary>
    public int Transactions => Volatile.Read(ref _transactions);
    private int _transactions;

    /// <summary>Messages accepted so far, oldest first (a snapshot).</summary>
    public IReadOnlyList<MimeMessage> Messages
    {
        get { lock (_messages) return _messages.ToList(); }
    }

    public static async Task<SmtpSink> StartAsync()
    {
        var sink = new SmtpSink(Processes.FreeTcpPort());
        var options = new SmtpServerOptionsBuilder()
            .ServerName("smtp-sink.local")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, sink.Port)).AllowUnsecureAuthentication(true).AuthenticationRequired(false))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(sink));
        services.Add(new Login(sink));
        sink._server = new SmtpServer.SmtpServer(options, services);
        sink._running = sink._server.StartAsync(sink._stop.Token);
        await Processes.WaitForTcpAsync(sink.Port, TimeSpan.FromSeconds(30), "SMTP sink");
        return sink;
    }

    /// <summary>Waits until at least <paramref name="count"/> messages arrived (fails the test after <paramref name="timeout"/>).</summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForMessagesAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Messages.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
                throw new Xunit.Sdk.XunitException($"Expected {count} messages at the SMTP sink, got {Messages.Count}.");
        }
        return Messages;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _running.WaitAsync(TimeSpan.FromSeconds(5)); }
        catch (OperationCanceledException) { }
        catch (TimeoutException) { }
        _stop.Dispose();
        _arrived.Dispose();
    }

    private sealed class Store(SmtpSink sink) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref sink._transactions);
            if (sink.RejectWith is { } reject) return reject;
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            PiiCapture.Produced("smtp", $"To: {message.To} Subject: {message.Subject} {message.TextBody} {message.HtmlBody}");
            lock (sink._messages) sink._messages.Add(message);
            sink._arrived.Release();
            return SmtpResponse.Ok;
        }
    }

    private sealed class Login(SmtpSink sink) : IUserAuthenticator
    {
        public Task<bool> AuthenticateAsync(ISessionContext context, string user, string password, CancellationToken cancellationToken) =>
            Task.FromResult(sink.RequireLogin is not { } login || (login.User == user && login.Password == password));
    }
}
