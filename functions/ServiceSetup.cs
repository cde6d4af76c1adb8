using Azure.Storage.Queues;
using Leitstand.Alerts;
using Leitstand.Auth;
using Leitstand.Fulfilment;
using Leitstand.Alerts.Channels;
using Leitstand.Functions.Alerts;
using Leitstand.Kpi;
using Leitstand.Leads;
using Leitstand.Monitoring;
using Leitstand.Outbox;
using Leitstand.Pipeline;
using Leitstand.Privacy;
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
        // Every settings section, validated when the host starts (one message per bad value), as singletons.
        services.AddValidatedSettings(configuration);
        services.AddSingleton<SupabaseTokenVerifier>();
        services.AddSingleton<TeamDatabase>();
        services.AddSingleton<AgentKeys>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var builder = new NpgsqlDataSourceBuilder(sp.GetRequiredService<DatabaseSettings>().ConnectionString) { Name = "leitstand" };
            // No session state is used (settings are transaction-local, as Supavisor's transaction mode needs),
            // so returning a connection to the pool needs no reset round trip. Automatic preparation is the
            // connection string's (Max Auto Prepare): on locally, 0 through the transaction pooler.
            builder.ConnectionStringBuilder.NoResetOnClose = true;
            return builder.Build();
        });
        services.AddSingleton(sp => sp.GetRequiredService<StorageSettings>().CreateQueueServiceClient(QueueClientOptionsForApp()));
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<LeadFormRateLimiter>();
        services.AddSingleton<ObjectionHashes>();
        services.AddSingleton<RecordObjection>();
        services.AddSingleton<ListObjections>();
        services.AddSingleton<WithdrawConsent>();
        services.AddSingleton<CaptureLead>();
        services.AddSingleton<SubmitLead>();
        services.AddSingleton<AddProspect>();
        services.AddSingleton<LogTouchpoint>();
        services.AddSingleton<SearchLeads>();
        services.AddSingleton<GetLead>();
        services.AddSingleton<EditLead>();
        services.AddSingleton<ExportLead>();
        services.AddSingleton<FindPeople>();
        services.AddSingleton<EraseLead>();
        services.AddSingleton<ListErasures>();
        services.AddSingleton<ListTouchpointNoteCodes>();
        services.AddSingleton<ProcessPipelineEvents>();
        services.AddSingleton<ListPipeline>();
        services.AddSingleton<ListLeadStages>();
        services.AddSingleton<ListLostReasons>();
        services.AddSingleton<ListPackages>();
        services.AddSingleton<MoveLeadStage>();
        services.AddSingleton<CreateDeal>();
        services.AddSingleton<GetDeal>();
        services.AddSingleton<CorrectDeal>();
        services.AddSingleton<RevealAgentKey>();
        services.AddSingleton<ApplyRetention>();
        services.AddSingleton<ListRetentionRuns>();
        services.AddSingleton<IngestHeartbeat>();
        services.AddSingleton<CheckAgents>();
        services.AddSingleton<WorkflowCheckIn>();
        services.AddSingleton<CheckWorkflows>();
        services.AddSingleton<EditWorkflow>();
        services.AddSingleton<CheckAgentKey>();
        services.AddSingleton<RequestRestart>();
        services.AddSingleton<AcknowledgeIncident>();
        services.AddSingleton<GetIncident>();
        services.AddSingleton<ListAgents>();
        services.AddSingleton<RotateAgentKey>();
        services.AddSingleton<PruneMonitoringHistory>();
        services.AddSingleton<CreateAgent>();
        services.AddSingleton<GetAgent>();
        services.AddSingleton<PauseAgent>();
        services.AddSingleton<SnoozeAgent>();
        services.AddSingleton<AddMaintenanceWindow>();
        services.AddSingleton<AnnounceLead>();
        services.AddAlertChannels();
        services.AddSingleton<AlertOutbox>();
        services.AddSingleton<AcknowledgeLink>();
        services.AddSingleton<AcknowledgeByLink>();
        services.AddSingleton<DeliverDueAlerts>();
        services.AddSingleton<DeliverAlert>();
        services.AddSingleton<RunAlertFollowUps>();
        services.AddSingleton<ListAlertDeliveries>();
        services.AddSingleton<GetAlert>();
        services.AddSingleton<GenerateDailyTasks>();
        services.AddSingleton<ListTasks>();
        services.AddSingleton<CompleteTask>();
        services.AddSingleton<ReopenTask>();
        services.AddSingleton<GetKpiBoard>();
        services.AddSingleton<SendWeeklyKpiDigest>();
        services.AddSingleton<KeepKpiFigures>();
        services.AddSingleton<OnboardingLink>();
        services.AddSingleton<CreateOnboardingLink>();
        services.AddSingleton<RevokeOnboardingLink>();
        services.AddSingleton<ReopenOnboarding>();
        services.AddSingleton<OpenOnboarding>();
        services.AddSingleton<SaveOnboardingDraft>();
        services.AddSingleton<SubmitOnboarding>();
        services.AddSingleton<BookInstall>();
        services.AddSingleton<GetInstall>();
        services.AddSingleton<MarkInstallItem>();
        services.AddSingleton<GetHandoverSummary>();
        services.AddSingleton<GetCustomerInstall>();
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
