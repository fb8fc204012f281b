// Optional: lets the app's identity (and the deploying user) call an existing Azure ML online endpoint
// with a Microsoft Entra token instead of a key. The endpoint must use auth_mode aad_token. Deployed
// into the workspace's resource group: a custom role that allows scoring and nothing else, assigned on
// the endpoint alone, not the workspace.

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

// The one action a scoring call needs. The built-in roles that include it (AzureML Data Scientist,
// Contributor) can also write and delete endpoints and list or regenerate their keys.
var scoreAction = 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action'

var principals = concat([{ id: appPrincipalId, type: 'ServicePrincipal' }], empty(userPrincipalId) ? [] : [{ id: userPrincipalId, type: userPrincipalType }])

resource workspace 'Microsoft.MachineLearningServices/workspaces@2024-10-01' existing = {
  name: workspaceName
}

resource endpoint 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints@2024-10-01' existing = {
  parent: workspace
  name: endpointName
}

// One definition per resource group: environments scoring on endpoints of the same workspace share it.
// Role names are unique in the tenant, hence the group's token in it.
resource scorerRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'azureml-online-endpoint-scorer')
  properties: {
    roleName: 'Azure ML online endpoint scorer (${uniqueString(resourceGroup().id)})'
    description: 'Send scoring requests to Azure ML online endpoints with a Microsoft Entra token. Nothing else: no read, write, delete or key access.'
    type: 'CustomRole'
    permissions: [
      {
        actions: [scoreAction]
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [resourceGroup().id]
  }
}

resource scorer 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for principal in principals: {
  scope: endpoint
  name: guid(endpoint.id, principal.id, scorerRole.id)
  properties: {
    roleDefinitionId: scorerRole.id
    principalId: principal.id
    principalType: principal.type
  }
}]

output roleDefinitionId string = scorerRole.id
