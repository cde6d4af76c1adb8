// The Key Vault of the app's secrets. The values are never in the repository or in a deployment: the
// operators set them (docs/betrieb/deployment.md); the app settings reference them without a version, so a
// new version is picked up. Access by Azure RBAC only (the app: Key Vault Secrets User, roles.bicep).

@minLength(3)
@maxLength(24)
param name string

param location string

param tags object

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

output name string = vault.name
output id string = vault.id
output uri string = vault.properties.vaultUri
