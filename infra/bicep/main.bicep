// Leitstand on Azure: Function App (.NET 10 isolated, Linux, Flex Consumption), its storage account
// (AzureWebJobsStorage and the queues), Application Insights and a Key Vault for the secrets.
// Secrets are never parameters with values in the repository: they are set in the Key Vault and
// referenced from the app settings.
//   az deployment group create -g <rg> -f infra/bicep/main.bicep -p name=leitstand landingOrigin=https://<landing> supabaseUrl=https://<ref>.supabase.co
targetScope = 'resourceGroup'

@description('Short name used for all resources.')
@minLength(3)
@maxLength(12)
param name string = 'leitstand'

param location string = resourceGroup().location

@description('Origin of the landing page (CORS), e.g. https://agent-in-5-stunden.de')
param landingOrigin string

@description('Thank-you page after a plain form post.')
param thankYouUrl string = '${landingOrigin}/danke.html'

@description('Base URL of the status center; alert links are relative to it.')
param statusCenterUrl string = '${landingOrigin}/status/'

@description('Base URL of this function app as the team reaches it (acknowledge links in alerts).')
param functionsUrl string = 'https://${name}-func-${take(uniqueString(resourceGroup().id, name), 6)}.azurewebsites.net'

@description('URL of the Supabase project whose access tokens the team endpoints accept, e.g. https://abcd.supabase.co')
param supabaseUrl string

@description('Accept the project\'s legacy HS256 JWT secret too (Key Vault secret supabase-legacy-jwt-secret must exist). Off: asymmetric keys only.')
param acceptLegacyJwtSecret bool = false

var suffix = uniqueString(resourceGroup().id, name)
var storageName = toLower('st${take(name, 8)}${take(suffix, 12)}')
var appName = '${name}-func-${take(suffix, 6)}'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  sku: { name: 'Standard_LRS' }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deployments 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'deployments'
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource leadCapturedQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: 'lead-captured'
}

// Every queue the app uses, and the poison queues the Functions host moves failed messages to.
resource otherQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for queue in [ 'lead-captured-poison', 'alerts', 'alerts-poison' ]: {
  parent: queueService
  name: queue
}]

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-ai'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('${name}-kv-${suffix}', 24)
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${name}-plan'
  location: location
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}deployments'
          authentication: { type: 'SystemAssignedIdentity' }
        }
      }
      scaleAndConcurrency: { maximumInstanceCount: 40, instanceMemoryMB: 2048 }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      cors: { allowedOrigins: [ landingOrigin ] }
      appSettings: concat([
        { name: 'AzureWebJobsStorage', value: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};EndpointSuffix=${environment().suffixes.storage};AccountKey=${storage.listKeys().keys[0].value}' }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'Database__ConnectionString', value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=database-connection-string)' }
        { name: 'Leads__ClientHashKey', value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=lead-client-hash-key)' }
        { name: 'Leads__AllowedOrigins__0', value: landingOrigin }
        { name: 'Leads__ThankYouUrl', value: thankYouUrl }
        { name: 'Leads__FormUrl', value: '${landingOrigin}/#anfrage' }
        { name: 'Leads__RateLimitPerMinute', value: '5' }
        { name: 'Leads__MinFillSeconds', value: '3' }
        { name: 'Leads__MaxBodyBytes', value: '16384' }
        { name: 'Leads__LeadCapturedQueue', value: leadCapturedQueue.name }
        // Alert delivery. The channel credentials (Slack, Teams, Telegram, e-mail, webhook) are added per
        // channel together with their Key Vault secrets: a channel without its settings is off.
        // Deliberately left to their defaults (README, "Einstellungen"): Alerts__AckLinkValidHours,
        // Alerts__TimeoutSeconds, __MaxAttempts, __RetryBaseDelayMilliseconds, __MaxRetryAfterSeconds,
        // __BreakSeconds, __SendingTimeoutSeconds, __GiveUpMinutes, Alerts__<Kanal>__MessagesPerSecond,
        // Alerts__Telegram__ApiBaseUrl, Alerts__Email__Port, Alerts__Email__UseStartTls.
        { name: 'Alerts__Queue', value: 'alerts' }
        { name: 'Alerts__StatusCenterUrl', value: statusCenterUrl }
        { name: 'Alerts__PublicFunctionsUrl', value: functionsUrl }
        { name: 'Alerts__AckLinkSecret', value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=alert-ack-link-secret)' }
        // Team sign-in (docs/auth.md): tokens of this Supabase project, verified against its JWKS.
        { name: 'Auth__SupabaseUrl', value: supabaseUrl }
        { name: 'Auth__ClockSkewSeconds', value: '30' }
      ], acceptLegacyJwtSecret ? [
        { name: 'Auth__LegacyJwtSecret', value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=supabase-legacy-jwt-secret)' }
      ] : [])
    }
  }
}

// The app reads its secrets from the vault and writes its deployment package to the storage account.
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'

resource vaultAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, app.id, keyVaultSecretsUser)
  properties: {
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

resource blobAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, app.id, storageBlobDataOwner)
  properties: {
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
  }
}

output functionAppName string = app.name
output functionBaseUrl string = 'https://${app.properties.defaultHostName}/api'
output keyVaultName string = vault.name
