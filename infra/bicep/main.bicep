// Leitstand on Azure: everything the app needs, in Germany West Central unless told otherwise.
//   Function App on Flex Consumption (.NET 10 isolated) with a system-assigned identity holding only the roles
//   it needs; its storage account (no shared keys) with every queue and poison queue; Application Insights
//   without local authentication; a Key Vault whose secrets the app settings reference.
// Secrets are never parameters or values here: the operators set them in the vault (docs/betrieb/deployment.md).
//   az deployment group create -g <rg> -f infra/bicep/main.bicep -p infra/bicep/prod.bicepparam
targetScope = 'resourceGroup'

@description('Short name of the resources: 3-12 lower-case letters and digits.')
@minLength(3)
@maxLength(12)
param name string = 'leitstand'

@description('The environment; one resource group and one parameters file each.')
@allowed(['prod', 'staging'])
param environmentName string

@description('Azure region. Germany West Central: the customers and their data are in Germany.')
param location string = 'germanywestcentral'

@description('Memory of one Function App instance in MB (Flex Consumption: 512, 2048 or 4096).')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('''Instances the app scales out to at most. Each instance keeps up to "Maximum Pool Size" connections
to Supabase's Supavisor (transaction mode): maximumInstanceCount x Maximum Pool Size of Database__ConnectionString must
stay below the pooler's client limit of the Supabase compute size (Nano/Micro 200, Small 400, Medium 600), e.g.
10 x 10 = 100 on Micro, leaving room for a second deployment and the team's tools (docs/betrieb/deployment.md).''')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 10

@description('Origin of the landing page, e.g. https://agent-in-5-stunden.de (may post the lead form; CORS).')
param landingOrigin string

@description('Origin of the status center (Netlify), e.g. https://leitstand.netlify.app (CORS).')
param statusCenterOrigin string

@description('Base URL of the status center; links in alerts are relative to it.')
param statusCenterUrl string = '${statusCenterOrigin}/'

@description('Public base URL of the Function App if it has a custom domain; empty: its default host name.')
param publicFunctionsUrl string = ''

@description('URL of the Supabase project whose access tokens the team endpoints accept, e.g. https://abcd.supabase.co')
param supabaseUrl string

@description('Accept the project\'s legacy HS256 JWT secret too (secret supabase-legacy-jwt-secret). Off: asymmetric keys only.')
param acceptLegacyJwtSecret bool = false

@description('Days logs and telemetry are kept.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('Alerts to Slack (secret alert-slack-webhook-url).')
param alertSlack bool = false

@description('Alerts to Microsoft Teams (secret alert-teams-webhook-url).')
param alertTeams bool = false

@description('Telegram chat of the alerts (secret alert-telegram-bot-token); empty: Telegram off.')
param alertTelegramChatId string = ''

@description('SMTP server of alert e-mails (port 587, STARTTLS); empty: e-mail off.')
param alertEmailHost string = ''

@description('Sender of alert e-mails.')
param alertEmailFrom string = ''

@description('Recipients of alert e-mails, separated by comma.')
param alertEmailTo string = ''

@description('SMTP user (password: secret alert-email-password); empty: no sign-in.')
param alertEmailUser string = ''

@description('Receiver of the signed alert webhook (secret alert-webhook-secret, whsec_…); empty: off.')
param alertWebhookUrl string = ''

var suffix = take(uniqueString(resourceGroup().id, name, environmentName), 10)
var tags = { app: 'leitstand', environment: environmentName }
var compactName = toLower(replace(name, '-', ''))

// Every queue the app uses (the defaults of Leads__LeadCapturedQueue and Alerts__Queue, set below as well).
var leadCapturedQueue = 'lead-captured'
var alertsQueue = 'alerts'
var deploymentContainer = 'app-package'

// The secrets the app settings reference; the operators set their values (docs/betrieb/deployment.md).
var secretNames = {
  databaseConnectionString: 'database-connection-string'
  pipelineWebhookSecret: 'pipeline-webhook-secret'
  agentKeyHandoverKey: 'agent-key-handover-key'
  leadClientHashKey: 'lead-client-hash-key'
  alertAckLinkSecret: 'alert-ack-link-secret'
  fulfilmentLinkSecret: 'fulfilment-link-secret'
  privacyObjectionHashKey: 'privacy-objection-hash-key'
  supabaseLegacyJwtSecret: 'supabase-legacy-jwt-secret'
  alertSlackWebhookUrl: 'alert-slack-webhook-url'
  alertTeamsWebhookUrl: 'alert-teams-webhook-url'
  alertTelegramBotToken: 'alert-telegram-bot-token'
  alertEmailPassword: 'alert-email-password'
  alertWebhookSecret: 'alert-webhook-secret'
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: 'st${take(compactName, 10)}${suffix}'
    location: location
    tags: tags
    queues: [leadCapturedQueue, alertsQueue]
    deploymentContainer: deploymentContainer
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    name: '${name}-${environmentName}'
    location: location
    tags: tags
    retentionInDays: logRetentionDays
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: 'kv${take(compactName, 10)}${suffix}'
    location: location
    tags: tags
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: '${name}-${environmentName}-${suffix}'
    location: location
    tags: tags
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    corsOrigins: [landingOrigin, statusCenterOrigin]
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: functionApp.outputs.principalId
    storageAccountName: storage.outputs.name
    keyVaultName: vault.outputs.name
    insightsName: monitoring.outputs.insightsName
  }
}

