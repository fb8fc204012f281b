// Everything the chat backend needs in Azure, with no key anywhere: `azd up` deploys this file with
// the values of main.parameters.json, then deploys the app to the function app tagged
// azd-service-name=api. See infra/README.md.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment (AZURE_ENV_NAME): names the resource group and seeds resource names.')
param environmentName string

@minLength(1)
@description('Region of the resources (AZURE_LOCATION). It must offer the Flex Consumption plan.')
param location string

@description('Object id of the deploying principal (AZURE_PRINCIPAL_ID): it gets the app\'s data-plane roles, so local runs work.')
param principalId string = ''

@description('Kind of the deploying principal: User, or ServicePrincipal when a pipeline deploys.')
@allowed(['User', 'ServicePrincipal', 'Group'])
param principalType string = 'User'

@description('Resource group to create; default rg-<environmentName>.')
param resourceGroupName string = ''

// Identity of callers. There is deliberately no working default: see checkedAuthMode below.
@description('How the deployed app identifies callers: easyauth or jwt (AUTH_MODE). "none" is refused.')
param authMode string = ''

@description('easyauth: client id of the Microsoft Entra app registration callers get tokens for.')
param easyAuthClientId string = ''

@description('easyauth: tenant of that app registration; default the subscription\'s tenant.')
param easyAuthTenantId string = ''

@description('jwt: expected token issuer (iss).')
param jwtIssuer string = ''

@description('jwt: expected audience (aud).')
param jwtAudience string = ''

@description('jwt: the issuer\'s JWKS URL.')
param jwtJwksUri string = ''

@description('jwt: comma-separated client ids (azp / appid) that may call, e.g. the single-page app\'s. Empty: any application of the issuer.')
param jwtAllowedClientIds string = ''

@description('jwt: comma-separated delegated scopes; a token needs one of them in scp. Empty: not checked.')
param jwtRequiredScopes string = ''

@description('jwt: comma-separated app roles; a token needs one of them in roles. Empty: not checked.')
param jwtRequiredRoles string = ''

@description('The role that may read config-info and deep health (AUTH_ADMIN_ROLE).')
param adminRole string = 'admin'

@description('Comma-separated origins of the single-page app allowed by CORS, e.g. https://chat.example.com. Empty: none. "*" is refused.')
param allowedOrigins string = ''

// The reference web app on Azure Static Web Apps (webapp/), signing users in with MSAL for AUTH_MODE=jwt
@description('Region of the static web app: centralus, eastus2, eastasia, westeurope or westus2.')
@allowed(['centralus', 'eastus2', 'eastasia', 'westeurope', 'westus2'])
param webAppLocation string = 'westeurope'

@description('Client id of the Microsoft Entra app registration the web app signs users in with (its SPA platform). With easyauth it is the only client application allowed to call the API (the same id as easyAuthClientId when one registration serves both). Empty: the web app signs no one in.')
param webAppClientId string = ''

@description('The scope the web app asks tokens for, e.g. api://<client id>/access_as_user; its audience is AUTH_JWT_AUDIENCE.')
param webAppApiScope string = ''

// Azure OpenAI
@description('Region of the Azure OpenAI account; default the main region. Pick one that offers the model.')
param openAiLocation string = ''

@description('Name of the chat deployment (AZURE_OPENAI_DEPLOYMENT).')
param openAiDeploymentName string = 'chat'

@description('Model of the chat deployment: a GPT-5-family reasoning model that new customers can deploy (see infra/README.md).')
param openAiModelName string = 'gpt-5.4-mini'

@description('Version of that model.')
param openAiModelVersion string = '2026-03-17'

@description('SKU of the deployment: GlobalStandard, Standard, DataZoneStandard ...')
param openAiDeploymentSku string = 'GlobalStandard'

@description('Capacity of the deployment, in thousands of tokens per minute.')
@minValue(1)
param openAiDeploymentCapacity int = 100

@description('AZURE_OPENAI_API_VERSION: v1 (the v1 API, recommended) or a dated api-version for the classic path.')
param openAiApiVersion string = 'v1'

// Cosmos DB
@description('Name of the Cosmos DB database (COSMOS_DATABASE).')
param cosmosDatabaseName string = 'chat'

// Function app
@description('Node.js version of the Flex Consumption runtime: 22, the version the tests run on (package.json devDependencies.node).')
@allowed(['22'])
param nodeVersion string = '22'

@description('Largest number of instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Always-ready instances for the HTTP functions (Flex Consumption): 0 scales to zero; see infra/README.md for when 1 or 2 is worth it.')
@minValue(0)
param alwaysReadyInstanceCount int = 0

// Azure ML scoring (optional)
@description('Azure ML online endpoint scoring URI (AML_SCORING_URI); empty: the scoring tool is not configured.')
param amlScoringUri string = ''

@description('Azure ML deployment to pin (AML_DEPLOYMENT); optional.')
param amlDeployment string = ''

