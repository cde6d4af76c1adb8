// Staging (its own resource group, Supabase project and vault):
//   az deployment group create -g rg-leitstand-staging -f infra/bicep/main.bicep -p infra/bicep/staging.bicepparam
using 'main.bicep'

param environmentName = 'staging'
param location = 'germanywestcentral'
param instanceMemoryMB = 2048
// x Maximum Pool Size=5 of Database__ConnectionString = 20 clients of Supavisor.
param maximumInstanceCount = 4
param landingOrigin = 'https://staging.agent-in-5-stunden.de'
param statusCenterOrigin = 'https://staging--leitstand.netlify.app'
param supabaseUrl = 'https://SUPABASE_STAGING_REF.supabase.co'
