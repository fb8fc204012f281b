import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  allBicepFiles,
  allResources,
  type BicepResource,
  propertyPath,
  propertyValue,
  readBicep,
  repoRoot,
  resourcesOf,
  resourcesOfType,
  variableExpression,
} from './bicep-text';

/** The top-level keys of an object literal's text. */
function objectKeys(body: string): string[] {
  return [...body.slice(1, -1).matchAll(/^\s{2}(\w+):/gm)].map((match) => match[1] ?? '');
}

/** Built-in Azure role definitions the deployment assigns, by name. */
const builtInRoles = {
  'Cognitive Services OpenAI User': '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd',
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  'Monitoring Metrics Publisher': '3913510d-42f4-4e42-8a64-420c390055eb',
} as const;

/** Assigned once per connector session pool: Azure ContainerApps Session Executor. */
const sessionExecutor = '0fb8eba5-a2bb-4abe-b1c1-49dfad359bb0';

/** Cosmos DB's own data-plane role (not an Azure role). */
const cosmosDataContributor = '00000000-0000-0000-0000-000000000002';

function declared(type: string): BicepResource {
  const [resource] = resourcesOfType(type).filter((candidate) => !candidate.existing);
  if (resource === undefined) throw new Error(`no ${type} declared`);
  return resource;
}

const main = readBicep('infra/main.bicep');
const functionApp = readBicep('infra/modules/function-app.bicep');

