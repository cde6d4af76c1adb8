// Logs and telemetry: a Log Analytics workspace and workspace-based Application Insights, both without local
// (key) authentication: the app sends with its managed identity (role Monitoring Metrics Publisher, roles.bicep).

param name string

param location string

param tags object

@description('Days the logs are kept (only operational data, no chat contents; DSGVO: as short as useful).')
@minValue(30)
@maxValue(730)
param retentionInDays int

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-07-01' = {
  name: '${name}-logs'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionInDays
    features: { disableLocalAuth: true }
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-ai'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
    RetentionInDays: retentionInDays
  }
}

output insightsName string = insights.name
output insightsId string = insights.id
output connectionString string = insights.properties.ConnectionString
output workspaceName string = workspace.name
