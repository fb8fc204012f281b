// The function app on the Flex Consumption plan (FC1), running as a user-assigned managed identity.
// Every app setting below is a name in src/shared/config/settings.ts (tests/infra checks it); none
// holds a key: the app, the Functions host and the telemetry exporter all sign in with the identity.

@description('Name of the function app.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Region of the plan and the app.')
param location string

@description('Tags of the plan and the app; the app also gets azd-service-name.')
param tags object = {}

@description('Service name in azure.yaml: azd finds the app to deploy by this tag.')
param serviceName string = 'api'

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity.')
param identityClientId string

@description('Blob endpoint of the host storage account, https://<account>.blob.core.windows.net/')
param storageBlobEndpoint string

@description('Queue endpoint of the host storage account, https://<account>.queue.core.windows.net/')
param storageQueueEndpoint string

@description('Blob container holding the deployment package.')
param deploymentContainerName string

@description('Node.js version of the Flex runtime (22: the version the tests run on).')
@allowed(['22'])
param nodeVersion string = '22'

@description('Largest number of instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Always-ready instances for the HTTP functions: 0 scales to zero (every first request after a quiet spell waits for a cold start); 1 or 2 keep that many warm, billed while idle.')
@minValue(0)
param alwaysReadyInstanceCount int = 0

@description('Memory of one instance, in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Application Insights connection string (local auth is disabled, so it carries no right to ingest).')
param applicationInsightsConnectionString string

param openAiEndpoint string
param openAiDeploymentName string
param openAiApiVersion string = '2024-10-21'

param cosmosEndpoint string
param cosmosDatabaseName string = 'chat'

@description('How the app identifies callers. "none" is for local runs only and is not accepted here.')
@allowed(['easyauth', 'jwt'])
param authMode string

@description('easyauth: client id of the Microsoft Entra app registration that callers get tokens for.')
param easyAuthClientId string = ''

@description('easyauth: tenant of that app registration.')
param easyAuthTenantId string = subscription().tenantId

@description('easyauth: client ids of the applications allowed to call the API (the appid or azp claim of the token): the single-page app\'s.')
param easyAuthAllowedApplications array = []

@description('jwt: expected issuer (iss).')
param jwtIssuer string = ''

@description('jwt: expected audience (aud).')
param jwtAudience string = ''

@description('jwt: the issuer\'s JWKS URL.')
param jwtJwksUri string = ''

@description('jwt: comma-separated client ids that may call (AUTH_JWT_ALLOWED_CLIENT_IDS); empty: any.')
param jwtAllowedClientIds string = ''

@description('jwt: comma-separated scopes, one of which a token must carry (AUTH_JWT_REQUIRED_SCOPES).')
param jwtRequiredScopes string = ''

@description('jwt: comma-separated app roles, one of which a token must carry (AUTH_JWT_REQUIRED_ROLES).')
param jwtRequiredRoles string = ''

@description('The role that may read config-info and deep health (AUTH_ADMIN_ROLE).')
param adminRole string = 'admin'

@description('Origins of the single-page app allowed by CORS. Empty: no cross-origin caller. Never "*".')
param allowedOrigins array = []

@description('Optional Azure ML online endpoint scoring URI (Microsoft Entra auth, no key).')
param amlScoringUri string = ''

@description('Optional Azure ML deployment to pin with the azureml-model-deployment header.')
param amlDeployment string = ''

@description('Turns on the connector runner (CONNECTORS_ENABLED); its session pools come from sessions.bicep.')
param connectorsEnabled bool = false

@description('App role callers need to run connectors (CONNECTORS_ALLOWED_ROLE).')
param connectorsAllowedRole string = 'Connectors.Run'

@description('Pool management endpoints of the connector session pools; empty for a pool not created.')
param connectorPools object = {
  python: ''
  javascript: ''
  pythonEgress: ''
  javascriptEgress: ''
}

// Settings every deployment writes. AzureWebJobsStorage__* make the Functions host use the identity
// for its storage (there is no AzureWebJobsStorage connection string); AZURE_CLIENT_ID tells
// DefaultAzureCredential which identity to use.
var coreAppSettings = {
  AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint
  AzureWebJobsStorage__queueServiceUri: storageQueueEndpoint
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AZURE_CLIENT_ID: identityClientId
  AZURE_OPENAI_ENDPOINT: openAiEndpoint
  AZURE_OPENAI_DEPLOYMENT: openAiDeploymentName
  AZURE_OPENAI_API_VERSION: openAiApiVersion
  COSMOS_ENDPOINT: cosmosEndpoint
  COSMOS_DATABASE: cosmosDatabaseName
  AUTH_MODE: authMode
  AUTH_ADMIN_ROLE: adminRole
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identityClientId}'
}

