using System.Reflection;
using System.Text.Json;
using Azure.Storage.Queues;
using Leitstand.Functions;
using Leitstand.LocalHost.Stack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Leitstand.LocalHost.Functions;

public sealed record FunctionsHostOptions
{
    /// <summary>Where to listen; bound to loopback only. Port 0 picks a free port.</summary>
    public string Url { get; init; } = "http://127.0.0.1:7071";
    /// <summary>Settings that win over local.settings(.sample).json and the environment.</summary>
    public IDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();
    public Assembly FunctionsAssembly { get; init; } = typeof(ServiceSetup).Assembly;
    public string? LandingDirectory { get; init; }
    /// <summary>The built status center (web/status/dist), served at /status/; skipped when the folder is missing.</summary>
    public string? StatusCenterDirectory { get; init; }
    public bool RunTimers { get; init; } = true;
    public bool RunQueues { get; init; } = true;
    /// <summary>Last word on the services (tests replace the clock).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
    /// <summary>Replaces what host.json says (tests use short queue timeouts).</summary>
    public HostJson? HostJson { get; init; }
    /// <summary>The local alert inbox (--stack): serves /admin/inbox, /admin/inbox.json and POST /admin/inbox/webhook.</summary>
    public LocalInbox? Inbox { get; init; }
    /// <summary>LOCAL ONLY, the development sign-in (--stack, test fixtures): serves its JWKS and POST /admin/dev-sign-in.</summary>
    public LocalSignIn? SignIn { get; init; }
    /// <summary>Origins allowed to call from another origin (as Azure's siteConfig.cors); null: Host.CORS of local.settings.json.</summary>
    public IReadOnlyList<string>? CorsAllowedOrigins { get; init; }
}

