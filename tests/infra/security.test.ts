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

/** Built-in Azure role definitions the deployment assigns, by name. */
const builtInRoles = {
  'Cognitive Services OpenAI User': '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd',
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  'Monitoring Metrics Publisher': '3913510d-42f4-4e42-8a64-420c390055eb',
} as const;

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

  it('when a role is assigned, then its name is a deterministic guid of scope, principal and role', () => {
    const assignments = [
      ...resourcesOfType('Microsoft.Authorization/roleAssignments'),
      ...resourcesOfType('Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments'),
    ];
    expect(assignments.length).toBeGreaterThanOrEqual(6);
    for (const assignment of assignments) {
      const name = propertyValue(assignment.body, 'name') ?? '';
      expect(`${assignment.file}:${assignment.symbol} ${name}`).toMatch(
        / guid\(\w+\.id, principal(Id|\.id), \w+\)$/,
      );
      const principal = propertyPath(assignment.body, 'properties', 'principalId') ?? '';
      expect(name).toContain(principal);
    }
  });

  it('when Cosmos DB grants data access, then it uses the Built-in Data Contributor scoped to the account', () => {
    const assignment = declared('Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments');
    const cosmos = readBicep('infra/modules/cosmos.bicep');
    expect(variableExpression(cosmos, 'dataContributorRoleId')).toBe(`'${cosmosDataContributor}'`);
    expect(propertyPath(assignment.body, 'properties', 'roleDefinitionId')).toBe(
      "'${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'",
    );
    expect(propertyPath(assignment.body, 'properties', 'scope')).toBe('account.id');
  });

  it('when a module assigns roles, then both the app identity and the deploying user receive them', () => {
    for (const module of ['monitoring', 'storage', 'cosmos', 'openAi']) {
      const params =
        new RegExp(`^module ${module} '[^']+' = \\{([\\s\\S]*?)^\\}`, 'm').exec(main.code)?.[1] ?? '';
      expect({ module, params }).toEqual({
        module,
        params: expect.stringMatching(
          /appPrincipalId: identity\.outputs\.principalId[\s\S]*userPrincipalId: principalId/,
        ),
      });
    }
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

  it('when the API uses easyauth, then App Service Authentication demands a token everywhere but the health probe', () => {
    const [auth] = allResources().filter(
      (resource) =>
        resource.type === 'Microsoft.Web/sites/config' &&
        propertyValue(resource.body, 'name') === "'authsettingsV2'",
    );
    if (auth === undefined) throw new Error('no authsettingsV2');
    expect(functionApp.code).toMatch(
      /resource \w+ 'Microsoft\.Web\/sites\/config@[^']+' = if \(authMode == 'easyauth'\)/,
    );
    // What makes the platform set WEBSITE_AUTH_ENABLED, without which the app refuses easyauth in Azure.
    expect(propertyPath(auth.body, 'properties', 'platform', 'enabled')).toBe('true');
    const validation = propertyPath(auth.body, 'properties', 'globalValidation') ?? '';
    expect(propertyValue(validation, 'requireAuthentication')).toBe('true');
    expect(propertyValue(validation, 'unauthenticatedClientAction')).toBe("'Return401'");
    const hostJson = JSON.parse(readFileSync(join(repoRoot, 'host.json'), 'utf8')) as {
      extensions: { http: { routePrefix: string } };
    };
    expect(propertyValue(validation, 'excludedPaths')).toBe(
      `['/${hostJson.extensions.http.routePrefix}/health']`,
    );
    const provider = propertyPath(auth.body, 'properties', 'identityProviders', 'azureActiveDirectory') ?? '';
    expect(propertyPath(provider, 'registration', 'clientId')).toBe('easyAuthClientId');
    expect(provider).not.toMatch(/clientSecret/i);
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
    expect(main.code).toMatch(/^\s*allowedOrigins: checkedCorsOrigins$/m);
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
