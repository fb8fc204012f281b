// The storage account of the Functions host: its blob service (host state and the Flex deployment
// package) and its queue service (the app's queues and their poison queues). Shared keys are off,
// so every client, the host included, signs in with Microsoft Entra ID. Only the app's identity gets
// roles here: a local run keeps its queues on Azurite, and Blob Data Owner would let a person replace
// the deployed package.

@description('Name of the storage account (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Region of the account.')
param location string

@description('Tags of the account.')
param tags object = {}

@description('Blob container the Flex Consumption plan deploys the app package from.')
param deploymentContainerName string = 'app-package'

@description('Object id of the app\'s managed identity.')
param appPrincipalId string

// The queues of src/shared/storage-names.ts, each with the poison queue the host moves a message to
// after maxDequeueCount failed deliveries (the host would create those on first use; creating them
// here lets an operator watch them from day one), and the dead-letter queue the recovery function
// moves a poison message to when it will never re-drive it (the app does not create queues in Azure).
var queueNames = [
  'batch-jobs'
  'batch-jobs-poison'
  'batch-jobs-dead'
  'batch-items'
  'batch-items-poison'
  'batch-items-dead'
  'history-writes'
  'history-writes-poison'
  'history-writes-dead'
]

// Built-in roles. Blob Data Owner (not Contributor) because the Functions host manages blob leases
// and containers of its own, and the Flex plan reads the deployment package with this identity.
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for queueName in queueNames: {
  parent: queueService
  name: queueName
}]

resource blobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, appPrincipalId, storageBlobDataOwner)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource queueDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, appPrincipalId, storageQueueDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output name string = storage.name

@description('https://<account>.blob.core.windows.net/')
output blobEndpoint string = storage.properties.primaryEndpoints.blob

@description('https://<account>.queue.core.windows.net/')
output queueEndpoint string = storage.properties.primaryEndpoints.queue

output deploymentContainerName string = deploymentContainer.name
