// Log Analytics and workspace-based Application Insights, both refusing local (key) authentication:
// telemetry is accepted only with a Microsoft Entra token from a principal that holds
// Monitoring Metrics Publisher on the Application Insights resource: the app's identity. A local run
// exports nothing (the postprovision hook writes no connection string), so the deploying user gets no
// role here.

@description('Name of the Log Analytics workspace.')
param logAnalyticsName string

@description('Name of the Application Insights resource.')
param applicationInsightsName string

@description('Region of both resources.')
param location string

@description('Tags of both resources.')
param tags object = {}

@description('Object id of the app\'s managed identity: it publishes the telemetry.')
param appPrincipalId string

// Built-in role: Monitoring Metrics Publisher (publishes all telemetry, despite the name).
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
    features: {
      disableLocalAuth: true
    }
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    // The resource schema spells this property with a capital D.
    DisableLocalAuth: true
  }
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: applicationInsights
  name: guid(applicationInsights.id, appPrincipalId, monitoringMetricsPublisher)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// With local authentication disabled, the connection string only tells the exporter where to send
// telemetry; it no longer grants the right to send any.
@description('Connection string of Application Insights (not a credential: local auth is disabled).')
output connectionString string = applicationInsights.properties.ConnectionString

output applicationInsightsName string = applicationInsights.name
output logAnalyticsName string = workspace.name