/// <summary>
/// Serves the function classes the way the Azure Functions host does, without Core Tools: HTTP triggers
/// as routes under the host.json route prefix, timers on their schedules, queue triggers polled from
/// the storage account. Nothing is wired per function: the attributes say it all.
/// </summary>
public static class FunctionsWebHost
{
    public static WebApplication Build(FunctionsHostOptions options)
    {
        var functionsDirectory = Path.GetDirectoryName(options.FunctionsAssembly.Location)!;
        var hostJson = options.HostJson ?? HostJson.Load(Path.Combine(RepoPaths.Root, "functions", "host.json"));
        var functions = FunctionCatalog.Discover(options.FunctionsAssembly);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = functionsDirectory });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(LocalSettings.Load(RepoPaths.Root));
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddInMemoryCollection(options.Settings);
        // As in Azure: the app setting AzureWebJobs.<name>.Disabled = true switches a function off (not served, not run).
        functions = [.. functions.Where(f => !builder.Configuration.GetValue<bool>($"AzureWebJobs.{f.Name}.Disabled"))];
        builder.WebHost.UseUrls(options.Url);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Azure.Core", LogLevel.Warning);

        builder.Services.AddLeitstand(builder.Configuration);
        builder.Services.AddMvcCore();
        options.ConfigureServices?.Invoke(builder.Services);
        builder.Services.AddSingleton(hostJson);
        builder.Services.AddSingleton<IReadOnlyList<FunctionDescriptor>>(functions);
        if (options.Inbox is { } inboxService) builder.Services.AddSingleton(inboxService);
        foreach (var function in functions)
        {
            if (function.Trigger == TriggerKind.Timer && options.RunTimers)
                builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<TimerRunner>(sp, function));
            if (function.Trigger == TriggerKind.Queue && options.RunQueues)
                builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<QueueRunner>(sp, function));
        }

        var app = builder.Build();
        app.UseLocalCors(options.CorsAllowedOrigins ?? LocalCors.AllowedOrigins(RepoPaths.Root));
        if (options.StatusCenterDirectory is { } status && Directory.Exists(status))
        {
            var files = new PhysicalFileProvider(Path.GetFullPath(status));
            app.Use((context, next) =>
            {
                // Routing would match "/status/" too; only the bare path moves to the folder (relative asset URLs).
                if (context.Request.Path.Value == "/status") { context.Response.Redirect("/status/"); return Task.CompletedTask; }
                return next(context);
            });
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, RequestPath = "/status" });
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = files,
                RequestPath = "/status",
                // As the build's _headers for Netlify: the page's CSP also as a header, no framing, no sniffing, no referrer.
                OnPrepareResponse = c =>
                {
                    var headers = c.Context.Response.Headers;
                    headers["X-Content-Type-Options"] = "nosniff";
                    headers["X-Frame-Options"] = "DENY";
                    headers["Referrer-Policy"] = "no-referrer";
                    headers["Content-Security-Policy"] = StatusCenterCsp;
                },
            });
        }
        if (options.LandingDirectory is { } landing && Directory.Exists(landing))
        {
            var files = new PhysicalFileProvider(Path.GetFullPath(landing));
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseLandingPartials(files);
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        }

        foreach (var function in functions.Where(f => f.Trigger == TriggerKind.Http))
        {
            var pattern = "/" + string.Join('/', new[] { hostJson.RoutePrefix.Trim('/'), function.Route!.Trim('/') }.Where(s => s.Length > 0));
            app.MapMethods(pattern, function.HttpMethods.Select(m => m.ToUpperInvariant()), context => InvokeHttpAsync(context, function))
                .WithDisplayName(function.Name);
        }

        app.MapGet("/admin/functions", (IReadOnlyList<FunctionDescriptor> all) => all.Select(f => new
        {
            name = f.Name,
            trigger = f.Trigger.ToString().ToLowerInvariant(),
            methods = f.HttpMethods,
            route = f.Route,
            schedule = f.Schedule,
            queueName = f.QueueName,
        }));
        if (options.Inbox is { } inbox) app.MapLocalInbox(inbox);
        if (options.SignIn is { } signIn) app.MapLocalSignIn(signIn);
        // Local only: how heartbeats were grouped into round trips (bench/run.sh reads it).
        app.MapGet("/admin/heartbeat-writes", (Leitstand.Monitoring.IngestHeartbeat ingest) => ingest.Statistics);
        // Local only: what waits in a queue, decoded, e.g. curl http://localhost:7071/admin/queues/lead-captured
        app.MapGet("/admin/queues/{name}", async (string name, IConfiguration configuration, HostJson host, CancellationToken ct) =>
        {
            var queue = new QueueClient(configuration["AzureWebJobsStorage"], name, new QueueClientOptions { MessageEncoding = host.QueueMessageEncoding });
            if (!await queue.ExistsAsync(ct)) return Results.NotFound(new { title = $"Queue '{name}' gibt es nicht." });
            var messages = await queue.PeekMessagesAsync(32, ct);
            return Results.Json(messages.Value.Select(m => new
            {
                id = m.MessageId,
                insertedOn = m.InsertedOn,
                dequeueCount = m.DequeueCount,
                body = TryParseJson(m.Body.ToString()),
            }));
        });
        return app;
    }

    /// <summary>
    /// The status center's policy (the build writes the same into dist/_headers, with the production origins). style-src
    /// also allows the Auskunft page's style by its hash: the page opens as a Blob URL and inherits this policy.
    /// </summary>
    public static readonly string StatusCenterCsp = $"default-src 'none'; script-src 'self'; style-src 'self' {Leitstand.Functions.Privacy.ExportPage.StyleSource}; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static object TryParseJson(string text)
    {
        try { return JsonDocument.Parse(text).RootElement.Clone(); }
        catch (JsonException) { return text; }
    }

    // Executing an IActionResult needs an ActionContext; its descriptor is never looked at here (one for all).
    private static readonly ActionDescriptor NoAction = new();
    // As MVC's JSON output formatter: web defaults, and non-ASCII text (German) written as it is. Deliberately not
    // Leitstand's JsonConvention: this is what the Azure Functions host does with a plain ObjectResult (camelCase),
    // and the local host must answer as Azure would, so code that relies on it shows the same in both.
    private static readonly JsonSerializerOptions MvcJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static async Task InvokeHttpAsync(HttpContext context, FunctionDescriptor function)
    {
        object? result;
        try
        {
            result = await FunctionInvoker.InvokeAsync(context.RequestServices, function, p =>
                p.ParameterType == typeof(HttpRequest) ? (true, context.Request)
                : p.ParameterType == typeof(HttpContext) ? (true, context)
                : p.ParameterType == typeof(CancellationToken) ? (true, context.RequestAborted)
                : p.ParameterType == typeof(string) && p.Name is { } name && function.Route!.Contains("{" + name, StringComparison.OrdinalIgnoreCase)
                    ? (true, context.Request.RouteValues.TryGetValue(name, out var value) ? value?.ToString() : null)
                : (false, null));
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Function." + function.Name)
                .LogError(ex, "Function {Function} failed", function.Name);
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        switch (result)
        {
            case ObjectResult { Value: { } value, ContentTypes.Count: 0, Formatters.Count: 0, DeclaredType: null } plain
                when value is not ProblemDetails:
                // What MVC's ObjectResultExecutor writes for it (JSON, web defaults), without content negotiation.
                context.Response.StatusCode = plain.StatusCode ?? StatusCodes.Status200OK;
                await context.Response.WriteAsJsonAsync(value, value.GetType(), MvcJson, context.RequestAborted);
                break;
            case IActionResult action:
                await action.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), NoAction));
                break;
            case null:
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            case string text:
                await context.Response.WriteAsync(text);
                break;
            default:
                await context.Response.WriteAsJsonAsync(result, result.GetType());
                break;
        }
    }
}
