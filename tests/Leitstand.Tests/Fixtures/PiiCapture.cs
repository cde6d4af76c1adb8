using System.Text;
using System.Xml.Linq;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Queues;
using Leitstand.Functions;
using Leitstand.LocalHost.Stack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Leitstand.Tests.Fixtures;

/// <summary>
/// The personal-data scan's capture (issue 21): while <c>scripts/test</c> runs, everything the app produces for
/// someone else to read is appended to files under <c>TestResults/pii-capture/</c> (or environment variable
/// <see cref="DirectoryVariable"/>): every log line of every test host
/// (<see cref="RunningHost"/>), every queue message the app sends (a pipeline policy on the app's QueueServiceClient),
/// every request to the channel stand-ins (<see cref="HttpSink"/>: Slack, Telegram, Teams, webhooks) and every e-mail
/// at the SMTP sink (<see cref="SmtpSink"/>), what the agent client prints and logs in the agent tests
/// (<see cref="LoggerProvider"/>, <see cref="Produced"/>), and what the app writes into alerts, the outbox and the
/// delivery log. The PII the tests seed, and those texts the app writes, are recorded by the database itself: triggers
/// (<see cref="InstallRecorderSql"/>, in every database of every cluster the tests make: <see cref="RecordAsync"/>)
/// write them to the server log, which <see cref="CopyLog"/> copies here before the cluster goes (the stack's in
/// <see cref="StackFixture"/>, a test's own cluster in that test). After the run, <c>scripts/pii-scan.mjs</c> looks for
/// the seeded values in the produced text and fails on any hit.
/// </summary>
public static partial class PiiCapture
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
        var line = Line(source, text);
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

    private static string Line(string source, string text) =>
        source + "\t" + text.Replace("\\", "\\\\").Replace("\t", "\\t").Replace("\r", "\\r").Replace("\n", "\\n") + "\n";

    /// <summary>
    /// Copies what a PostgreSQL server log holds for the scan (<see cref="InstallRecorderSql"/>): the seed lines (the JSON
    /// after <see cref="SeedMarker"/>) to seeded-*.jsonl; the texts the app wrote into alerts, the outbox and the delivery
    /// log (after <see cref="ProducedMarker"/>) and the server log's lines of the app's sessions (<see cref="ServerLogLine"/>)
    /// to produced-*-db.tsv. Call it after the cluster stopped, before its folder goes.
    /// </summary>
    /// <param name="directory">Where to; <see cref="Root"/> if null (a test of the capture itself names a scratch folder).</param>
    public static void CopyLog(string postgresLog, string? directory = null)
    {
        directory ??= Root;
        if (directory is null || !File.Exists(postgresLog)) return;
        string? After(string line, string marker) => line.IndexOf(marker, StringComparison.Ordinal) is var at and >= 0 ? line[(at + marker.Length)..] : null;
        List<string> seeds = [], produced = [];
        foreach (var line in File.ReadLines(postgresLog))
        {
            if (After(line, SeedMarker) is { } seed) seeds.Add(seed);
            else if (ServerLogLine().Match(line) is { Success: true } app) produced.Add(Line("db:server-log", app.Groups[1].Value));
            else if (After(line, ProducedMarker) is { } json)
            {
                try
                {
                    using var row = System.Text.Json.JsonDocument.Parse(json);
                    var text = row.RootElement.GetProperty("text").GetString();
                    if (!string.IsNullOrEmpty(text)) produced.Add(Line("db:" + row.RootElement.GetProperty("source").GetString(), text));
                }
                catch (System.Text.Json.JsonException) { produced.Add(Line("db:unparsed", json)); }
            }
        }
        lock (Gate)
        {
            Directory.CreateDirectory(directory);
            var id = $"{Environment.ProcessId}-{Guid.NewGuid():N}";
            File.AppendAllLines(Path.Combine(directory, $"seeded-{id}.jsonl"), seeds.Distinct(), new UTF8Encoding(false));
            if (produced.Count > 0)
                File.AppendAllText(Path.Combine(directory, $"produced-{id}-db.tsv"), string.Concat(produced), new UTF8Encoding(false));
        }
    }

    /// <summary>
    /// Installs <see cref="InstallRecorderSql"/> in a cluster of a test's own (after <see cref="PostgresCluster.StartAsync"/>,
    /// before the migrations): in template1, so every database made later has it, and in postgres, made before it. After the
    /// cluster stopped, <see cref="CopyLog"/> its <see cref="PostgresCluster.LogFile"/>.
    /// </summary>
    public static async Task RecordAsync(PostgresCluster cluster)
    {
        if (Root is null) return;
        // The server log names the session's role (ServerLogLine takes the app's lines), and a LOG line (a recorded value)
        // comes without the statement that wrote it (else a bulk insert logs its SQL once per row). One at a time: ALTER
        // SYSTEM refuses to run in a transaction.
        foreach (var sql in new[]
        {
            "alter system set log_line_prefix = '%m [%p] %u '", "alter system set log_min_error_statement = 'panic'", "select pg_reload_conf()",
        })
        {
            await using var connection = new NpgsqlConnection(cluster.SuperuserConnectionString());
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
        foreach (var database in new[] { "template1", "postgres" })
        {
            await using var connection = new NpgsqlConnection(cluster.SuperuserConnectionString(database));
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(InstallRecorderSql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>
    /// A line of the server log written in a session of the app's role (prefix of <see cref="RecordAsync"/>): an error, its
    /// detail or hint, a warning the app's SQL caused. It goes to the team's log (Supabase's log explorer) like the app's own.
    /// </summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^\S+ \S+ \S+ \[\d+\] leitstand_functions (?:ERROR|WARNING|NOTICE|DETAIL|HINT|LOG|FATAL):  (?!leitstand-pii-)(.*)$")]
    private static partial System.Text.RegularExpressions.Regex ServerLogLine();

    /// <summary>The marker of a produced text (an alert, an outbox payload, a delivery error the app wrote) in the PostgreSQL log.</summary>
    public const string ProducedMarker = "leitstand-pii-produced ";

    /// <summary>
    /// Test-only, per database (<see cref="RecordAsync"/> puts it into template1 and postgres of a cluster, so every database
    /// of that cluster has it, however it is made: the stack's template and its clones, <c>DatabaseBeforeMigration</c>,
    /// <c>LocalDatabase.PrepareAsync</c> into a new database, a cluster of a test's own). Schema pii_capture, not public:
    /// the app's schema stays as the migrations made it. An event trigger attaches the recorders as soon as a migration
    /// (or a schema file) creates their table, as the table's owner, and a call attaches them to tables already there.
    /// RAISE LOG reaches the server log whoever writes, without a grant; one line of JSON each.
    /// - public.leads, every writer: each name, e-mail, phone and handle as written (the values the scan looks for), but
///   not the placeholder an erasure writes;
    /// - public.alerts (title, body, link, attributes), public.outbox_messages (payload: what goes to a queue, also when
    ///   no test sends it on) and public.alert_deliveries (last_error), written in a session of the app's role
    ///   leitstand_functions only: what the app produced, not what a test planted there to see it erased.
    /// </summary>
    public const string InstallRecorderSql = """
        create schema if not exists pii_capture;
        grant usage on schema pii_capture to public;
        create or replace function pii_capture.record_lead() returns trigger language plpgsql as $$
        declare
          seed jsonb := jsonb_build_object('name', to_jsonb(new) ->> 'name', 'email', to_jsonb(new) ->> 'email',
                                           'phone', to_jsonb(new) ->> 'phone', 'handle', to_jsonb(new) ->> 'handle');
        begin
          -- an erased lead (Art. 17) holds no person any more: its placeholder ("Gelöscht (Art. 17)") is no seeded name
          if to_jsonb(new) ->> 'erased_at' is not null
             or tg_op = 'UPDATE' and seed = jsonb_build_object('name', to_jsonb(old) ->> 'name', 'email', to_jsonb(old) ->> 'email',
                                                            'phone', to_jsonb(old) ->> 'phone', 'handle', to_jsonb(old) ->> 'handle') then
            return null;
          end if;
          raise log 'leitstand-pii-seed %', seed::text;
          return null;
        end
        $$;
        -- tg_argv: the columns whose text the app produced
        create or replace function pii_capture.record_produced() returns trigger language plpgsql as $$
        declare
          text_new text := (select string_agg(to_jsonb(new) ->> c, ' | ') from unnest(tg_argv) c);
        begin
          if session_user::text <> 'leitstand_functions' or text_new is null
             or tg_op = 'UPDATE' and text_new is not distinct from (select string_agg(to_jsonb(old) ->> c, ' | ') from unnest(tg_argv) c) then
            return null;
          end if;
          raise log 'leitstand-pii-produced %', json_build_object('source', tg_table_name, 'text', text_new)::text;
          return null;
        end
        $$;
        create or replace function pii_capture.attach() returns void language plpgsql as $$
        declare
          target record;
        begin
          for target in
            select t.name, t.recorder from (values
              ('public.leads', 'pii_capture.record_lead()'),
              ('public.alerts', 'pii_capture.record_produced(''title'', ''body'', ''link'', ''attributes'')'),
              ('public.outbox_messages', 'pii_capture.record_produced(''queue'', ''payload'')'),
              ('public.alert_deliveries', 'pii_capture.record_produced(''last_error'')')) t(name, recorder)
            where to_regclass(t.name) is not null
              and not exists (select from pg_trigger g where g.tgrelid = to_regclass(t.name) and g.tgname = 'zz_pii_capture')
          loop
            begin
              execute format('create trigger zz_pii_capture after insert or update on %s for each row execute function %s', target.name, target.recorder);
            exception when insufficient_privilege then null; -- not the owner: attached when the owner creates it again
            end;
          end loop;
        end
        $$;
        create or replace function pii_capture.attach_on_create() returns event_trigger language plpgsql as $$
        begin
          if exists (select from pg_event_trigger_ddl_commands()
                     where object_identity in ('public.leads', 'public.alerts', 'public.outbox_messages', 'public.alert_deliveries')) then
            perform pii_capture.attach();
          end if;
        end
        $$;
        drop event trigger if exists zz_pii_capture;
        create event trigger zz_pii_capture on ddl_command_end when tag in ('CREATE TABLE') execute function pii_capture.attach_on_create();
        select pii_capture.attach();
        """;

    /// <summary>The host's share: a logger provider for every log line and the queue messages the app sends.</summary>
    public static void AddTo(IServiceCollection services)
    {
        if (Root is null) return;
        services.AddSingleton<ILoggerProvider>(new LogCapture("log:"));
        // the last registration wins: the app's QueueServiceClient, with a policy that copies every message it sends
        services.AddSingleton(sp =>
        {
            var options = ServiceSetup.QueueClientOptionsForApp();
            options.AddPolicy(new QueueCapture(), HttpPipelinePosition.PerCall);
            return sp.GetRequiredService<StorageSettings>().CreateQueueServiceClient(options);
        });
    }

    /// <summary>
    /// Every log line of a logger factory a test makes itself (the agent client's, run in-process): source
    /// <paramref name="prefix"/> and the category. Nothing when the capture is off.
    /// </summary>
    public static ILoggerProvider LoggerProvider(string prefix) => new LogCapture(prefix);

    private sealed class LogCapture(string prefix) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(prefix + categoryName);
        public void Dispose() { }

        private sealed class Logger(string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                Produced(category, formatter(state, exception) + (exception is null ? "" : " | " + exception));
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
