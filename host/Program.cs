using Leitstand.LocalHost.Functions;
using Leitstand.LocalHost.Stack;

// The local host: serves the function classes without Azure Functions Core Tools.
//   --stack   also starts PostgreSQL (127.0.0.1:54322) and Azurite (127.0.0.1:10000-10002) with data in
//             .local/, applies the migrations and (once) the seed. Ctrl-C stops everything it started.
//   --port N  HTTP port of the functions (default 7071).
//   --smtp-port N  port of the local alert inbox's SMTP sink with --stack (default 2525).
//   --poison list | --poison requeue [message-id]  lists or re-queues the alerts' poison queue and exits.
//   --render-docs  writes docs/ from the playbook rows of the migrations (throwaway database) and exits.
//   --generate-tasks [yyyy-MM-dd]  generates the daily task list for a Berlin date (default today) and exits.
//   --dev-sign-in-db "<admin connection string>"  without --stack: the development sign-in (JWKS and
//             POST /admin/dev-sign-in) for a database started elsewhere, e.g. bench/stack.sh. Local only, like
//             everything in this host; the functions app has no sign-in of its own.
if (args.Contains("--render-docs"))
{
    Environment.ExitCode = await RenderDocs.RunAsync();
    return;
}
if (Array.IndexOf(args, "--poison") is var poisonIndex and >= 0)
{
    Environment.ExitCode = await PoisonCommand.RunAsync(args[(poisonIndex + 1)..], PoisonCommand.LoadConfiguration(), Console.Out);
    return;
}

if (Array.IndexOf(args, "--generate-tasks") is var generateIndex and >= 0)
{
    try
    {
        Environment.ExitCode = await GenerateTasksCommand.RunAsync(args[(generateIndex + 1)..], PoisonCommand.LoadConfiguration(), Console.Out);
    }
    catch (Exception ex) when (ex is InvalidOperationException or Npgsql.NpgsqlException or Microsoft.Extensions.Options.OptionsValidationException)
    {
        Console.Error.WriteLine($"Fehler: {ex.Message} (Läuft scripts/start?)");
        Environment.ExitCode = 1;
    }
    return;
}

var stack = args.Contains("--stack");
var portIndex = Array.IndexOf(args, "--port");
var port = portIndex >= 0 && portIndex + 1 < args.Length ? int.Parse(args[portIndex + 1], System.Globalization.CultureInfo.InvariantCulture) : 7071;
var smtpPortIndex = Array.IndexOf(args, "--smtp-port");
var smtpPort = smtpPortIndex >= 0 && smtpPortIndex + 1 < args.Length ? int.Parse(args[smtpPortIndex + 1], System.Globalization.CultureInfo.InvariantCulture) : LocalInbox.DefaultSmtpPort;

