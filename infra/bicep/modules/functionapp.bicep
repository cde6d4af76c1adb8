// The Function App on Flex Consumption: Linux, .NET 10 isolated, its system-assigned identity, the deployment
// package in a blob container reached with that identity, no FTP or basic-auth publishing. The app settings are
// set by appsettings.bicep once the identity holds its roles (roles.bicep), so Key Vault references resolve at once.

param name string

param location string

param tags object

@description('Memory of one instance in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int

@description('Instances the app scales out to at most.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('URL of the blob container of the deployment package.')
param deploymentContainerUrl string

@description('Origins that browsers may call the API from (landing page, status center).')
param corsOrigins string[]

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: '${name}-plan'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      cors: { allowedOrigins: corsOrigins, supportCredentials: false }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: { type: 'SystemAssignedIdentity' }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
  }
}

// Deployments authenticate with Microsoft Entra ID (azure/login in CI), never with publishing passwords.
resource ftp 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: { allow: false }
}

resource scm 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: { allow: false }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
output principalId string = site.identity.principalId