@description('Workspace of that endpoint; when set, the app\'s identity is allowed to score on the endpoint.')
param amlWorkspaceName string = ''

@description('Resource group of that workspace; default the resource group created here.')
param amlWorkspaceResourceGroup string = ''

// Connector runner (optional): Azure Container Apps dynamic sessions pools, see modules/sessions.bicep.
@description('Turns on POST /api/connectors/execute and creates its session pools: true or false (CONNECTORS_ENABLED).')
param connectorsEnabled string = 'false'

@description('App role callers need to run connectors (CONNECTORS_ALLOWED_ROLE).')
param connectorsAllowedRole string = 'Connectors.Run'

@description('Also create session pools with egress, so connectors may use network_mode bridge: true or false.')
param connectorsEgressEnabled string = 'false'

@description('Most sessions allocated at once per pool.')
@minValue(1)
@maxValue(600)
param connectorsMaxSessions int = 20

@description('Idle seconds before a pool reclaims a session (300-3600).')
@minValue(300)
@maxValue(3600)
param connectorsCooldownSeconds int = 300

@description('Region of the session pools; default the main region. Pick one that offers dynamic sessions.')
param sessionsLocation string = ''

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var connectorsOn = toLower(trim(connectorsEnabled)) == 'true'
var tags = {
  'azd-env-name': environmentName
}
var effectiveResourceGroupName = empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName

// AUTH_MODE in Azure is easyauth or jwt, with the settings each needs; anything else stops the
// deployment with a message saying what to set. fail() is evaluated only on the branch taken, so a
// complete configuration never reaches it. The resource group's tags use the result, so the check runs
// with the first resource, before anything is created.
var requestedAuthMode = toLower(trim(authMode))
var easyAuthReady = requestedAuthMode == 'easyauth' && !empty(easyAuthClientId) && !empty(webAppClientId)
var jwtReady = requestedAuthMode == 'jwt' && !empty(jwtIssuer) && !empty(jwtAudience) && !empty(jwtJwksUri)
var noAuthModeMessage = 'AUTH_MODE must be easyauth or jwt in Azure ("none" is for local runs only). Either run: azd env set AUTH_MODE easyauth, azd env set AUTH_EASYAUTH_CLIENT_ID <client id of the API\'s Microsoft Entra app registration> and azd env set WEBAPP_ENTRA_CLIENT_ID <client id of the single-page app\'s registration>; or run: azd env set AUTH_MODE jwt, and set AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE and AUTH_JWT_JWKS_URI the same way. Then run azd provision again.'
var easyAuthMessage = 'AUTH_MODE is easyauth but AUTH_EASYAUTH_CLIENT_ID or WEBAPP_ENTRA_CLIENT_ID is empty. Run: azd env set AUTH_EASYAUTH_CLIENT_ID <client id of the API\'s Microsoft Entra app registration>, and azd env set WEBAPP_ENTRA_CLIENT_ID <client id of the single-page app\'s registration, the only application allowed to call the API; the same id when one registration serves both>.'
var jwtMessage = 'AUTH_MODE is jwt but AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE or AUTH_JWT_JWKS_URI is empty. Set all three with azd env set.'
var authModeProblem = requestedAuthMode == 'easyauth' ? easyAuthMessage : (requestedAuthMode == 'jwt' ? jwtMessage : noAuthModeMessage)
var checkedAuthMode = easyAuthReady ? 'easyauth' : (jwtReady ? 'jwt' : fail(authModeProblem))

// CORS: the listed origins only; a wildcard stops the deployment.
var corsOrigins = filter(map(split(allowedOrigins, ','), origin => trim(origin)), origin => !empty(origin))
var checkedCorsOrigins = contains(corsOrigins, '*') ? fail('CORS_ALLOWED_ORIGINS must list the single-page app\'s origins, e.g. https://chat.example.com; "*" would let any web site call the API.') : corsOrigins

// https://<endpoint>.<region>.inference.ml.azure.com/score -> <endpoint>
var amlEndpointName = empty(amlScoringUri) ? '' : split(split(amlScoringUri, '://')[1], '.')[0]

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: effectiveResourceGroupName
  location: location
  tags: union(tags, { 'auth-mode': checkedAuthMode })
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-func-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
    appPrincipalId: identity.outputs.principalId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    appPrincipalId: identity.outputs.principalId
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    name: 'cosmos-${resourceToken}'
    location: location
    tags: tags
    databaseName: cosmosDatabaseName
    appPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
  }
}

module openAi 'modules/openai.bicep' = {
  name: 'openai'
  scope: rg
  params: {
    name: 'oai-${resourceToken}'
    location: empty(openAiLocation) ? location : openAiLocation
    tags: tags
    deploymentName: openAiDeploymentName
    modelName: openAiModelName
    modelVersion: openAiModelVersion
    deploymentSku: openAiDeploymentSku
    deploymentCapacity: openAiDeploymentCapacity
    appPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
    userPrincipalType: principalType
  }
}

