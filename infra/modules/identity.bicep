// The user-assigned managed identity the function app runs as. It is created before the app so that
// every role assignment can name it, and its client id can be written into the app settings
// (AZURE_CLIENT_ID, AzureWebJobsStorage__clientId, APPLICATIONINSIGHTS_AUTHENTICATION_STRING).

@description('Name of the identity.')
param name string

@description('Region of the identity.')
param location string

@description('Tags of the identity.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id, for the app\'s identity block and the Flex deployment storage authentication.')
output id string = identity.id

@description('Object (principal) id, for role assignments.')
output principalId string = identity.properties.principalId

@description('Client id, for DefaultAzureCredential and the Functions host.')
output clientId string = identity.properties.clientId

output name string = identity.name
