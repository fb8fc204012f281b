// Cosmos DB for NoSQL, serverless, with key authentication disabled: the app and the deploying user
// reach the data plane with Microsoft Entra ID through a Cosmos SQL role assignment on the database. Because data-plane
// RBAC cannot create databases or containers, they are all created here, with the partition keys the
// code expects (src/shared/storage-names.ts).

@description('Name of the account (3-44 lowercase letters, digits and hyphens).')
@minLength(3)
@maxLength(44)
param name string

@description('Region of the account.')
param location string

@description('Tags of the account.')
param tags object = {}

@description('Name of the database (the app setting COSMOS_DATABASE).')
param databaseName string = 'chat'

@description('Object id of the app\'s managed identity.')
param appPrincipalId string

@description('Object id of the deploying user (may be empty): lets local runs read and write the same data.')
param userPrincipalId string = ''

// Cosmos DB Built-in Data Contributor: read and write items, no control-plane rights.
var dataContributorRoleId = '00000000-0000-0000-0000-000000000002'

var principalIds = concat([appPrincipalId], empty(userPrincipalId) ? [] : [userPrincipalId])

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

resource conversations 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: 'conversations'
  properties: {
    resource: {
      id: 'conversations'
      partitionKey: {
        paths: ['/userId']
        kind: 'Hash'
        version: 2
      }
      // -1 turns time-to-live on without a default, so items expire only when they carry a ttl
      // (COSMOS_CONVERSATION_TTL_SECONDS); without this, a per-item ttl is ignored.
      defaultTtl: -1
    }
  }
}

resource batch 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: 'batch'
  properties: {
    resource: {
      id: 'batch'
      partitionKey: {
        paths: ['/jobId']
        kind: 'Hash'
        version: 2
      }
    }
  }
}

// Per-user quota counters (QUOTA_*): one document per user, quota and window, grown with atomic patch
// incr. Each counter carries a ttl a day past its window, so time-to-live is on without a default.
resource quotas 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: 'quotas'
  properties: {
    resource: {
      id: 'quotas'
      partitionKey: {
        paths: ['/userId']
        kind: 'Hash'
        version: 2
      }
      defaultTtl: -1
    }
  }
}

// The data-plane scope of the app's database: items in its containers, not other databases of the account.
var databaseScope = '${account.id}/dbs/${database.name}'

// One at a time: concurrent SQL role assignments on one account conflict.
@batchSize(1)
resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = [for principalId in principalIds: {
  parent: account
  name: guid(database.id, principalId, dataContributorRoleId)
  properties: {
    principalId: principalId
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'
    scope: databaseScope
  }
}]

output name string = account.name

@description('https://<account>.documents.azure.com:443/')
output endpoint string = account.properties.documentEndpoint

output databaseName string = database.name