module sessions 'modules/sessions.bicep' = if (connectorsOn) {
  name: 'sessions'
  scope: rg
  params: {
    location: empty(sessionsLocation) ? location : sessionsLocation
    tags: tags
    resourceToken: resourceToken
    egressEnabled: toLower(trim(connectorsEgressEnabled)) == 'true'
    maxConcurrentSessions: connectorsMaxSessions
    cooldownPeriodInSeconds: connectorsCooldownSeconds
    appPrincipalId: identity.outputs.principalId
  }
}

module staticWebApp 'modules/static-web-app.bicep' = {
  name: 'static-web-app'
  scope: rg
  params: {
    name: 'swa-${resourceToken}'
    location: webAppLocation
    tags: tags
  }
}

// Depends on every module above through their outputs, so the identity already holds its roles
// when the app first starts.
module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    name: 'func-${resourceToken}'
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    serviceName: 'api'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    nodeVersion: nodeVersion
    maximumInstanceCount: maximumInstanceCount
    alwaysReadyInstanceCount: alwaysReadyInstanceCount
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    openAiEndpoint: openAi.outputs.endpoint
    openAiDeploymentName: openAi.outputs.deploymentName
    openAiApiVersion: openAiApiVersion
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    authMode: checkedAuthMode
    easyAuthClientId: easyAuthClientId
    easyAuthTenantId: empty(easyAuthTenantId) ? subscription().tenantId : easyAuthTenantId
    easyAuthAllowedApplications: checkedAuthMode == 'easyauth' ? [webAppClientId] : []
    jwtIssuer: jwtIssuer
    jwtAudience: jwtAudience
    jwtJwksUri: jwtJwksUri
    jwtAllowedClientIds: jwtAllowedClientIds
    jwtRequiredScopes: jwtRequiredScopes
    jwtRequiredRoles: jwtRequiredRoles
    adminRole: adminRole
    // The web app calls the API from its own origin: CORS allows it besides the listed ones.
    allowedOrigins: union(checkedCorsOrigins, [staticWebApp.outputs.origin])
    amlScoringUri: amlScoringUri
    amlDeployment: amlDeployment
    connectorsEnabled: connectorsOn
    connectorsAllowedRole: connectorsAllowedRole
    connectorPools: connectorsOn ? {
      python: sessions!.outputs.pythonEndpoint
      javascript: sessions!.outputs.javascriptEndpoint
      pythonEgress: sessions!.outputs.pythonEgressEndpoint
      javascriptEgress: sessions!.outputs.javascriptEgressEndpoint
    } : {
      python: ''
      javascript: ''
      pythonEgress: ''
      javascriptEgress: ''
    }
  }
}

// The workspace's resource group may hold other environments' deployments, so the deployment name
// carries this environment's token. By default the workspace is looked up in this environment's group;
// naming it through rg makes the deployment wait until that group exists.
module amlAccess 'modules/aml-access.bicep' = if (!empty(amlScoringUri) && !empty(amlWorkspaceName)) {
  name: 'aml-access-${resourceToken}'
  scope: resourceGroup(empty(amlWorkspaceResourceGroup) ? rg.name : amlWorkspaceResourceGroup)
  params: {
    workspaceName: amlWorkspaceName
    endpointName: amlEndpointName
    appPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
    userPrincipalType: principalType
  }
}

// azd writes these outputs into .azure/<environment>/.env. Those named like app settings
// (src/shared/config/settings.ts) are what infra/hooks/write-local-settings.mjs copies into
// local.settings.json; none is a secret.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_API_NAME string = functionApp.outputs.name
output SERVICE_API_URI string = functionApp.outputs.uri
output SERVICE_WEB_NAME string = staticWebApp.outputs.name
output SERVICE_WEB_URI string = staticWebApp.outputs.origin

// What the web app's build reads (infra/hooks/write-webapp-env.mjs writes them for Vite).
output WEBAPP_API_BASE_URL string = functionApp.outputs.uri
output WEBAPP_ENTRA_CLIENT_ID string = webAppClientId
output WEBAPP_ENTRA_TENANT_ID string = tenant().tenantId
output WEBAPP_API_SCOPE string = webAppApiScope

output AZURE_OPENAI_ENDPOINT string = openAi.outputs.endpoint
output AZURE_OPENAI_DEPLOYMENT string = openAi.outputs.deploymentName
output AZURE_OPENAI_API_VERSION string = openAiApiVersion
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output COSMOS_DATABASE string = cosmos.outputs.databaseName
output AzureWebJobsStorage__queueServiceUri string = storage.outputs.queueEndpoint
output AzureWebJobsStorage__blobServiceUri string = storage.outputs.blobEndpoint
output AML_SCORING_URI string = amlScoringUri
output AML_DEPLOYMENT string = amlDeployment