PostgresCluster? postgres = null;
AzuriteServer? azurite = null;
LocalInbox? inbox = null;
LocalSignIn? signIn = null;
var settings = new Dictionary<string, string?>();
try
{
    if (stack)
    {
        postgres = new PostgresCluster(Path.Combine(RepoPaths.LocalData, "postgres"), 54322, throwaway: false);
        azurite = new AzuriteServer(Path.Combine(RepoPaths.LocalData, "azurite"), 10000, 10001, 10002, inMemory: false);
        Console.WriteLine("Starte PostgreSQL auf 127.0.0.1:54322 …");
        var created = await postgres.StartAsync();
        var applied = await LocalDatabase.PrepareAsync(postgres, RepoPaths.Supabase, seed: true);
        Console.WriteLine(created ? "  neue Datenbank angelegt" : "  vorhandene Daten aus .local/postgres weiterverwendet");
        if (postgres.Converted) Console.WriteLine("  auf die Rollen von Supabase umgestellt: Superuser ist jetzt supabase_admin, postgres ist keiner mehr");
        foreach (var file in applied) Console.WriteLine($"  angewendet: {file}");
        Console.WriteLine("Starte Azurite auf 127.0.0.1:10000-10002 …");
        await azurite.StartAsync();
        settings["Database:ConnectionString"] = postgres.FunctionsConnectionString();

        // Team sign-in: the local host plays Supabase Auth (JWKS + dev sign-in), the functions verify as in Azure.
        signIn = new LocalSignIn($"http://127.0.0.1:{port}", postgres.AdminConnectionString(), Path.Combine(RepoPaths.LocalData, "auth"));
        settings["Auth:SupabaseUrl"] = signIn.SupabaseUrl;

        // Alerts go to the local inbox unless local.settings.json or the environment say otherwise.
        inbox = new LocalInbox(smtpPort, Path.Combine(RepoPaths.LocalData, "inbox")) { DeliveryLog = LocalDeliveryLog.RenderAsync };
        await inbox.StartAsync();
        var configured = new ConfigurationBuilder().AddInMemoryCollection(LocalSettings.Load(RepoPaths.Root)).AddEnvironmentVariables().Build();
        foreach (var (key, value) in LocalInbox.AlertSettings(port, smtpPort))
        {
            // A channel's settings go together: the inbox's for a channel that is off, none for one that is on.
            var switchedOn = key.StartsWith("Alerts:Email:", StringComparison.Ordinal) ? !string.IsNullOrEmpty(configured["Alerts:Email:Host"])
                : key.StartsWith("Alerts:Webhook:", StringComparison.Ordinal) ? !string.IsNullOrEmpty(configured["Alerts:Webhook:Url"])
                : !string.IsNullOrEmpty(configured[key]);
            if (!switchedOn) settings[key] = value;
        }
    }

    if (!stack && Array.IndexOf(args, "--dev-sign-in-db") is var signInIndex and >= 0 && signInIndex + 1 < args.Length)
    {
        signIn = new LocalSignIn($"http://127.0.0.1:{port}", args[signInIndex + 1], Path.Combine(Path.GetTempPath(), $"leitstand-sign-in-{port}"));
        settings["Auth:SupabaseUrl"] = signIn.SupabaseUrl;
    }

    var app = FunctionsWebHost.Build(new FunctionsHostOptions
    {
        Url = $"http://127.0.0.1:{port}",
        Settings = settings,
        LandingDirectory = RepoPaths.Landing,
        StatusCenterDirectory = RepoPaths.StatusCenter,
        Inbox = inbox,
        SignIn = signIn,
    });
    await app.StartAsync();

    Console.WriteLine();
    Console.WriteLine($"Landingpage:      http://localhost:{port}/");
    Console.WriteLine($"Status-Center:    http://localhost:{port}/status/" + (Directory.Exists(RepoPaths.StatusCenter) ? "" : "  (nicht gebaut: npm run build:status)"));
    foreach (var f in app.Services.GetRequiredService<IReadOnlyList<FunctionDescriptor>>())
    {
        Console.WriteLine(f.Trigger switch
        {
            TriggerKind.Http => $"{f.Name,-17} [{string.Join(",", f.HttpMethods).ToUpperInvariant()}] http://localhost:{port}/api/{f.Route}",
            TriggerKind.Timer => $"{f.Name,-17} Timer {f.Schedule}",
            _ => $"{f.Name,-17} Queue {ResolvedQueueName(f, app.Configuration)}",
        });
    }
    if (stack)
    {
        Console.WriteLine($"PostgreSQL:       postgresql://postgres@127.0.0.1:54322/postgres  (psql -h 127.0.0.1 -p 54322 -U postgres)");
        Console.WriteLine($"Azurite (Queues): http://127.0.0.1:10001/devstoreaccount1");
        Console.WriteLine($"Alert-Posteingang: http://localhost:{port}/admin/inbox  (SMTP 127.0.0.1:{smtpPort}, E-Mails auch in .local/inbox/)");
        Console.WriteLine($"Anmelden (nur lokal): curl -s -X POST http://localhost:{port}/admin/dev-sign-in -H 'Content-Type: application/json' -d '{{\"email\":\"du@example.de\"}}'");
    }
    Console.WriteLine("Beenden mit Ctrl-C.");
    await app.WaitForShutdownAsync();
}
catch (InvalidOperationException ex)
{
    Console.Error.WriteLine($"Fehler: {ex.Message}");
    Environment.ExitCode = 1;
}
catch (Exception ex) when (ex is Microsoft.Extensions.Options.OptionsValidationException or AggregateException { InnerExceptions: [Microsoft.Extensions.Options.OptionsValidationException, ..] })
{
    // Settings are validated at start: one line per bad value.
    Console.Error.WriteLine("Fehler: ungültige Einstellungen:");
    foreach (var failure in Leitstand.Functions.AppSettings.Failures(ex)) Console.Error.WriteLine($"  {failure}");
    Environment.ExitCode = 1;
}
finally
{
    if (inbox is not null) await inbox.DisposeAsync();
    if (azurite is not null) await azurite.StopAsync();
    if (postgres is not null) await postgres.StopAsync();
}

static string ResolvedQueueName(FunctionDescriptor function, IConfiguration configuration)
{
    try { return QueueRunner.ResolveQueueName(function.QueueName!, configuration); }
    catch (InvalidOperationException ex) { return $"{function.QueueName} ({ex.Message})"; }
}
