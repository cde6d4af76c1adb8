using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Leitstand.LocalHost.Stack;

/// <summary>One e-mail the local SMTP sink received.</summary>
public sealed record InboxEmail(DateTimeOffset ReceivedAt, string From, IReadOnlyList<string> To, string Subject,
    string TextBody, string? HtmlBody, IReadOnlyList<string> Links, string? File);

/// <summary>One webhook the local receiver accepted (its Standard Webhooks signature was good).</summary>
public sealed record InboxWebhook(DateTimeOffset ReceivedAt, string WebhookId, long WebhookTimestamp, bool SignatureOk, JsonElement Payload);

/// <summary>
/// The local alert inbox (only with --stack): an SMTP sink on 127.0.0.1 that keeps the last 200 e-mails in
/// memory and writes each as .eml, and the webhook receiver behind <c>POST /admin/inbox/webhook</c> that
/// keeps the last 200 correctly signed payloads. Nothing leaves the machine.
/// </summary>
public sealed partial class LocalInbox(int smtpPort, string? emlDirectory = null, TimeProvider? clock = null) : IAsyncDisposable
{
    public const int DefaultSmtpPort = 2525;
    public const int Keep = 200;
    public const long MaxWebhookBytes = 256 * 1024;
    public static readonly TimeSpan WebhookTolerance = TimeSpan.FromMinutes(5);

    /// <summary>
    /// LOCAL ONLY, NOT A SECRET: the webhook secret the local stack signs and verifies with
    /// (base64 of the 32 ASCII bytes "leitstand-local-inbox-only-32byt"). Never use it anywhere else.
    /// </summary>
    public const string LocalOnlyWebhookSecret = "whsec_bGVpdHN0YW5kLWxvY2FsLWluYm94LW9ubHktMzJieXQ=";
    /// <summary>LOCAL ONLY, NOT A SECRET: key of the acknowledge links on a developer's machine.</summary>
    public const string LocalOnlyAckLinkSecret = "local-only-ack-link-secret-not-for-production";

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly LinkedList<InboxEmail> _emails = new();
    private readonly LinkedList<InboxWebhook> _webhooks = new();
    private readonly object _gate = new();
    private SmtpServer.SmtpServer? _server;
    private Task? _running;
    private int _fileNumber;

    public int SmtpPort => smtpPort;

    /// <summary>
    /// Extension point "Zustellprotokoll": returns an HTML fragment (already escaped by whoever writes it)
    /// shown under that heading on /admin/inbox, e.g. the last rows of the database delivery log. Null: the
    /// page says that it is not connected yet.
    /// </summary>
    public Func<IServiceProvider, CancellationToken, Task<string>>? DeliveryLog { get; set; }

    /// <summary>Newest first.</summary>
    public IReadOnlyList<InboxEmail> Emails { get { lock (_gate) return _emails.ToList(); } }
    /// <summary>Newest first.</summary>
    public IReadOnlyList<InboxWebhook> Webhooks { get { lock (_gate) return _webhooks.ToList(); } }

    /// <summary>
    /// The alert settings that point the e-mail and webhook channels here (functionsPort: where the host
    /// listens). Program.cs applies them per channel, only where local.settings.json or the environment leave
    /// that channel off (no Alerts__Email__Host, no Alerts__Webhook__Url): the sample's defaults for a real
    /// server (port 587, STARTTLS) must not win over the sink's.
    /// </summary>
    public static IReadOnlyDictionary<string, string> AlertSettings(int functionsPort, int smtpPort) => new Dictionary<string, string>
    {
        ["Alerts:Email:Host"] = "127.0.0.1",
        ["Alerts:Email:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Alerts:Email:UseStartTls"] = "false",
        ["Alerts:Email:From"] = "leitstand@localhost",
        ["Alerts:Email:To"] = "team@localhost",
        ["Alerts:Webhook:Url"] = $"http://127.0.0.1:{functionsPort}/admin/inbox/webhook",
        ["Alerts:Webhook:Secret"] = LocalOnlyWebhookSecret,
        ["Alerts:AckLinkSecret"] = LocalOnlyAckLinkSecret,
    };

