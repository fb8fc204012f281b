import { cosmosContainers, deadQueueOf, poisonQueueOf, queueNames } from '../../src/shared/storage-names';
import {
  allBicepFiles,
  allResources,
  type BicepResource,
  propertyPath,
  propertyValue,
  readBicep,
  resourcesOfType,
  stringLiterals,
  variableExpression,
} from './bicep-text';

function onlyResource(type: string): BicepResource {
  const found = resourcesOfType(type).filter((resource) => !resource.existing);
  expect(found.map((resource) => `${resource.file}:${resource.symbol}`)).toHaveLength(1);
  const [resource] = found;
  if (resource === undefined) throw new Error(`no ${type}`);
  return resource;
}

describe('infra resources', () => {
  it('when the templates are read, then every module main.bicep uses exists and every module is used', () => {
    const main = readBicep('infra/main.bicep');
    const used = [...main.code.matchAll(/^module\s+\w+\s+'([^']+)'/gm)].map(
      (match) => `infra/${match[1] ?? ''}`,
    );
    const files = allBicepFiles()
      .map((file) => file.path)
      .filter((path) => path.startsWith('infra/modules/'));
    expect(new Set(used)).toEqual(new Set(files));
  });

  it('when the storage account is declared, then it holds every queue the app uses, its poison queue and its dead-letter queue', () => {
    onlyResource('Microsoft.Storage/storageAccounts');
    const queues = resourcesOfType('Microsoft.Storage/storageAccounts/queueServices/queues');
    expect(queues).toHaveLength(1);
    expect(queues[0]?.body).toMatch(/name:\s*queueName\b/);
    const declared = stringLiterals(
      variableExpression(readBicep('infra/modules/storage.bicep'), 'queueNames'),
    );
    const expected = Object.values(queueNames).flatMap((queue) => [
      queue,
      poisonQueueOf(queue),
      deadQueueOf(queue),
    ]);
    expect(new Set(declared)).toEqual(new Set(expected));
  });

  it('when the storage account is declared, then the Flex deployment package has a private blob container', () => {
    const container = onlyResource('Microsoft.Storage/storageAccounts/blobServices/containers');
    expect(propertyPath(container.body, 'properties', 'publicAccess')).toBe("'None'");
  });

  it('when Cosmos DB is declared, then it is a serverless NoSQL account with the database and both containers', () => {
    const account = onlyResource('Microsoft.DocumentDB/databaseAccounts');
    expect(propertyValue(account.body, 'kind')).toBe("'GlobalDocumentDB'");
    expect(propertyPath(account.body, 'properties', 'capabilities')).toMatch(/name:\s*'EnableServerless'/);
    const database = onlyResource('Microsoft.DocumentDB/databaseAccounts/sqlDatabases');
    expect(propertyValue(database.body, 'name')).toBe('databaseName');

    const containers = resourcesOfType('Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers');
    const declared = containers.map((container) => ({
      name: propertyValue(container.body, 'name'),
      id: propertyPath(container.body, 'properties', 'resource', 'id'),
      paths: propertyPath(container.body, 'properties', 'resource', 'partitionKey', 'paths'),
    }));
    const expected = Object.values(cosmosContainers).map((container) => ({
      name: `'${container.name}'`,
      id: `'${container.name}'`,
      paths: `['${container.partitionKeyPath}']`,
    }));
    expect(declared).toEqual(expect.arrayContaining(expected));
    expect(declared).toHaveLength(expected.length);
  });

  it('when Azure OpenAI is declared, then the account has a chat deployment whose model, version, SKU and capacity are parameters', () => {
    const account = onlyResource('Microsoft.CognitiveServices/accounts');
    expect(propertyValue(account.body, 'kind')).toBe("'OpenAI'");
    expect(propertyPath(account.body, 'properties', 'customSubDomainName')).toBe('name');
    const deployment = onlyResource('Microsoft.CognitiveServices/accounts/deployments');
    expect(propertyValue(deployment.body, 'name')).toBe('deploymentName');
    expect(propertyPath(deployment.body, 'sku', 'name')).toBe('deploymentSku');
    expect(propertyPath(deployment.body, 'sku', 'capacity')).toBe('deploymentCapacity');
    expect(propertyPath(deployment.body, 'properties', 'model', 'name')).toBe('modelName');
    expect(propertyPath(deployment.body, 'properties', 'model', 'version')).toBe('modelVersion');
  });

  it('when the function app is declared, then it runs Node.js 22 on the Flex Consumption plan as a user-assigned identity', () => {
    const plan = onlyResource('Microsoft.Web/serverfarms');
    expect(propertyPath(plan.body, 'sku', 'name')).toBe("'FC1'");
    expect(propertyPath(plan.body, 'sku', 'tier')).toBe("'FlexConsumption'");

    const site = onlyResource('Microsoft.Web/sites');
    expect(propertyValue(site.body, 'kind')).toBe("'functionapp,linux'");
    expect(propertyPath(site.body, 'identity', 'type')).toBe("'UserAssigned'");
    expect(propertyPath(site.body, 'identity', 'userAssignedIdentities')).toMatch(
      /'\$\{identityId\}':\s*\{\}/,
    );

    const config = propertyPath(site.body, 'properties', 'functionAppConfig') ?? '';
    expect(propertyPath(config, 'runtime', 'name')).toBe("'node'");
    expect(propertyPath(config, 'runtime', 'version')).toBe('nodeVersion');
    const module = readBicep('infra/modules/function-app.bicep').code;
    expect(module).toMatch(/@allowed\(\['22'\]\)\s*param nodeVersion string = '22'/);

    const storage = propertyPath(config, 'deployment', 'storage') ?? '';
    expect(propertyValue(storage, 'type')).toBe("'blobContainer'");
    expect(propertyPath(storage, 'authentication', 'type')).toBe("'UserAssignedIdentity'");
    expect(propertyPath(storage, 'authentication', 'userAssignedIdentityResourceId')).toBe('identityId');
  });

  it('when the Flex plan scales, then always-ready HTTP instances are a parameter, 0 by default (scale to zero)', () => {
    const site = onlyResource('Microsoft.Web/sites');
    const scale = propertyPath(site.body, 'properties', 'functionAppConfig', 'scaleAndConcurrency') ?? '';
    const alwaysReady = propertyValue(scale, 'alwaysReady') ?? '';
    expect(alwaysReady).toMatch(/^alwaysReadyInstanceCount == 0 \? \[\] : \[/);
    expect(propertyValue(/\{[^{}]*\}/.exec(alwaysReady)?.[0] ?? '{}', 'name')).toBe("'http'");
    expect(propertyValue(/\{[^{}]*\}/.exec(alwaysReady)?.[0] ?? '{}', 'instanceCount')).toBe(
      'alwaysReadyInstanceCount',
    );
    for (const path of ['infra/main.bicep', 'infra/modules/function-app.bicep']) {
      expect(readBicep(path).code).toMatch(/@minValue\(0\)\s*param alwaysReadyInstanceCount int = 0\n/);
    }
    expect(readBicep('infra/main.bicep').code).toMatch(
      /^\s+alwaysReadyInstanceCount: alwaysReadyInstanceCount$/m,
    );
  });

  it('when monitoring is declared, then Log Analytics and a workspace-based Application Insights exist', () => {
    const workspace = onlyResource('Microsoft.OperationalInsights/workspaces');
    const insights = onlyResource('Microsoft.Insights/components');
    expect(propertyPath(insights.body, 'properties', 'WorkspaceResourceId')).toBe(`${workspace.symbol}.id`);
  });

  it('when the identity is declared, then it is one user-assigned managed identity', () => {
    onlyResource('Microsoft.ManagedIdentity/userAssignedIdentities');
  });

  it('when connector session pools are declared, then Python and Node.js pools are dynamic code interpreters, egress off unless asked for', () => {
    const pools = resourcesOfType('Microsoft.App/sessionPools');
    const shape = pools.map((pool) => ({
      symbol: pool.symbol,
      conditional: / = if \(egressEnabled\)/.test(
        readBicep('infra/modules/sessions.bicep').code.split(`resource ${pool.symbol} `)[1]?.split('\n')[0] ??
          '',
      ),
      managed: propertyPath(pool.body, 'properties', 'poolManagementType'),
      container: propertyPath(pool.body, 'properties', 'containerType'),
      network: propertyPath(pool.body, 'properties', 'sessionNetworkConfiguration', 'status'),
      maxSessions: propertyPath(pool.body, 'properties', 'scaleConfiguration', 'maxConcurrentSessions'),
      cooldown: propertyPath(
        pool.body,
        'properties',
        'dynamicPoolConfiguration',
        'lifecycleConfiguration',
        'cooldownPeriodInSeconds',
      ),
    }));
    const common = {
      managed: "'Dynamic'",
      maxSessions: 'maxConcurrentSessions',
      cooldown: 'cooldownPeriodInSeconds',
    };
    expect(shape).toEqual([
      {
        symbol: 'pythonPool',
        conditional: false,
        container: "'PythonLTS'",
        network: "'EgressDisabled'",
        ...common,
      },
      {
        symbol: 'javascriptPool',
        conditional: false,
        container: "'NodeLTS'",
        network: "'EgressDisabled'",
        ...common,
      },
      {
        symbol: 'pythonEgressPool',
        conditional: true,
        container: "'PythonLTS'",
        network: "'EgressEnabled'",
        ...common,
      },
      {
        symbol: 'javascriptEgressPool',
        conditional: true,
        container: "'NodeLTS'",
        network: "'EgressEnabled'",
        ...common,
      },
    ]);
    const main = readBicep('infra/main.bicep').code;
    expect(main).toMatch(/^module sessions 'modules\/sessions\.bicep' = if \(connectorsOn\)/m);
    expect(main).toMatch(/egressEnabled: toLower\(trim\(connectorsEgressEnabled\)\) == 'true'/);
  });

  it('when any resource is declared, then its API version is a stable one', () => {
    const preview = allResources().filter((resource) => /preview/i.test(resource.apiVersion));
    expect(preview.map((resource) => `${resource.type}@${resource.apiVersion}`)).toEqual([]);
  });
});
