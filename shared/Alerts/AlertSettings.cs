using Leitstand.Platform;
namespace Leitstand.Alerts;

/// <summary>
/// Settings of alert delivery (configuration section "Alerts", app settings <c>Alerts__…</c>). A channel
/// without its settings is off. Validated at start (<see cref="Validate"/>), one message per bad value.
/// </summary>
public sealed class AlertSettings
{
    /// <summary>Queue of the alert fan-out (every producer writes here through the outbox).</summary>
    public string Queue { get; set; } = "alerts";
    /// <summary>Base URL of the status center; alert links are relative to it (e.g. <c>#/incidents/&lt;id&gt;</c>).</summary>
    public string StatusCenterUrl { get; set; } = "http://localhost:7071/status/";
    /// <summary>Base URL of this functions app as the team reaches it (acknowledge links point here).</summary>
    public string PublicFunctionsUrl { get; set; } = "http://localhost:7071";
    /// <summary>Key of the HMAC that signs acknowledge links (at least 32 characters; Key Vault in Azure).</summary>
    public string AckLinkSecret { get; set; } = "";
    /// <summary>How long an acknowledge link is good for.</summary>
    public int AckLinkValidHours { get; set; } = 72;

    /// <summary>Per attempt: a channel that has not answered by then counts as a transient failure.</summary>
    public int TimeoutSeconds { get; set; } = 10;
    /// <summary>Attempts within one delivery run (the first one and the retries) before the next is scheduled in the database.</summary>
    public int MaxAttempts { get; set; } = 3;
    /// <summary>Base of the jittered exponential back-off between in-process attempts.</summary>
    public int RetryBaseDelayMilliseconds { get; set; } = 500;
    /// <summary>A Retry-After longer than this is not waited for in process; the database schedules the next attempt.</summary>
    public int MaxRetryAfterSeconds { get; set; } = 30;
    /// <summary>How long a channel's circuit stays open after repeated failures.</summary>
    public int BreakSeconds { get; set; } = 30;
    /// <summary>A delivery still "sending" after this long (the process died mid-send) is sent again.</summary>
    public int SendingTimeoutSeconds { get; set; } = 120;
    /// <summary>After this long without success a delivery is "failed" and the other channels are told.</summary>
    public int GiveUpMinutes { get; set; } = 360;

    public SlackSettings Slack { get; set; } = new();
    public TeamsSettings Teams { get; set; } = new();
    public TelegramSettings Telegram { get; set; } = new();
    public EmailSettings Email { get; set; } = new();
    public WebhookSettings Webhook { get; set; } = new();

    public sealed class SlackSettings
    {
        /// <summary>Incoming webhook URL (secret; Key Vault).</summary>
        public string WebhookUrl { get; set; } = "";
        /// <summary>Slack allows about one message a second per webhook.</summary>
        public double MessagesPerSecond { get; set; } = 1;
    }

    public sealed class TeamsSettings
    {
        /// <summary>Workflows ("Post to a channel when a webhook request is received") URL (secret; Key Vault).</summary>
        public string WebhookUrl { get; set; } = "";
        public double MessagesPerSecond { get; set; } = 4;
    }

    public sealed class TelegramSettings
    {
        public string BotToken { get; set; } = "";
        public string ChatId { get; set; } = "";
        public string ApiBaseUrl { get; set; } = "https://api.telegram.org";
        /// <summary>Telegram allows about one message a second per chat.</summary>
        public double MessagesPerSecond { get; set; } = 1;
    }

    public sealed class EmailSettings
    {
        public string Host { get; set; } = "";
        public int Port { get; set; } = 587;
        /// <summary>STARTTLS on connect (port 587); false only for a local sink.</summary>
        public bool UseStartTls { get; set; } = true;
        public string User { get; set; } = "";
        public string Password { get; set; } = "";
        public string From { get; set; } = "";
        /// <summary>One or more addresses, separated by comma or semicolon.</summary>
        public string To { get; set; } = "";
        /// <summary>0: no limit.</summary>
        public double MessagesPerSecond { get; set; } = 0;
    }

    public sealed class WebhookSettings
    {
        public string Url { get; set; } = "";
        /// <summary>Standard Webhooks secret: "whsec_" followed by base64 of 24 to 64 random bytes.</summary>
        public string Secret { get; set; } = "";
        public double MessagesPerSecond { get; set; } = 0;
    }

    public bool SlackOn => Slack.WebhookUrl.Length > 0;
    public bool TeamsOn => Teams.WebhookUrl.Length > 0;
    public bool TelegramOn => Telegram.BotToken.Length > 0 && Telegram.ChatId.Length > 0;
    public bool EmailOn => Email.Host.Length > 0 && Email.To.Length > 0;
    public bool WebhookOn => Webhook.Url.Length > 0;

    /// <summary>One English message per bad value, naming the app setting (empty when all is well).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Url(string name, string value, bool required)
        {
            if (value.Length == 0) { if (required) errors.Add($"Alerts__{name} is required."); return; }
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
                errors.Add($"Alerts__{name} must be an absolute https URL (http only for localhost), got '{Redact(value)}'.");
        }
        void Positive(string name, double value, bool zeroAllowed = false)
        {
            if (value < 0 || (!zeroAllowed && value == 0) || double.IsNaN(value)) errors.Add($"Alerts__{name} must be {(zeroAllowed ? "0 or more" : "greater than 0")}, got {value}.");
        }

