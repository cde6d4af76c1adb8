using System.Text;
using System.Xml.Linq;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Queues;
using Leitstand.Functions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Leitstand.Tests.Fixtures;

/// <summary>
/// The personal-data scan's capture (issue 21): while <c>scripts/test</c> runs, everything the app produces for
/// someone else to read is appended to files under <c>TestResults/pii-capture/</c> (or environment variable
/// <see cref="DirectoryVariable"/>): every log line of every test host
/// (<see cref="RunningHost"/>), every queue message the app sends (a pipeline policy on the app's QueueServiceClient),
/// every request to the channel stand-ins (<see cref="HttpSink"/>: Slack, Telegram, Teams, webhooks) and every e-mail
/// at the SMTP sink (<see cref="SmtpSink"/>). The PII the tests seed is recorded by the database itself: a trigger on
/// public.leads in the stack's template (<see cref="InstallSeedRecorderSql"/>) writes every name, e-mail, phone and
/// handle to the server log, which <see cref="StackFixture"/> copies here before the cluster goes. After the run,
/// <c>scripts/pii-scan.mjs</c> looks for the seeded values in the produced text and fails on any hit.
/// </summary>
public static class PiiCapture
{
    public const string DirectoryVariable = "LEITSTAND_PII_CAPTURE";
    /// <summary>The marker of a seed line in the PostgreSQL log.</summary>
    public const string SeedMarker = "leitstand-pii-seed ";

    /// <summary>Where the capture goes: <see cref="DirectoryVariable"/> (scripts/test sets it), else TestResults/pii-capture of the repository.</summary>
    public static readonly string? Root = Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } dir ? dir
        : Path.Combine(Leitstand.LocalHost.Stack.RepoPaths.Root, "TestResults", "pii-capture");
    private static readonly Lock Gate = new();
    public static string ProducedFile => Path.Combine(Root!, $"produced-{Environment.ProcessId}.tsv");

    public static bool Enabled => Root is not null;

    private static StreamWriter? _writer;

    /// <summary>Appends one produced text: a line "source TAB text" (tabs, CR and LF in the text escaped as \t, \r, \n).</summary>
    public static void Produced(string source, string text)
    {
        if (Root is null || string.IsNullOrEmpty(text)) return;
        var line = source + "\t" + text.Replace("\\", "\\\\").Replace("\t", "\\t").Replace("\r", "\\r").Replace("\n", "\\n") + "\n";
        lock (Gate)
        {
            if (_writer is null)
            {
                Directory.CreateDirectory(Root);
                _writer = new StreamWriter(new FileStream(ProducedFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false)) { AutoFlush = true };
            }
            _writer.Write(line);
        }
    }

    /// <summary>Copies the seed lines of a PostgreSQL server log (the JSON after <see cref="SeedMarker"/>) to seeded-*.jsonl.</summary>
    public static void CopySeeds(string postgresLog)
    {
        if (Root is null || !File.Exists(postgresLog)) return;
        var seeds = File.ReadLines(postgresLog)
            .Select(l => l.IndexOf(SeedMarker, StringComparison.Ordinal) is var at and >= 0 ? l[(at + SeedMarker.Length)..] : null)
            .OfType<string>().Distinct().ToList();
        lock (Gate)
        {
            Directory.CreateDirectory(Root);
            File.AppendAllLines(Path.Combine(Root, $"seeded-{Environment.ProcessId}-{Guid.NewGuid():N}.jsonl"), seeds, new UTF8Encoding(false));
        }
    }

    /// <summary>
    /// Test-only, in the stack's database before the template is made (so every clone and the pgTAP database have it):
    /// every lead's name, e-mail, phone and handle as written, to the server log (RAISE LOG reaches the log whoever
    /// writes, without a grant). Schema pii_capture, not public: the app's schema stays as the migrations made it.
    /// </summary>
    public const string InstallSeedRecorderSql = """
        create schema if not exists pii_capture;
        create or replace function pii_capture.record_lead() returns trigger language plpgsql as $$
        begin
          raise log 'leitstand-pii-seed %', json_build_object('name', new.name, 'email', new.email, 'phone', new.phone, 'handle', new.handle);
          return null;
        end
        $$;
        drop trigger if exists zz_pii_capture on public.leads;
        create trigger zz_pii_capture after insert or update of name, email, phone, handle on public.leads
          for each row execute function pii_capture.record_lead();
        """;

    /// <summary>The host's share: a logger provider for every log line and the queue messages the app sends.</summary>
    public static void AddTo(IServiceCollection services)
    {
        if (Root is null) return;
        services.AddSingleton<ILoggerProvider, LogCapture>();
        // the last registration wins: the app's QueueServiceClient, with a policy that copies every message it sends
        services.AddSingleton(sp =>
        {
            var options = ServiceSetup.QueueClientOptionsForApp();
            options.AddPolicy(new QueueCapture(), HttpPipelinePosition.PerCall);
            return sp.GetRequiredService<StorageSettings>().CreateQueueServiceClient(options);
        });
    }

    private sealed class LogCapture : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName);
        public void Dispose() { }

        private sealed class Logger(string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                Produced("log:" + category, formatter(state, exception) + (exception is null ? "" : " | " + exception));
        }
    }

    private sealed class QueueCapture : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message)
        {
            var request = message.Request;
            if (request.Content is null || request.Method != RequestMethod.Post && request.Method != RequestMethod.Put) return;
            using var buffer = new MemoryStream();
            request.Content.WriteTo(buffer, CancellationToken.None);
            var xml = Encoding.UTF8.GetString(buffer.ToArray()).TrimStart('\uFEFF');
            var queue = request.Uri.Path.Split('/', StringSplitOptions.RemoveEmptyEntries) is [_, var name, ..] ? name : request.Uri.Path;
            string text;
            try
            {
                var encoded = XDocument.Parse(xml).Descendants("MessageText").FirstOrDefault()?.Value ?? xml;
                try { text = Encoding.UTF8.GetString(Convert.FromBase64String(encoded)); }
                catch (FormatException) { text = encoded; }
            }
            catch (System.Xml.XmlException) { text = xml; }
            Produced("queue:" + queue, text);
        }
    }
}