// jwt mode: the app validates bearer tokens itself; the client, scope and role checks only when given.
var jwtAppSettings = authMode == 'jwt' ? union({
  AUTH_JWT_ISSUER: jwtIssuer
  AUTH_JWT_AUDIENCE: jwtAudience
  AUTH_JWT_JWKS_URI: jwtJwksUri
}, empty(jwtAllowedClientIds) ? {} : { AUTH_JWT_ALLOWED_CLIENT_IDS: jwtAllowedClientIds }, empty(jwtRequiredScopes) ? {} : { AUTH_JWT_REQUIRED_SCOPES: jwtRequiredScopes }, empty(jwtRequiredRoles) ? {} : { AUTH_JWT_REQUIRED_ROLES: jwtRequiredRoles }) : {}

// Azure ML scoring, only when configured.
var amlAppSettings = union(empty(amlScoringUri) ? {} : { AML_SCORING_URI: amlScoringUri }, empty(amlDeployment) ? {} : { AML_DEPLOYMENT: amlDeployment })

// The connector runner, only when turned on; an egress endpoint only when its pool exists.
var connectorAppSettings = connectorsEnabled ? union({
  CONNECTORS_ENABLED: 'true'
  CONNECTORS_ALLOWED_ROLE: connectorsAllowedRole
  CONNECTORS_SESSIONS_PYTHON_ENDPOINT: connectorPools.python
  CONNECTORS_SESSIONS_JAVASCRIPT_ENDPOINT: connectorPools.javascript
}, empty(connectorPools.pythonEgress) ? {} : {
  CONNECTORS_SESSIONS_PYTHON_EGRESS_ENDPOINT: connectorPools.pythonEgress
}, empty(connectorPools.javascriptEgress) ? {} : {
  CONNECTORS_SESSIONS_JAVASCRIPT_EGRESS_ENDPOINT: connectorPools.javascriptEgress
}) : {}

var appSettings = union(coreAppSettings, jwtAppSettings, amlAppSettings, connectorAppSettings)

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      cors: {
        allowedOrigins: allowedOrigins
        supportCredentials: false
      }
      // On Flex the runtime lives in functionAppConfig, so FUNCTIONS_WORKER_RUNTIME and
      // FUNCTIONS_EXTENSION_VERSION are not app settings (the plan rejects them).
      appSettings: [for setting in items(appSettings): {
        name: setting.key
        value: setting.value
      }]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        // The 'http' group: every HTTP function of the app shares these warm instances.
        alwaysReady: alwaysReadyInstanceCount == 0 ? [] : [
          {
            name: 'http'
            instanceCount: alwaysReadyInstanceCount
          }
        ]
      }
      runtime: {
        name: 'node'
        version: nodeVersion
      }
    }
  }
}

// No publishing passwords: azd deploys with a Microsoft Entra token.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

// easyauth: App Service Authentication validates the caller's Microsoft Entra bearer token before the
// app runs and passes the caller in x-ms-client-principal headers. There is no client secret: the
// single-page app gets its tokens itself (MSAL, authorization code with PKCE) and sends them as
// Authorization: Bearer, which needs only validation, not the server-side login flow. Only the
// single-page app may call: a token another client application of the tenant got for this API is
// refused (allowedApplications checks its appid or azp claim).
var easyAuthSettings = {
  platform: {
    enabled: true
  }
  globalValidation: {
    requireAuthentication: true
    unauthenticatedClientAction: 'Return401'
    // Probes reach the health endpoint without a token.
    excludedPaths: ['/api/health']
  }
  httpSettings: {
    requireHttps: true
  }
  identityProviders: {
    azureActiveDirectory: {
      enabled: true
      registration: {
        clientId: easyAuthClientId
        openIdIssuer: '${environment().authentication.loginEndpoint}${easyAuthTenantId}/v2.0'
      }
      validation: {
        allowedAudiences: [easyAuthClientId, 'api://${easyAuthClientId}']
        defaultAuthorizationPolicy: {
          allowedApplications: easyAuthAllowedApplications
        }
      }
    }
  }
  login: {
    tokenStore: {
      enabled: false
    }
  }
}

// jwt: the app validates bearer tokens itself, and the platform must not.
var platformAuthenticationOff = {
  platform: {
    enabled: false
  }
}

// Written in both modes: a resource left out of a later deployment would keep its settings, so
// switching AUTH_MODE from easyauth to jwt would leave App Service Authentication on, refusing the
// jwt callers' tokens. This PUT replaces the whole configuration.
resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'authsettingsV2'
  properties: authMode == 'easyauth' ? easyAuthSettings : platformAuthenticationOff
}

output name string = functionApp.name

output uri string = 'https://${functionApp.properties.defaultHostName}'