var functionsUrl = empty(publicFunctionsUrl) ? 'https://${functionApp.outputs.defaultHostName}' : publicFunctionsUrl

func secret(vaultUri string, secretName string) string => '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/${secretName})'

// App settings: every setting the code reads is set here or listed below as left to its default
// (tests/Leitstand.Tests/Settings/SettingsDriftTests.cs holds this, local.settings.sample.json and the README together).
// Deliberately left to their defaults:
//   Pipeline__BatchSize, Pipeline__MaxAttempts,
//   Alerts__AckLinkValidHours, Alerts__TimeoutSeconds, Alerts__MaxAttempts, Alerts__RetryBaseDelayMilliseconds,
//   Alerts__MaxRetryAfterSeconds, Alerts__BreakSeconds, Alerts__SendingTimeoutSeconds, Alerts__GiveUpMinutes,
//   Alerts__Slack__MessagesPerSecond, Alerts__Teams__MessagesPerSecond, Alerts__Telegram__MessagesPerSecond,
//   Alerts__Email__MessagesPerSecond, Alerts__Webhook__MessagesPerSecond, Alerts__Telegram__ApiBaseUrl,
//   Alerts__Email__Port, Alerts__Email__UseStartTls,
//   Fulfilment__LinkValidDays, Fulfilment__MaxBodyBytes
// (end of the defaults)
var appSettings = union(
  {
    // The Functions host and the app's own queue clients reach the storage account with the managed identity.
    AzureWebJobsStorage__accountName: storage.outputs.name
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__blobServiceUri: storage.outputs.blobEndpoint
    AzureWebJobsStorage__queueServiceUri: storage.outputs.queueEndpoint
    APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
    // Supavisor transaction mode, Max Auto Prepare=0 (docs/betrieb/deployment.md, "Datenbankverbindung").
    Database__ConnectionString: secret(vault.outputs.uri, secretNames.databaseConnectionString)
    Leads__AllowedOrigins__0: landingOrigin
    Leads__ThankYouUrl: '${landingOrigin}/danke.html'
    Leads__FormUrl: '${landingOrigin}/#anfrage'
    Leads__MaxBodyBytes: '16384'
    Leads__RateLimitPerMinute: '5'
    Leads__MinFillSeconds: '3'
    Leads__ClientHashKey: secret(vault.outputs.uri, secretNames.leadClientHashKey)
    Leads__LeadCapturedQueue: leadCapturedQueue
    Pipeline__WebhookSecret: secret(vault.outputs.uri, secretNames.pipelineWebhookSecret)
    Pipeline__LostRetentionDays: '365'
    Retention__OpenLeadMonths: '12'
    Retention__UncontactedProspectMonths: '3'
    Retention__CustomerMonths: '36'
    Retention__IncidentMonths: '12'
    Retention__OutboxDays: '30'
    Retention__AlertDays: '90'
    Retention__RateLimitDays: '1'
    Monitoring__HeartbeatRetentionDays: '14'
    Monitoring__FlipRetentionDays: '365'
    Monitoring__FlipsPerHour: '6'
    Monitoring__EscalateAfterMinutes: '15'
    Monitoring__AutoRestartsPerHour: '3'
    Monitoring__KeyRotationOverlapHours: '24'
    Monitoring__MaxBodyBytes: '4096'
    Monitoring__HeartbeatWriters: '1'
    Monitoring__HeartbeatBatchSize: '64'
    Auth__SupabaseUrl: supabaseUrl
    Auth__ClockSkewSeconds: '30'
    Agents__KeyHandoverKey: secret(vault.outputs.uri, secretNames.agentKeyHandoverKey)
    Alerts__Queue: alertsQueue
    Alerts__StatusCenterUrl: statusCenterUrl
    Alerts__PublicFunctionsUrl: functionsUrl
    Alerts__AckLinkSecret: secret(vault.outputs.uri, secretNames.alertAckLinkSecret)
    Fulfilment__LinkSecret: secret(vault.outputs.uri, secretNames.fulfilmentLinkSecret)
    Fulfilment__PublicFunctionsUrl: functionsUrl
    Privacy__ObjectionHashKey: secret(vault.outputs.uri, secretNames.privacyObjectionHashKey)
  },
  acceptLegacyJwtSecret ? { Auth__LegacyJwtSecret: secret(vault.outputs.uri, secretNames.supabaseLegacyJwtSecret) } : {},
  // Alert channels: a channel without its settings is off.
  alertSlack ? { Alerts__Slack__WebhookUrl: secret(vault.outputs.uri, secretNames.alertSlackWebhookUrl) } : {},
  alertTeams ? { Alerts__Teams__WebhookUrl: secret(vault.outputs.uri, secretNames.alertTeamsWebhookUrl) } : {},
  empty(alertTelegramChatId)
    ? {}
    : {
        Alerts__Telegram__BotToken: secret(vault.outputs.uri, secretNames.alertTelegramBotToken)
        Alerts__Telegram__ChatId: alertTelegramChatId
      },
  empty(alertEmailHost)
    ? {}
    : {
        Alerts__Email__Host: alertEmailHost
        Alerts__Email__From: alertEmailFrom
        Alerts__Email__To: alertEmailTo
      },
  empty(alertEmailHost) || empty(alertEmailUser)
    ? {}
    : {
        Alerts__Email__User: alertEmailUser
        Alerts__Email__Password: secret(vault.outputs.uri, secretNames.alertEmailPassword)
      },
  empty(alertWebhookUrl)
    ? {}
    : {
        Alerts__Webhook__Url: alertWebhookUrl
        Alerts__Webhook__Secret: secret(vault.outputs.uri, secretNames.alertWebhookSecret)
      }
)
// (end of the app settings)

