// Azure OpenAI with key authentication disabled, and the chat model deployment the app calls
// (AZURE_OPENAI_DEPLOYMENT). The app and the deploying user get Cognitive Services OpenAI User: they
// can call deployments, not manage them or read keys.

@description('Name of the account; also its custom subdomain, which Microsoft Entra authentication requires.')
param name string

@description('Region of the account: it must offer the model, version and SKU below.')
param location string

@description('Tags of the account.')
param tags object = {}

@description('Name of the chat deployment (the app setting AZURE_OPENAI_DEPLOYMENT).')
param deploymentName string = 'chat'

@description('Model of the chat deployment: a GPT-5-family reasoning model that new customers can deploy (see infra/README.md).')
param modelName string = 'gpt-5.4-mini'

@description('Version of the model.')
param modelVersion string = '2026-03-17'

@description('Deployment SKU: GlobalStandard, Standard, DataZoneStandard ...')
param deploymentSku string = 'GlobalStandard'

@description('Capacity of the deployment, in thousands of tokens per minute.')
@minValue(1)
param deploymentCapacity int = 100

@description('Object id of the app\'s managed identity.')
param appPrincipalId string

@description('Object id of the deploying user (may be empty): lets local runs call the same deployment.')
param userPrincipalId string = ''

@description('Kind of the deploying principal: User, or ServicePrincipal in CI.')
@allowed(['User', 'ServicePrincipal', 'Group'])
param userPrincipalType string = 'User'

// Built-in role: Cognitive Services OpenAI User (inference only).
var cognitiveServicesOpenAiUser = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'

var principals = concat([{ id: appPrincipalId, type: 'ServicePrincipal' }], empty(userPrincipalId) ? [] : [{ id: userPrincipalId, type: userPrincipalType }])

resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: name
  location: location
  tags: tags
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  properties: {
    customSubDomainName: name
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
    }
  }
}

resource chatDeployment 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {
  parent: account
  name: deploymentName
  sku: {
    name: deploymentSku
    capacity: deploymentCapacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: modelName
      version: modelVersion
    }
  }
}

resource openAiUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for principal in principals: {
  scope: account
  name: guid(account.id, principal.id, cognitiveServicesOpenAiUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', cognitiveServicesOpenAiUser)
    principalId: principal.id
    principalType: principal.type
  }
}]

output name string = account.name

@description('https://<name>.openai.azure.com/')
output endpoint string = account.properties.endpoint

output deploymentName string = chatDeployment.name
