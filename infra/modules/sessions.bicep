// The connector runner's sandboxes: Azure Container Apps dynamic sessions code interpreter pools
// (Hyper-V isolated, serverless, no Container Apps environment needed). One Python (PythonLTS) and one
// Node.js (NodeLTS) pool with egress disabled run `network_mode: none`; with egressEnabled, a second pair
// with egress enabled runs `network_mode: bridge` (without it, the app refuses bridge). The app's identity
// gets Azure ContainerApps Session Executor on each pool and nothing else; nobody else gets a role here
// (local runs use the sandbox simulator).

@description('Region of the pools; it must offer dynamic sessions.')
param location string

param tags object = {}

@description('Seeds the pool names (3-63 lowercase letters and digits).')
param resourceToken string

@description('Also create the pools with egress enabled, for network_mode bridge.')
param egressEnabled bool = false

@description('Most sessions allocated at once per pool; the runner uses one per run and deletes it after.')
@minValue(1)
@maxValue(600)
param maxConcurrentSessions int = 20

@description('Idle seconds before the pool reclaims a session the runner could not delete.')
@minValue(300)
@maxValue(3600)
param cooldownPeriodInSeconds int = 300

@description('Object id of the app\'s managed identity.')
param appPrincipalId string

// Built-in role: Azure ContainerApps Session Executor (execute code and manage files in a pool's sessions).
var sessionExecutorRoleId = '0fb8eba5-a2bb-4abe-b1c1-49dfad359bb0'

// NodeLTS is not among the containerType values the stable API's spec lists (it lists PythonLTS and
// CustomContainer), but the type is an open string and the CLI and the data plane accept NodeLTS.
resource pythonPool 'Microsoft.App/sessionPools@2025-07-01' = {
  name: 'sp${resourceToken}py'
  location: location
  tags: tags
  properties: {
    poolManagementType: 'Dynamic'
    containerType: 'PythonLTS'
    scaleConfiguration: {
      maxConcurrentSessions: maxConcurrentSessions
    }
    dynamicPoolConfiguration: {
      lifecycleConfiguration: {
        lifecycleType: 'Timed'
        cooldownPeriodInSeconds: cooldownPeriodInSeconds
      }
    }
    sessionNetworkConfiguration: {
      status: 'EgressDisabled'
    }
  }
}

resource javascriptPool 'Microsoft.App/sessionPools@2025-07-01' = {
  name: 'sp${resourceToken}js'
  location: location
  tags: tags
  properties: {
    poolManagementType: 'Dynamic'
    containerType: 'NodeLTS'
    scaleConfiguration: {
      maxConcurrentSessions: maxConcurrentSessions
    }
    dynamicPoolConfiguration: {
      lifecycleConfiguration: {
        lifecycleType: 'Timed'
        cooldownPeriodInSeconds: cooldownPeriodInSeconds
      }
    }
    sessionNetworkConfiguration: {
      status: 'EgressDisabled'
    }
  }
}

resource pythonEgressPool 'Microsoft.App/sessionPools@2025-07-01' = if (egressEnabled) {
  name: 'sp${resourceToken}pyegress'
  location: location
  tags: tags
  properties: {
    poolManagementType: 'Dynamic'
    containerType: 'PythonLTS'
    scaleConfiguration: {
      maxConcurrentSessions: maxConcurrentSessions
    }
    dynamicPoolConfiguration: {
      lifecycleConfiguration: {
        lifecycleType: 'Timed'
        cooldownPeriodInSeconds: cooldownPeriodInSeconds
      }
    }
    sessionNetworkConfiguration: {
      status: 'EgressEnabled'
    }
  }
}

resource javascriptEgressPool 'Microsoft.App/sessionPools@2025-07-01' = if (egressEnabled) {
  name: 'sp${resourceToken}jsegress'
  location: location
  tags: tags
  properties: {
    poolManagementType: 'Dynamic'
    containerType: 'NodeLTS'
    scaleConfiguration: {
      maxConcurrentSessions: maxConcurrentSessions
    }
    dynamicPoolConfiguration: {
      lifecycleConfiguration: {
        lifecycleType: 'Timed'
        cooldownPeriodInSeconds: cooldownPeriodInSeconds
      }
    }
    sessionNetworkConfiguration: {
      status: 'EgressEnabled'
    }
  }
}

resource pythonExecutor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: pythonPool
  name: guid(pythonPool.id, appPrincipalId, sessionExecutorRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', sessionExecutorRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource javascriptExecutor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: javascriptPool
  name: guid(javascriptPool.id, appPrincipalId, sessionExecutorRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', sessionExecutorRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource pythonEgressExecutor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (egressEnabled) {
  scope: pythonEgressPool
  name: guid(pythonEgressPool.id, appPrincipalId, sessionExecutorRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', sessionExecutorRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource javascriptEgressExecutor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (egressEnabled) {
  scope: javascriptEgressPool
  name: guid(javascriptEgressPool.id, appPrincipalId, sessionExecutorRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', sessionExecutorRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Pool management endpoints: https://<region>.dynamicsessions.io/subscriptions/.../sessionPools/<name>
output pythonEndpoint string = pythonPool.properties.poolManagementEndpoint
output javascriptEndpoint string = javascriptPool.properties.poolManagementEndpoint
output pythonEgressEndpoint string = egressEnabled ? pythonEgressPool!.properties.poolManagementEndpoint : ''
output javascriptEgressEndpoint string = egressEnabled ? javascriptEgressPool!.properties.poolManagementEndpoint : ''
