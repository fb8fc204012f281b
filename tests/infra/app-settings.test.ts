import { loadConfig } from '../../src/shared/config/load-config';
import { type SettingName, settings } from '../../src/shared/config/settings';
import {
  objectLiteralKeys,
  propertyPath,
  readBicep,
  readRepoFile,
  resourcesOf,
  variableExpression,
  variableNames,
} from './bicep-text';

/**
 * App settings the Bicep may write that are not in the app's settings table: settings the Functions
 * host or the platform reads. Empty on purpose. On Flex Consumption the runtime and its version live in
 * functionAppConfig.runtime, so FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION,
 * WEBSITE_NODE_DEFAULT_VERSION and WEBSITE_RUN_FROM_PACKAGE are not app settings (the plan rejects
 * them), and the package location lives in functionAppConfig.deployment. The host's own storage uses
 * the AzureWebJobsStorage__* settings, which the app's table already lists, since the app's queue
 * client reads them too. Add a name here only with a comment saying what reads it.
 */
const platformSettings: readonly string[] = [];

/** Settings the Flex Consumption plan refuses or ignores; writing one is a bug. */
const flexRejected = [
  'FUNCTIONS_WORKER_RUNTIME',
  'FUNCTIONS_WORKER_RUNTIME_VERSION',
  'FUNCTIONS_EXTENSION_VERSION',
  'WEBSITE_NODE_DEFAULT_VERSION',
  'WEBSITE_RUN_FROM_PACKAGE',
  'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
  'WEBSITE_CONTENTSHARE',
  'SCM_DO_BUILD_DURING_DEPLOYMENT',
  'ENABLE_ORYX_BUILD',
];

/**
 * The one secret-flagged setting the Bicep writes: with DisableLocalAuth on Application Insights the
 * connection string no longer grants ingestion (an Entra token with Monitoring Metrics Publisher does);
 * the app still redacts it in logs because other deployments may keep local auth on.
 */
const secretButHarmless: readonly SettingName[] = ['APPLICATIONINSIGHTS_CONNECTION_STRING'];

/** What Application Insights' `properties.ConnectionString`, which the Bicep writes, looks like. */
const CONNECTION_STRING =
  'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;LiveEndpoint=https://westeurope.livediagnostics.monitor.azure.com/';

const functionApp = readBicep('infra/modules/function-app.bicep');

/** The app-setting groups of function-app.bicep: `var <group>AppSettings = { NAME: value ... }`. */
const groups = variableNames(functionApp).filter((name) => name.endsWith('AppSettings'));
const keysOf = (group: string): string[] => objectLiteralKeys(variableExpression(functionApp, group));
const written = groups.flatMap(keysOf);

const isSettingName = (name: string): name is SettingName => Object.hasOwn(settings, name);

/** Values of the object literal of one group, by key. */
function groupValue(group: string, key: string): string | undefined {
  return propertyPath(variableExpression(functionApp, group).trim(), key);
}

