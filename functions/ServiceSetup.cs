using Azure.Storage.Queues;
using Leitstand.Alerts;
using Leitstand.Auth;
using Leitstand.Alerts.Channels;
using Leitstand.Functions.Alerts;
using Leitstand.Kpi;
using Leitstand.Leads;
using Leitstand.Monitoring;
using Leitstand.Outbox;
using Leitstand.Pipeline;
using Leitstand.Retention;
using Leitstand.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Leitstand.Functions;

/// <summary>The one place where the app's services are wired; used by Program.cs and by the local host.</summary>
public static class ServiceSetup
{
    public static IServiceCollection AddLeitstand(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration["Database:ConnectionString"];
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException("Setting 'Database:ConnectionString' (env Database__ConnectionString) is missing.");
        var storage = configuration["AzureWebJobsStorage"];
        if (string.IsNullOrWhiteSpace(storage))
            throw new InvalidOperationException("Setting 'AzureWebJobsStorage' is missing.");

        var leads = configuration.GetSection("Leads").Get<LeadCaptureSettings>() ?? new LeadCaptureSettings();
        if (string.IsNullOrWhiteSpace(leads.ClientHashKey) || leads.ClientHashKey.Length < 16)
            throw new InvalidOperationException("Setting 'Leads:ClientHashKey' must be at least 16 characters (a random secret from Key Vault in Azure).");

        var alerts = configuration.GetSection("Alerts").Get<AlertSettings>() ?? new AlertSettings();
        if (alerts.Validate() is { Count: > 0 } alertErrors)
            throw new InvalidOperationException("Alert settings are invalid:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", alertErrors));

        var auth = configuration.GetSection("Auth").Get<AuthSettings>() ?? new AuthSettings();
        if (auth.Validate() is { Count: > 0 } authErrors)
            throw new InvalidOperationException("Auth settings are invalid:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", authErrors));

        services.AddSingleton(auth);
        services.AddSingleton<SupabaseTokenVerifier>();
        services.AddSingleton<TeamDatabase>();
        services.AddSingleton(leads);
        services.AddSingleton(alerts);
        services.AddSingleton(configuration.GetSection("Pipeline").Get<PipelineSettings>() ?? new PipelineSettings());
        services.AddSingleton(configuration.GetSection("Agents").Get<AgentKeySettings>() ?? new AgentKeySettings());
        services.AddSingleton<AgentKeys>();
        services.AddSingleton(configuration.GetSection("Monitoring").Get<MonitoringSettings>() ?? new MonitoringSettings());
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ =>
        {
            var builder = new NpgsqlDataSourceBuilder(connectionString) { Name = "leitstand" };
            // No session state is used (settings are transaction-local), so returning a connection to the
            // pool needs no reset round trip; frequent statements (heartbeats) are prepared automatically.
            builder.ConnectionStringBuilder.NoResetOnClose = true;
            if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0) builder.ConnectionStringBuilder.MaxAutoPrepare = 20;
            return builder.Build();
        });
        services.AddSingleton(_ => new QueueServiceClient(storage, QueueClientOptionsForApp()));
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<LeadFormRateLimiter>();
        services.AddSingleton<CaptureLead>();
        services.AddSingleton<SubmitLead>();
        services.AddSingleton<AddProspect>();
        services.AddSingleton<LogTouchpoint>();
        services.AddSingleton<ListTouchpointNoteCodes>();
        services.AddSingleton<ProcessPipelineEvents>();
        services.AddSingleton<ListPipeline>();
        services.AddSingleton<MoveLeadStage>();
        services.AddSingleton<RevealAgentKey>();
        services.AddSingleton<ApplyRetention>();
        services.AddSingleton<IngestHeartbeat>();
        services.AddSingleton<CheckAgents>();
        services.AddSingleton<RequestRestart>();
        services.AddSingleton<AcknowledgeIncident>();
        services.AddSingleton<GetIncident>();
        services.AddSingleton<ListAgents>();
        services.AddSingleton<RotateAgentKey>();
        services.AddSingleton<PruneMonitoringHistory>();
        services.AddSingleton<CreateAgent>();
        services.AddSingleton<AnnounceLead>();
        services.AddAlertChannels();
        services.AddSingleton<AlertOutbox>();
        services.AddSingleton<AcknowledgeLink>();
        services.AddSingleton<AcknowledgeByLink>();
        services.AddSingleton<DeliverDueAlerts>();
        services.AddSingleton<DeliverAlert>();
        services.AddSingleton<RunAlertFollowUps>();
        services.AddSingleton<ListAlertDeliveries>();
        services.AddSingleton<GenerateDailyTasks>();
        services.AddSingleton<ListTasks>();
        services.AddSingleton<CompleteTask>();
        services.AddSingleton<ReopenTask>();
        services.AddSingleton<GetKpiBoard>();
        services.AddSingleton<SendWeeklyKpiDigest>();
        services.AddSingleton<KeepKpiFigures>();
        services.AddHostedService<AlertChannelsAtStart>();
        services.AddPoisonAlerts();
        return services;
    }

    /// <summary>Base64 like the Functions queue extension expects; few, quick retries so a down queue never stalls a request.</summary>
    public static QueueClientOptions QueueClientOptionsForApp()
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        options.Retry.MaxRetries = 1;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        return options;
    }
}