module settings 'modules/appsettings.bicep' = {
  name: 'appsettings'
  params: {
    functionAppName: functionApp.outputs.name
    settings: appSettings
  }
  // The identity must hold its roles before the settings make the app resolve its Key Vault references.
  dependsOn: [roles]
}

// The secrets this deployment's app settings reference: each must exist in the vault.
var referencedSecrets = concat(
  [
    secretNames.databaseConnectionString
    secretNames.pipelineWebhookSecret
    secretNames.agentKeyHandoverKey
    secretNames.leadClientHashKey
    secretNames.alertAckLinkSecret
    secretNames.fulfilmentLinkSecret
    secretNames.privacyObjectionHashKey
  ],
  acceptLegacyJwtSecret ? [secretNames.supabaseLegacyJwtSecret] : [],
  alertSlack ? [secretNames.alertSlackWebhookUrl] : [],
  alertTeams ? [secretNames.alertTeamsWebhookUrl] : [],
  empty(alertTelegramChatId) ? [] : [secretNames.alertTelegramBotToken],
  empty(alertEmailHost) || empty(alertEmailUser) ? [] : [secretNames.alertEmailPassword],
  empty(alertWebhookUrl) ? [] : [secretNames.alertWebhookSecret]
)

output functionAppName string = functionApp.outputs.name
output functionsUrl string = functionsUrl
@description('Form action of the landing page (POST).')
output leadFormUrl string = '${functionsUrl}/api/leads'
@description('VITE_API_BASE of the status center build (Netlify).')
output statusCenterApiBase string = functionsUrl
@description('URL of the Supabase Database Webhook (Vault secret leitstand_webhook_url).')
output supabaseWebhookUrl string = '${functionsUrl}/api/webhooks/supabase'
output keyVaultName string = vault.outputs.name
output keyVaultSecretNames string[] = referencedSecrets
output storageAccountName string = storage.outputs.name
output applicationInsightsName string = monitoring.outputs.insightsName
output logAnalyticsWorkspaceName string = monitoring.outputs.workspaceName