        if (!QueueNames.IsValid(Queue))
            errors.Add($"Alerts__Queue must be a storage queue name ({QueueNames.RuleText}), got '{Queue}'.");
        Url("StatusCenterUrl", StatusCenterUrl, required: true);
        Url("PublicFunctionsUrl", PublicFunctionsUrl, required: true);
        if (AckLinkSecret.Length < 32) errors.Add("Alerts__AckLinkSecret must be at least 32 characters (a random secret from Key Vault).");
        if (AckLinkValidHours is < 1 or > 24 * 30) errors.Add($"Alerts__AckLinkValidHours must be between 1 and 720, got {AckLinkValidHours}.");
        if (TimeoutSeconds is < 1 or > 120) errors.Add($"Alerts__TimeoutSeconds must be between 1 and 120, got {TimeoutSeconds}.");
        if (MaxAttempts is < 1 or > 10) errors.Add($"Alerts__MaxAttempts must be between 1 and 10, got {MaxAttempts}.");
        if (RetryBaseDelayMilliseconds is < 1 or > 60_000) errors.Add($"Alerts__RetryBaseDelayMilliseconds must be between 1 and 60000, got {RetryBaseDelayMilliseconds}.");
        if (MaxRetryAfterSeconds is < 0 or > 600) errors.Add($"Alerts__MaxRetryAfterSeconds must be between 0 and 600, got {MaxRetryAfterSeconds}.");
        if (BreakSeconds is < 1 or > 3600) errors.Add($"Alerts__BreakSeconds must be between 1 and 3600, got {BreakSeconds}.");
        if (SendingTimeoutSeconds < LongestSendSeconds())
            errors.Add($"Alerts__SendingTimeoutSeconds must be at least the longest send of one message (timeouts and waits of all attempts: {LongestSendSeconds():0} s), got {SendingTimeoutSeconds}.");
        if (GiveUpMinutes is < 1 or > 7 * 24 * 60) errors.Add($"Alerts__GiveUpMinutes must be between 1 and 10080, got {GiveUpMinutes}.");

        Url("Slack__WebhookUrl", Slack.WebhookUrl, required: false);
        Positive("Slack__MessagesPerSecond", Slack.MessagesPerSecond, zeroAllowed: true);
        Url("Teams__WebhookUrl", Teams.WebhookUrl, required: false);
        Positive("Teams__MessagesPerSecond", Teams.MessagesPerSecond, zeroAllowed: true);
        if ((Telegram.BotToken.Length > 0) != (Telegram.ChatId.Length > 0))
            errors.Add("Alerts__Telegram__BotToken and Alerts__Telegram__ChatId go together: set both or neither.");
        Url("Telegram__ApiBaseUrl", Telegram.ApiBaseUrl, required: TelegramOn);
        Positive("Telegram__MessagesPerSecond", Telegram.MessagesPerSecond, zeroAllowed: true);
        if ((Email.Host.Length > 0) != (Email.To.Length > 0))
            errors.Add("Alerts__Email__Host and Alerts__Email__To go together: set both or neither.");
        if (EmailOn)
        {
            if (Email.Port is < 1 or > 65535) errors.Add($"Alerts__Email__Port must be between 1 and 65535, got {Email.Port}.");
            if (!MimeKit.MailboxAddress.TryParse(Email.From, out _)) errors.Add($"Alerts__Email__From must be an e-mail address, got '{Email.From}'.");
            if (EmailRecipients().Count == 0 || !EmailRecipients().All(a => MimeKit.MailboxAddress.TryParse(a, out _)))
                errors.Add($"Alerts__Email__To must list e-mail addresses separated by comma, got '{Email.To}'.");
            if ((Email.User.Length > 0) != (Email.Password.Length > 0)) errors.Add("Alerts__Email__User and Alerts__Email__Password go together: set both or neither.");
        }
        Positive("Email__MessagesPerSecond", Email.MessagesPerSecond, zeroAllowed: true);
        Url("Webhook__Url", Webhook.Url, required: false);
        if (WebhookOn && !IsWebhookSecret(Webhook.Secret))
            errors.Add("Alerts__Webhook__Secret must be 'whsec_' followed by base64 of 24 to 64 random bytes when Alerts__Webhook__Url is set.");
        Positive("Webhook__MessagesPerSecond", Webhook.MessagesPerSecond, zeroAllowed: true);
        return errors;
    }

    /// <summary>
    /// How long one message can take at most: every attempt's timeout and the waits between them (a Retry-After
    /// up to MaxRetryAfterSeconds, or the back-off, which ResilientChannel caps at 30 s). A delivery "sending" for
    /// longer was interrupted.
    /// </summary>
    public double LongestSendSeconds() =>
        TimeoutSeconds * MaxAttempts
        + Enumerable.Range(1, Math.Max(0, MaxAttempts - 1)).Sum(k => Math.Max(MaxRetryAfterSeconds, Math.Min(30, RetryBaseDelayMilliseconds * Math.Pow(2, k) * 1.25 / 1000)));

    public IReadOnlyList<string> EmailRecipients() =>
        Email.To.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool IsWebhookSecret(string secret)
    {
        if (!secret.StartsWith("whsec_", StringComparison.Ordinal)) return false;
        var buffer = new byte[128];
        return Convert.TryFromBase64String(secret["whsec_".Length..], buffer, out var length) && length is >= 24 and <= 64;
    }

    // Webhook URLs carry their secret in the path: never echo more than scheme and host.
    private static string Redact(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Host}/…" : value.Length > 12 ? value[..12] + "…" : value;
}
