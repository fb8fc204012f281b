// Optional: lets the app's identity (and the deploying user) call an existing Azure ML online endpoint
// with a Microsoft Entra token instead of a key. The endpoint must use auth_mode aad_token. Deployed
// into the workspace's resource group; the assignment is scoped to the endpoint alone, not the workspace.

@description('Name of the Azure ML workspace that holds the online endpoint.')
param workspaceName string

@description('Name of the online endpoint (the first label of its scoring URI host).')
param endpointName string

@description('Object id of the app\'s managed identity.')
param appPrincipalId string

@description('Object id of the deploying user (may be empty).')
param userPrincipalId string = ''

@description('Kind of the deploying principal: User, or ServicePrincipal in CI.')
@allowed(['User', 'ServicePrincipal', 'Group'])
param userPrincipalType string = 'User'

// Built-in role: AzureML Data Scientist. It includes onlineEndpoints/score/action; scoped to one
// endpoint it grants nothing else in the workspace.
var azureMlDataScientist = 'f6c7c914-8db3-469d-8ca1-694a8f32e121'

var principals = concat([{ id: appPrincipalId, type: 'ServicePrincipal' }], empty(userPrincipalId) ? [] : [{ id: userPrincipalId, type: userPrincipalType }])

resource workspace 'Microsoft.MachineLearningServices/workspaces@2024-10-01' existing = {
  name: workspaceName
}

resource endpoint 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints@2024-10-01' existing = {
  parent: workspace
  name: endpointName
}

resource scorer 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for principal in principals: {
  scope: endpoint
  name: guid(endpoint.id, principal.id, azureMlDataScientist)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', azureMlDataScientist)
    principalId: principal.id
    principalType: principal.type
  }
}]
