// The app settings of the Function App, all of them (this resource replaces the whole set). Composed in
// main.bicep; a separate resource, because some values need the app's own host name.

param functionAppName string

@description('Setting name to value; secrets are Key Vault references.')
param settings object

resource site 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionAppName
}

resource appSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'appsettings'
  properties: settings
}