    public async Task StartAsync()
    {
        if (emlDirectory is not null) Directory.CreateDirectory(emlDirectory);
        try
        {
            // Someone else on the port would answer the readiness probe: make sure it is free first.
            var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, smtpPort);
            probe.Start();
            probe.Stop();
            StartServer();
            var listening = Processes.WaitForTcpAsync(smtpPort, TimeSpan.FromSeconds(10), "The SMTP sink of the local inbox");
            if (await Task.WhenAny(listening, _running!) == _running) await _running; // failed to bind: throws
            await listening;
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            throw new InvalidOperationException($"The local inbox cannot listen on 127.0.0.1:{smtpPort} ({ex.Message}); start with --smtp-port N.", ex);
        }
    }

    private void StartServer()
    {
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, smtpPort)))
            .MaxMessageSize(10 * 1024 * 1024)
            .Build();
        var provider = new SmtpServer.ComponentModel.ServiceProvider();
        provider.Add(new Store(this));
        _server = new SmtpServer.SmtpServer(options, provider);
        _running = _server.StartAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is null) return;
        _server.Shutdown();
        try { await _server.ShutdownTask.WaitAsync(TimeSpan.FromSeconds(5)); }
        catch (TimeoutException) { }
        _server = null;
        _running = null;
    }

    /// <summary>Parses and keeps one message as it came over SMTP (also used by tests without a socket).</summary>
    public async Task<InboxEmail> ReceiveAsync(byte[] raw, CancellationToken ct = default)
    {
        using var stream = new MemoryStream(raw);
        var message = await MimeMessage.LoadAsync(stream, ct);
        var now = _clock.GetUtcNow();
        string? file = null;
        if (emlDirectory is not null)
        {
            file = Path.Combine(emlDirectory, $"{now:yyyyMMdd-HHmmss-fff}-{Interlocked.Increment(ref _fileNumber):D4}.eml");
            await File.WriteAllBytesAsync(file, raw, ct);
        }
        var text = message.TextBody ?? "";
        var html = message.HtmlBody;
        var links = UrlInText().Matches(text).Select(m => m.Value.TrimEnd('.', ',', ')', ';'))
            .Concat(html is null ? [] : HrefInHtml().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)))
            .Where(l => Uri.TryCreate(l, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps))
            .Distinct(StringComparer.Ordinal).ToList();
        var email = new InboxEmail(now, message.From.ToString(), message.To.Mailboxes.Select(m => m.Address).ToList(),
            message.Subject ?? "", text, html, links, file);
        lock (_gate)
        {
            _emails.AddFirst(email);
            while (_emails.Count > Keep) _emails.RemoveLast();
        }
        return email;
    }

    public enum WebhookVerdict { Accepted, Duplicate, BadSignature, TooLarge }

    /// <summary>
    /// Checks the Standard Webhooks signature (receiver side, written here on purpose; the tests cross-check
    /// it against the StandardWebhooks package): HMAC-SHA256 over "id.timestamp.body" with the base64-decoded
    /// secret after "whsec_", one of the space-separated "v1,&lt;base64&gt;" in webhook-signature, and a timestamp
    /// no more than 5 minutes off. Keeps the payload when good; a repeat of a kept webhook-id is not kept twice.
    /// </summary>
    public WebhookVerdict ReceiveWebhook(string? secret, string? id, string? timestamp, string? signatures, string body)
    {
        if (!Verify(secret, id, timestamp, signatures, body, _clock.GetUtcNow())) return WebhookVerdict.BadSignature;
        JsonElement payload;
        try { payload = JsonDocument.Parse(body).RootElement.Clone(); }
        catch (JsonException) { payload = JsonSerializer.SerializeToElement(body); }
        lock (_gate)
        {
            if (_webhooks.Any(w => w.WebhookId == id)) return WebhookVerdict.Duplicate;
            _webhooks.AddFirst(new InboxWebhook(_clock.GetUtcNow(), id!, long.Parse(timestamp!, System.Globalization.CultureInfo.InvariantCulture), true, payload));
            while (_webhooks.Count > Keep) _webhooks.RemoveLast();
        }
        return WebhookVerdict.Accepted;
    }

    public static bool Verify(string? secret, string? id, string? timestamp, string? signatures, string body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(signatures) || secret is null || !secret.StartsWith("whsec_", StringComparison.Ordinal)
            || !long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(now.ToUnixTimeSeconds() - seconds) > WebhookTolerance.TotalSeconds)
            return false;
        byte[] key;
        try { key = Convert.FromBase64String(secret["whsec_".Length..]); }
        catch (FormatException) { return false; }
        var expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        foreach (var candidate in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!candidate.StartsWith("v1,", StringComparison.Ordinal)) continue;
            var given = new byte[64];
            if (Convert.TryFromBase64String(candidate[3..], given, out var length) && length == expected.Length
                && CryptographicOperations.FixedTimeEquals(given.AsSpan(0, length), expected))
                return true;
        }
        return false;
    }

    [GeneratedRegex(@"https?://[^\s<>""']+")]
    private static partial Regex UrlInText();

    [GeneratedRegex(@"href\s*=\s*""([^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex HrefInHtml();

    private sealed class Store(LocalInbox inbox) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            try
            {
                await inbox.ReceiveAsync(buffer.ToArray(), cancellationToken);
                return SmtpResponse.Ok;
            }
            catch (FormatException)
            {
                return SmtpResponse.SyntaxError;
            }
        }
    }
}