describe('infra security', () => {
  it('when any template is read, then nothing lists keys, connection strings or secrets', () => {
    const calls = allBicepFiles().flatMap((file) =>
      [...file.code.matchAll(/\blist\w*\s*\(/gi)].map((match) => `${file.path}: ${match[0]}`),
    );
    expect(calls).toEqual([]);
  });

  it('when a service offers key authentication, then it is disabled', () => {
    expect(
      propertyPath(declared('Microsoft.DocumentDB/databaseAccounts').body, 'properties', 'disableLocalAuth'),
    ).toBe('true');
    expect(
      propertyPath(declared('Microsoft.CognitiveServices/accounts').body, 'properties', 'disableLocalAuth'),
    ).toBe('true');
    // Microsoft.Insights/components spells the property DisableLocalAuth.
    expect(
      propertyPath(declared('Microsoft.Insights/components').body, 'properties', 'DisableLocalAuth'),
    ).toBe('true');
    expect(
      propertyPath(
        declared('Microsoft.OperationalInsights/workspaces').body,
        'properties',
        'features',
        'disableLocalAuth',
      ),
    ).toBe('true');
    expect(
      propertyPath(
        declared('Microsoft.DocumentDB/databaseAccounts').body,
        'properties',
        'disableKeyBasedMetadataWriteAccess',
      ),
    ).toBe('true');
  });

  it('when the storage account is declared, then shared keys, public blobs and old TLS are off', () => {
    const storage = declared('Microsoft.Storage/storageAccounts').body;
    expect(propertyPath(storage, 'properties', 'allowSharedKeyAccess')).toBe('false');
    expect(propertyPath(storage, 'properties', 'minimumTlsVersion')).toBe("'TLS1_2'");
    expect(propertyPath(storage, 'properties', 'allowBlobPublicAccess')).toBe('false');
    expect(propertyPath(storage, 'properties', 'supportsHttpsTrafficOnly')).toBe('true');
  });

  it('when roles are assigned, then each of the built-in roles is assigned with its correct definition id', () => {
    const assignments = resourcesOfType('Microsoft.Authorization/roleAssignments');
    for (const [role, id] of Object.entries(builtInRoles)) {
      const assigning = assignments.filter((assignment) => {
        const file = allBicepFiles().find((candidate) => candidate.path === assignment.file);
        const definition = propertyPath(assignment.body, 'properties', 'roleDefinitionId') ?? '';
        const variable = /roleDefinitions',\s*(\w+)\)/.exec(definition)?.[1];
        return (
          file !== undefined && variable !== undefined && variableExpression(file, variable) === `'${id}'`
        );
      });
      expect({ role, assignments: assigning.length }).toEqual({ role, assignments: 1 });
    }
  });

  it('when the connector session pools are declared, then the app identity alone gets Session Executor on each, and no other role', () => {
    const sessions = readBicep('infra/modules/sessions.bicep');
    expect(variableExpression(sessions, 'sessionExecutorRoleId')).toBe(`'${sessionExecutor}'`);
    const pools = resourcesOf(sessions).filter((resource) => resource.type === 'Microsoft.App/sessionPools');
    const assignments = resourcesOf(sessions).filter(
      (resource) => resource.type === 'Microsoft.Authorization/roleAssignments',
    );
    expect(assignments.map((assignment) => propertyValue(assignment.body, 'scope')).sort()).toEqual(
      pools.map((pool) => pool.symbol).sort(),
    );
    for (const assignment of assignments) {
      expect(propertyPath(assignment.body, 'properties', 'roleDefinitionId')).toBe(
        "subscriptionResourceId('Microsoft.Authorization/roleDefinitions', sessionExecutorRoleId)",
      );
      expect(propertyPath(assignment.body, 'properties', 'principalId')).toBe('appPrincipalId');
      expect(propertyPath(assignment.body, 'properties', 'principalType')).toBe("'ServicePrincipal'");
    }
    expect(sessions.code).not.toMatch(/userPrincipalId|Contributor|Owner/);
  });

  it('when a role is assigned, then its name is a deterministic guid of scope, principal and role', () => {
    const assignments = [
      ...resourcesOfType('Microsoft.Authorization/roleAssignments'),
      ...resourcesOfType('Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments'),
    ];
    expect(assignments.length).toBeGreaterThanOrEqual(6);
    for (const assignment of assignments) {
      const name = propertyValue(assignment.body, 'name') ?? '';
      expect(`${assignment.file}:${assignment.symbol} ${name}`).toMatch(
        / guid\(\w+\.id, (appPrincipalId|principalId|principal\.id), [\w.]+\)$/,
      );
      const principal = propertyPath(assignment.body, 'properties', 'principalId') ?? '';
      expect(name).toContain(principal);
    }
  });

  it("when Cosmos DB grants data access, then it uses the Built-in Data Contributor scoped to the app's database, not the account", () => {
    const assignment = declared('Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments');
    const cosmos = readBicep('infra/modules/cosmos.bicep');
    expect(variableExpression(cosmos, 'dataContributorRoleId')).toBe(`'${cosmosDataContributor}'`);
    expect(propertyPath(assignment.body, 'properties', 'roleDefinitionId')).toBe(
      "'${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'",
    );
    expect(propertyPath(assignment.body, 'properties', 'scope')).toBe('databaseScope');
    expect(variableExpression(cosmos, 'databaseScope')).toBe("'${account.id}/dbs/${database.name}'");
    expect(propertyValue(assignment.body, 'name')).toBe(
      'guid(database.id, principalId, dataContributorRoleId)',
    );
  });

  it('when a module assigns roles, then the app identity receives them and the deploying user only those a local run uses', () => {
    const moduleParams = (module: string) =>
      new RegExp(`^module ${module} '[^']+' = (?:if \\([^\\n]*\\) )?\\{([\\s\\S]*?)^\\}`, 'm').exec(
        main.code,
      )?.[1] ?? '';
    for (const module of ['monitoring', 'storage', 'cosmos', 'openAi', 'amlAccess']) {
      expect({
        module,
        app: moduleParams(module).includes('appPrincipalId: identity.outputs.principalId'),
      }).toEqual({
        module,
        app: true,
      });
    }
    const toUser = ['monitoring', 'storage', 'cosmos', 'openAi', 'amlAccess'].filter((module) =>
      /userPrincipalId: principalId/.test(moduleParams(module)),
    );
    // The local settings the postprovision hook writes point at Azure OpenAI, Cosmos DB and Azure ML
    // only: queues stay on Azurite and nothing is exported to Application Insights.
    expect(toUser.sort()).toEqual(['amlAccess', 'cosmos', 'openAi']);
    const hook = readFileSync(join(repoRoot, 'infra/hooks/write-local-settings.mjs'), 'utf8');
    const copied = /const copied = \[([\s\S]*?)\];/.exec(hook)?.[1] ?? '';
    expect(copied).toMatch(/'AZURE_OPENAI_ENDPOINT'[\s\S]*'COSMOS_ENDPOINT'[\s\S]*'AML_SCORING_URI'/);
    expect(copied).not.toMatch(/AzureWebJobsStorage|APPLICATIONINSIGHTS/);
    // Storage and monitoring take no user at all: Blob Data Owner on the host storage would let a
    // person replace the deployed package.
    for (const path of ['infra/modules/storage.bicep', 'infra/modules/monitoring.bicep']) {
      const module = readBicep(path);
      expect({ path, user: /userPrincipal/.test(module.code) }).toEqual({ path, user: false });
      const assignments = resourcesOf(module).filter(
        (resource) => resource.type === 'Microsoft.Authorization/roleAssignments',
      );
      expect(assignments.length).toBeGreaterThan(0);
      for (const assignment of assignments) {
        expect(propertyPath(assignment.body, 'properties', 'principalId')).toBe('appPrincipalId');
      }
    }
  });

  it('when Azure ML scoring is granted, then a custom role allows exactly the endpoint score action, on the endpoint alone', () => {
    const aml = readBicep('infra/modules/aml-access.bicep');
    const [role] = resourcesOf(aml).filter(
      (resource) => resource.type === 'Microsoft.Authorization/roleDefinitions',
    );
    if (role === undefined) throw new Error('no custom role in aml-access.bicep');
    expect(variableExpression(aml, 'scoreAction')).toBe(
      "'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action'",
    );
    const permissions = propertyPath(role.body, 'properties', 'permissions') ?? '';
    const [permission] = [...permissions.matchAll(/\{[^{}]*\}/g)].map((match) => match[0]);
    expect(propertyValue(permission ?? '{}', 'actions')).toBe('[scoreAction]');
    for (const key of ['notActions', 'dataActions', 'notDataActions']) {
      expect({ key, value: propertyValue(permission ?? '{}', key) }).toEqual({ key, value: '[]' });
    }
    expect(propertyPath(role.body, 'properties', 'type')).toBe("'CustomRole'");
    expect(propertyPath(role.body, 'properties', 'assignableScopes')).toBe('[resourceGroup().id]');
    // Role names are unique in a tenant: the one here carries its resource group's token.
    expect(propertyPath(role.body, 'properties', 'roleName')).toMatch(
      /\$\{uniqueString\(resourceGroup\(\)\.id\)\}/,
    );
    const [assignment] = resourcesOf(aml).filter(
      (resource) => resource.type === 'Microsoft.Authorization/roleAssignments',
    );
    expect(propertyValue(assignment?.body ?? '{}', 'scope')).toBe('endpoint');
    expect(propertyPath(assignment?.body ?? '{}', 'properties', 'roleDefinitionId')).toBe(
      `${role.symbol}.id`,
    );
    // AzureML Data Scientist can write and delete endpoints and list and regenerate their keys.
    for (const file of allBicepFiles())
      expect(file.code).not.toContain('f6c7c914-8db3-469d-8ca1-694a8f32e121');
  });

  it("when the Azure ML module is deployed, then its deployment name is unique per environment and its default group is this environment's", () => {
    const module = /^module amlAccess '[^']+' = if \([^\n]*\) \{([\s\S]*?)^\}/m.exec(main.code)?.[1] ?? '';
    expect(module).toMatch(/^\s+name: 'aml-access-\$\{resourceToken\}'$/m);
    // Through rg (not its name as text), the deployment waits until the group exists.
    expect(module).toMatch(
      /^\s+scope: resourceGroup\(empty\(amlWorkspaceResourceGroup\) \? rg\.name : amlWorkspaceResourceGroup\)$/m,
    );
  });

  it('when any template is read, then it holds no secret-looking literal', () => {
    for (const file of allBicepFiles()) {
      expect({
        file: file.path,
        match: /(AccountKey|SharedAccessKey|SharedAccessSignature|InstrumentationKey|sig)=/i.exec(
          file.code,
        )?.[0],
      }).toEqual({
        file: file.path,
        match: undefined,
      });
      expect({
        file: file.path,
        match: /^\s*\w*(key|secret|password)\s*:\s*'/im.exec(file.code)?.[0],
      }).toEqual({
        file: file.path,
        match: undefined,
      });
      expect({ file: file.path, secure: file.code.includes('@secure()') }).toEqual({
        file: file.path,
        secure: false,
      });
    }
  });

  it('when the API uses easyauth, then App Service Authentication demands a token everywhere but the health probe, from the web app only', () => {
    const [auth] = allResources().filter(
      (resource) =>
        resource.type === 'Microsoft.Web/sites/config' &&
        propertyValue(resource.body, 'name') === "'authsettingsV2'",
    );
    if (auth === undefined) throw new Error('no authsettingsV2');
    expect(propertyValue(auth.body, 'properties')).toBe(
      "authMode == 'easyauth' ? easyAuthSettings : platformAuthenticationOff",
    );
    // What makes the platform set WEBSITE_AUTH_ENABLED, without which the app refuses easyauth in Azure.
    const settings = variableExpression(functionApp, 'easyAuthSettings');
    expect(propertyPath(settings, 'platform', 'enabled')).toBe('true');
    const validation = propertyValue(settings, 'globalValidation') ?? '';
    expect(propertyValue(validation, 'requireAuthentication')).toBe('true');
    expect(propertyValue(validation, 'unauthenticatedClientAction')).toBe("'Return401'");
    const hostJson = JSON.parse(readFileSync(join(repoRoot, 'host.json'), 'utf8')) as {
      extensions: { http: { routePrefix: string } };
    };
    expect(propertyValue(validation, 'excludedPaths')).toBe(
      `['/${hostJson.extensions.http.routePrefix}/health']`,
    );
    const provider = propertyPath(settings, 'identityProviders', 'azureActiveDirectory') ?? '';
    expect(propertyPath(provider, 'registration', 'clientId')).toBe('easyAuthClientId');
    expect(provider).not.toMatch(/clientSecret/i);
    // Only the single-page app's tokens: allowedApplications checks the token's appid or azp claim.
    expect(propertyPath(provider, 'validation', 'defaultAuthorizationPolicy', 'allowedApplications')).toBe(
      'easyAuthAllowedApplications',
    );
    expect(main.code).toMatch(
      /^\s+easyAuthAllowedApplications: checkedAuthMode == 'easyauth' \? \[webAppClientId\] : \[\]$/m,
    );
    expect(variableExpression(main, 'easyAuthReady')).toContain('!empty(webAppClientId)');
    expect(variableExpression(main, 'easyAuthMessage')).toContain('WEBAPP_ENTRA_CLIENT_ID');
  });

  it('when AUTH_MODE changes from easyauth to jwt, then the deployment turns App Service Authentication off', () => {
    // Declared without a condition: a resource left out of a deployment keeps its old settings.
    expect(functionApp.code).toMatch(/^resource authSettings 'Microsoft\.Web\/sites\/config@[^']+' = \{$/m);
    const off = variableExpression(functionApp, 'platformAuthenticationOff');
    expect(propertyPath(off, 'platform', 'enabled')).toBe('false');
    expect(objectKeys(off)).toEqual(['platform']);
  });

  it('when no working AUTH_MODE is given, then the deployment fails with a message saying what to set', () => {
    expect(main.code).toMatch(/^param authMode string = ''$/m);
    const checked = variableExpression(main, 'checkedAuthMode');
    expect(checked).toBe("easyAuthReady ? 'easyauth' : (jwtReady ? 'jwt' : fail(authModeProblem))");
    expect(variableExpression(main, 'easyAuthReady')).toContain('!empty(easyAuthClientId)');
    for (const name of ['jwtIssuer', 'jwtAudience', 'jwtJwksUri']) {
      expect(variableExpression(main, 'jwtReady')).toContain(`!empty(${name})`);
    }
    const message = variableExpression(main, 'noAuthModeMessage');
    for (const words of [
      'AUTH_MODE',
      'easyauth',
      'jwt',
      'AUTH_EASYAUTH_CLIENT_ID',
      'WEBAPP_ENTRA_CLIENT_ID',
      'AUTH_JWT_ISSUER',
      'AUTH_JWT_AUDIENCE',
      'AUTH_JWT_JWKS_URI',
    ]) {
      expect(message).toContain(words);
    }
    expect(main.code).toMatch(/^\s*authMode: checkedAuthMode$/m);
    // Checked with the first resource deployed, so a bad value stops the deployment before anything exists.
    const [group] = resourcesOf(main).filter(
      (resource) => resource.type === 'Microsoft.Resources/resourceGroups',
    );
    expect(propertyValue(group?.body ?? '{}', 'tags')).toBe("union(tags, { 'auth-mode': checkedAuthMode })");
    expect(functionApp.code).toMatch(/@allowed\(\['easyauth', 'jwt'\]\)\s*param authMode string\n/);
  });

  it('when CORS is configured, then only listed origins are allowed, none by default, and "*" is refused', () => {
    expect(main.code).toMatch(/^param allowedOrigins string = ''$/m);
    expect(variableExpression(main, 'checkedCorsOrigins')).toMatch(
      /^contains\(corsOrigins, '\*'\) \? fail\('/,
    );
    // The listed origins, and the web app's own (the static web app azd deploys).
    expect(main.code).toMatch(
      /^\s*allowedOrigins: union\(checkedCorsOrigins, \[staticWebApp\.outputs\.origin\]\)$/m,
    );
    expect(functionApp.code).toMatch(/^param allowedOrigins array = \[\]$/m);
    const site = declared('Microsoft.Web/sites');
    expect(propertyPath(site.body, 'properties', 'siteConfig', 'cors', 'allowedOrigins')).toBe(
      'allowedOrigins',
    );
    expect(propertyPath(site.body, 'properties', 'siteConfig', 'cors', 'supportCredentials')).toBe('false');
  });

  it('when the function app is deployed, then only HTTPS is served and publishing passwords are off', () => {
    const site = declared('Microsoft.Web/sites');
    expect(propertyPath(site.body, 'properties', 'httpsOnly')).toBe('true');
    const policies = resourcesOfType('Microsoft.Web/sites/basicPublishingCredentialsPolicies');
    expect(policies.map((policy) => propertyValue(policy.body, 'name')).sort()).toEqual(["'ftp'", "'scm'"]);
    for (const policy of policies) expect(propertyPath(policy.body, 'properties', 'allow')).toBe('false');
  });
});
