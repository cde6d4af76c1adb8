// Production: az deployment group create -g rg-leitstand-prod -f infra/bicep/main.bicep -p infra/bicep/prod.bicepparam
// Addresses are the real ones once known; secrets are never here (Key Vault, docs/betrieb/deployment.md).
using 'main.bicep'

param environmentName = 'prod'
param location = 'germanywestcentral'
param instanceMemoryMB = 2048
// x Maximum Pool Size=10 of Database__ConnectionString = 100 clients of Supavisor (Micro: 200).
param maximumInstanceCount = 10
param landingOrigin = 'https://agent-in-5-stunden.de'
param statusCenterOrigin = 'https://leitstand.netlify.app'
param supabaseUrl = 'https://SUPABASE_REF.supabase.co'
param alertEmailHost = ''
param alertSlack = false
param alertTeams = false