describe('infra app settings', () => {
  it('when function-app.bicep is read, then its settings come in groups and the site writes exactly their union', () => {
    expect(groups).toEqual(['coreAppSettings', 'jwtAppSettings', 'amlAppSettings', 'connectorAppSettings']);
    expect(variableExpression(functionApp, 'appSettings')).toBe(`union(${groups.join(', ')})`);
    const [site] = resourcesOf(functionApp).filter((resource) => resource.type === 'Microsoft.Web/sites');
    const appSettings = propertyPath(site?.body ?? '{}', 'properties', 'siteConfig', 'appSettings');
    expect(appSettings).toMatch(
      /^\[for setting in items\(appSettings\): \{\s*name: setting\.key\s*value: setting\.value\s*\}\]$/,
    );
    expect(written.length).toBeGreaterThan(10);
  });

  it('when the function app writes a setting, then it is a name the app reads or a listed platform setting', () => {
    const unknown = written.filter((name) => !isSettingName(name) && !platformSettings.includes(name));
    expect(unknown).toEqual([]);
  });

  it('when the function app writes settings, then none is a key or a connection string that grants access', () => {
    const secrets = written.filter(
      (name) => isSettingName(name) && settings[name].secret === true && !secretButHarmless.includes(name),
    );
    expect(secrets).toEqual([]);
    expect(written).not.toContain('AzureWebJobsStorage');
  });

  it('when the function app writes settings, then none is one the Flex Consumption plan rejects', () => {
    expect(written.filter((name) => flexRejected.includes(name))).toEqual([]);
  });

  it('when the host and the app sign in, then storage, DefaultAzureCredential and telemetry all use the user-assigned identity', () => {
    expect(groupValue('coreAppSettings', 'AzureWebJobsStorage__credential')).toBe("'managedidentity'");
    expect(groupValue('coreAppSettings', 'AzureWebJobsStorage__clientId')).toBe('identityClientId');
    expect(groupValue('coreAppSettings', 'AZURE_CLIENT_ID')).toBe('identityClientId');
    expect(groupValue('coreAppSettings', 'AzureWebJobsStorage__queueServiceUri')).toBe(
      'storageQueueEndpoint',
    );
    expect(groupValue('coreAppSettings', 'AzureWebJobsStorage__blobServiceUri')).toBe('storageBlobEndpoint');
    expect(groupValue('coreAppSettings', 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING')).toBe(
      "'Authorization=AAD;ClientId=${identityClientId}'",
    );
  });

  describe.each(['easyauth', 'jwt'] as const)('when deployed with AUTH_MODE %s', (mode) => {
    it("then the settings written pass the app's own config check as it runs in Azure", () => {
      const modeGroups = mode === 'jwt' ? ['coreAppSettings', 'jwtAppSettings'] : ['coreAppSettings'];
      const env: Record<string, string> = { WEBSITE_SITE_NAME: 'func-example' };
      // Each setting gets a URL, which most take; the api-version takes what the Bicep writes by default.
      for (const name of modeGroups.flatMap(keysOf)) env[name] = 'https://example.test/value';
      env.AZURE_OPENAI_API_VERSION = 'v1';
      env.APPLICATIONINSIGHTS_CONNECTION_STRING = CONNECTION_STRING;
      env.APPLICATIONINSIGHTS_CONNECTION_STRING = CONNECTION_STRING;
      env.AUTH_MODE = mode;
      // Set by the platform when App Service Authentication is on, which the Bicep does for easyauth.
      if (mode === 'easyauth') env.WEBSITE_AUTH_ENABLED = 'True';
      expect(groupValue('coreAppSettings', 'AUTH_MODE')).toBe('authMode');

      const { values } = loadConfig({ env, file: {}, dotenv: {} });
      expect(values.AUTH_MODE).toBe(mode);
    });
  });

  it("when the connector runner is deployed, then its settings name the pools and pass the app's config check in Azure", () => {
    expect([...new Set(keysOf('connectorAppSettings'))].sort()).toEqual(
      [
        'CONNECTORS_ENABLED',
        'CONNECTORS_ALLOWED_ROLE',
        'CONNECTORS_SESSIONS_PYTHON_ENDPOINT',
        'CONNECTORS_SESSIONS_JAVASCRIPT_ENDPOINT',
        'CONNECTORS_SESSIONS_PYTHON_EGRESS_ENDPOINT',
        'CONNECTORS_SESSIONS_JAVASCRIPT_EGRESS_ENDPOINT',
      ].sort(),
    );
    expect(variableExpression(functionApp, 'connectorAppSettings')).toMatch(/^connectorsEnabled \? union\(/);
    expect(written).not.toContain('CONNECTORS_SESSIONS_TOKEN');
    const env: Record<string, string> = { WEBSITE_SITE_NAME: 'func-example', AUTH_MODE: 'easyauth' };
    for (const name of keysOf('coreAppSettings')) env[name] = 'https://example.test/value';
    env.AZURE_OPENAI_API_VERSION = 'v1';
    env.APPLICATIONINSIGHTS_CONNECTION_STRING = CONNECTION_STRING;
    for (const name of keysOf('connectorAppSettings'))
      env[name] = 'https://westus2.dynamicsessions.io/subscriptions/s/resourceGroups/r/sessionPools/p';
    env.AUTH_MODE = 'easyauth';
    env.WEBSITE_AUTH_ENABLED = 'True'; // set by the platform once App Service Authentication is on
    env.CONNECTORS_ENABLED = 'true';
    env.CONNECTORS_ALLOWED_ROLE = 'Connectors.Run';
    const { values } = loadConfig({ env, file: {}, dotenv: {} });
    expect(values.CONNECTORS_ENABLED).toBe(true);
    expect(values.CONNECTORS_SESSIONS_PYTHON_ENDPOINT).toMatch(/^https:\/\/westus2\.dynamicsessions\.io\//);
  });

  it("when the app would take the simulator's fixed token in Azure, then its config check refuses it", () => {
    const env: Record<string, string> = { WEBSITE_SITE_NAME: 'func-example', AUTH_MODE: 'easyauth' };
    for (const name of keysOf('coreAppSettings')) env[name] = 'https://example.test/value';
    env.AZURE_OPENAI_API_VERSION = 'v1';
    env.APPLICATIONINSIGHTS_CONNECTION_STRING = CONNECTION_STRING;
    env.AUTH_MODE = 'easyauth';
    env.CONNECTORS_SESSIONS_TOKEN = 'local-token';
    expect(() => loadConfig({ env, file: {}, dotenv: {} })).toThrow(
      /CONNECTORS_SESSIONS_TOKEN: is for the local sandbox simulator only/,
    );
  });

  it('when a setting of the app is not written by the Bicep, then infra/README.md says why it may stay unset', () => {
    const readme = readRepoFile('infra/README.md');
    const section = /## Settings the Bicep leaves unset\n([\s\S]*?)(?=\n## |$)/.exec(readme)?.[1] ?? '';
    expect(section).not.toBe('');
    const undocumented = Object.keys(settings).filter(
      (name) => !written.includes(name) && !section.includes(`\`${name}\``),
    );
    expect(undocumented).toEqual([]);
  });

  it('when infra/README.md lists a setting as unset, then the Bicep indeed does not write it', () => {
    const readme = readRepoFile('infra/README.md');
    const section = /## Settings the Bicep leaves unset\n([\s\S]*?)(?=\n## |$)/.exec(readme)?.[1] ?? '';
    const listed = [...section.matchAll(/`(\w+)`/g)].map((match) => match[1] ?? '').filter(isSettingName);
    expect(listed.filter((name) => written.includes(name))).toEqual([]);
  });
});
