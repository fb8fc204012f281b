import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

import { PACKAGE_FOLDER } from '../../dev/package/build-package';
import { type SettingName, settings } from '../../src/shared/config/settings';
import {
  outputsOf,
  propertyValue,
  readBicep,
  readRepoFile,
  repoRoot,
  resourcesOf,
  stringLiterals,
  variableExpression,
} from './bicep-text';

/** Outputs azd itself uses or shows; every other output is named after an app setting. */
const azdOutputs = [
  'AZURE_LOCATION',
  'AZURE_TENANT_ID',
  'AZURE_RESOURCE_GROUP',
  'SERVICE_API_NAME',
  'SERVICE_API_URI',
  'SERVICE_WEB_NAME',
  'SERVICE_WEB_URI',
  // What the web app's build reads (infra/hooks/write-webapp-env.mjs).
  'WEBAPP_API_BASE_URL',
  'WEBAPP_ENTRA_CLIENT_ID',
  'WEBAPP_ENTRA_TENANT_ID',
  'WEBAPP_API_SCOPE',
];

const main = readBicep('infra/main.bicep');
const azureYaml = readRepoFile('azure.yaml');

interface ParametersFile {
  parameters: Record<string, { value: unknown }>;
}
const parametersFile = JSON.parse(readRepoFile('infra/main.parameters.json')) as ParametersFile;
const parameterValues = Object.fromEntries(
  Object.entries(parametersFile.parameters).map(([name, entry]) => [name, String(entry.value)]),
);

/** `param <name> <type> [= <default>]` declarations of main.bicep. */
const mainParams = [...main.code.matchAll(/^param\s+(\w+)\s+(\w+)(?:\s*=\s*(.+))?$/gm)].map((match) => ({
  name: match[1] ?? '',
  type: match[2] ?? '',
  defaultValue: match[3],
}));

const isSettingName = (name: string): name is SettingName => Object.hasOwn(settings, name);

describe('infra azd conventions', () => {
  it('when azure.yaml is read, then it deploys the project root as a TypeScript function service named api', () => {
    const service = /^services:\n {2}api:\n((?: {4}.*\n)+)/m.exec(azureYaml)?.[1] ?? '';
    expect(service).toMatch(/^ {4}project: \.$/m);
    expect(service).toMatch(/^ {4}language: ts$/m);
    expect(service).toMatch(/^ {4}host: function$/m);
    expect(azureYaml).toMatch(/^name: \S+$/m);
  });

  it('when azure.yaml is read, then azd deploys the package npm run package builds, as it is, and needs an azd that honours that', () => {
    const service = /^services:\n {2}api:\n((?: {4}.*\n)+)/m.exec(azureYaml)?.[1] ?? '';
    expect(service).toMatch(new RegExp(`^ {4}dist: ${PACKAGE_FOLDER}$`, 'm'));
    expect(service).toMatch(/^ {4}remoteBuild: false$/m);
    const hook = /^ {6}prepackage:\n((?: {8}.*\n)+)/m.exec(service)?.[1] ?? '';
    expect(hook).toMatch(/posix:\n\s+shell: sh\n\s+run: npm run package\n/);
    expect(hook).toMatch(/windows:\n\s+shell: pwsh\n\s+run: npm run package\n/);
    const scripts = (JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.package).toContain('dist/dev/package/main.js');
    // remoteBuild is read from azd 1.23.5 on; older releases would build remotely on the Flex plan.
    expect(/^requiredVersions:\n {2}azd: '(>= 1\.23\.5)'$/m.exec(azureYaml)?.[1]).toBe('>= 1.23.5');
  });

  it('when azure.yaml is read, then a postdeploy hook smoke-tests the deployed app at its SERVICE_API_URI output', () => {
    const service = /^services:\n {2}api:\n((?: {4}.*\n)+)/m.exec(azureYaml)?.[1] ?? '';
    const hook = /^ {6}postdeploy:\n((?: {8}.*\n)+)/m.exec(service)?.[1] ?? '';
    expect(hook).toMatch(/posix:\n\s+shell: sh\n\s+run: npm run smoke -- --url "\$SERVICE_API_URI"\n/);
    expect(hook).toMatch(/windows:\n\s+shell: pwsh\n\s+run: npm run smoke -- --url \$env:SERVICE_API_URI\n/);
    expect(outputsOf(main).map((output) => output.name)).toContain('SERVICE_API_URI');
    const scripts = (JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.smoke).toContain('dist/dev/smoke/main.js');
  });

  it('when .funcignore is read, then every pattern is anchored to the root, node_modules stays and nothing local-only is published', () => {
    const patterns = readRepoFile('.funcignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(patterns.filter((pattern) => !/^!?\//.test(pattern))).toEqual([]);
    // azd refuses remoteBuild: false when .funcignore leaves node_modules out.
    expect(patterns.filter((pattern) => /node_modules/.test(pattern))).toEqual([]);
    expect(patterns).toEqual(
      expect.arrayContaining([
        '/dev/',
        '/tests/',
        '/bench/',
        '/infra/',
        '/src/',
        '/.env',
        '/.env.*',
        '/local.settings.json',
        '/*.log',
        '/structured_responses.json',
        `/${PACKAGE_FOLDER}/`,
      ]),
    );
  });

  it('when azure.yaml is read, then the web app is a static web app service built into the folder Vite writes', () => {
    const service = /^ {2}web:\n((?: {4}.*\n)+)/m.exec(azureYaml)?.[1] ?? '';
    expect(service).toMatch(/^ {4}project: \.\/webapp$/m);
    expect(service).toMatch(/^ {4}host: staticwebapp$/m);
    expect(service).toMatch(/^ {4}dist: \.\.\/dist\/webapp$/m);
    expect(readRepoFile('webapp/vite.config.mts')).toContain("new URL('../dist/webapp', import.meta.url)");
    const hook = /prepackage:\n\s+posix:\n\s+shell: sh\n\s+run: node \.\.\/(\S+)/.exec(service)?.[1] ?? '';
    expect(hook).toBe('infra/hooks/write-webapp-env.mjs');
    const site = resourcesOf(readBicep('infra/modules/static-web-app.bicep'))[0];
    expect(propertyValue(site?.body ?? '{}', 'tags')).toBe("union(tags, { 'azd-service-name': 'web' })");
  });

  it('when the web app hook runs, then the build gets the API URL and the app registration, or a message when unprovisioned', () => {
    const dir = mkdtempSync(join(tmpdir(), 'webapp-env-'));
    const file = join(dir, '.env.production.local');
    const run = (env: Record<string, string>) =>
      execFileSync(process.execPath, [join(repoRoot, 'infra/hooks/write-webapp-env.mjs')], {
        env: { PATH: process.env.PATH ?? '', WEBAPP_ENV_FILE: file, ...env },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    try {
      run({
        WEBAPP_API_BASE_URL: 'https://func-abc.azurewebsites.net',
        WEBAPP_ENTRA_CLIENT_ID: '11111111-2222-3333-4444-555555555555',
        WEBAPP_ENTRA_TENANT_ID: '66666666-7777-8888-9999-000000000000',
        WEBAPP_API_SCOPE: 'api://11111111-2222-3333-4444-555555555555/access_as_user',
      });
      expect(readFileSync(file, 'utf8').split('\n')).toEqual([
        'VITE_API_BASE_URL=https://func-abc.azurewebsites.net',
        'VITE_ENTRA_CLIENT_ID=11111111-2222-3333-4444-555555555555',
        'VITE_ENTRA_TENANT_ID=66666666-7777-8888-9999-000000000000',
        'VITE_API_SCOPE=api://11111111-2222-3333-4444-555555555555/access_as_user',
        '',
      ]);
      expect(() => run({})).toThrow(/run azd provision first/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when azure.yaml is read, then a postprovision hook runs a posix and a Windows script that both exist', () => {
    const hook = /^ {2}postprovision:\n((?: {4}.*\n)+)/m.exec(azureYaml)?.[1] ?? '';
    const posix = /posix:\n\s+shell: sh\n\s+run: (\S+)/.exec(hook)?.[1];
    const windows = /windows:\n\s+shell: pwsh\n\s+run: (\S+)/.exec(hook)?.[1];
    expect(posix).toBe('./infra/hooks/postprovision.sh');
    expect(windows).toBe('./infra/hooks/postprovision.ps1');
    for (const script of [posix, windows]) {
      const text = readRepoFile(script ?? '');
      expect(text).toContain('node ./infra/hooks/write-local-settings.mjs');
    }
  });

  it('when the parameters file is read, then it passes the azd environment name, location and principal', () => {
    expect(parameterValues.environmentName).toBe('${AZURE_ENV_NAME}');
    expect(parameterValues.location).toBe('${AZURE_LOCATION}');
    expect(parameterValues.principalId).toBe('${AZURE_PRINCIPAL_ID}');
    expect(parameterValues.principalType).toBe('${AZURE_PRINCIPAL_TYPE=User}');
    expect(parameterValues.authMode).toBe('${AUTH_MODE}');
  });

  it('when the parameters file is read, then it sets exactly the parameters of main.bicep', () => {
    expect(Object.keys(parameterValues).sort()).toEqual(mainParams.map((param) => param.name).sort());
  });

  it('when the parameters file gives a default, then it is the default of main.bicep', () => {
    const mismatches = mainParams.flatMap((param) => {
      const fileDefault = /^\$\{\w+=(.*)\}$/.exec(parameterValues[param.name] ?? '')?.[1];
      if (fileDefault === undefined) return [];
      const bicepDefault = param.type === 'string' ? `'${fileDefault}'` : fileDefault;
      return bicepDefault === param.defaultValue
        ? []
        : [`${param.name}: ${fileDefault} vs ${param.defaultValue ?? '-'}`];
    });
    expect(mismatches).toEqual([]);
  });

  it('when resources are named, then names come from a unique token of subscription, environment and location', () => {
    expect(variableExpression(main, 'resourceToken')).toBe(
      'toLower(uniqueString(subscription().id, environmentName, location))',
    );
    const names = [...main.code.matchAll(/^\s+\w*[nN]ame: '([^']*)'$/gm)].map((match) => match[1] ?? '');
    const resourceNames = names.filter((name) => name.includes('${'));
    expect(resourceNames.length).toBeGreaterThanOrEqual(8);
    for (const name of resourceNames) expect(name).toContain('${resourceToken}');
  });

  it('when resources are tagged, then every one carries azd-env-name and the function app azd-service-name api', () => {
    expect(variableExpression(main, 'tags')).toMatch(/'azd-env-name': environmentName/);
    const modules = [
      ...main.code.matchAll(/^module\s+(\w+)\s+'modules\/(?!aml-access)[^']+' = \{([\s\S]*?)^\}/gm),
    ];
    expect(modules.length).toBeGreaterThanOrEqual(6);
    for (const module of modules)
      expect({ module: module[1], tags: /^\s+tags: tags$/m.test(module[2] ?? '') }).toEqual({
        module: module[1],
        tags: true,
      });
    const functionApp = readBicep('infra/modules/function-app.bicep');
    const [site] = resourcesOf(functionApp).filter((resource) => resource.type === 'Microsoft.Web/sites');
    expect(propertyValue(site?.body ?? '{}', 'tags')).toBe(
      "union(tags, { 'azd-service-name': serviceName })",
    );
    expect(main.code).toMatch(/^\s+serviceName: 'api'$/m);
  });

  it('when outputs are declared, then each is named after an app setting or an azd convention, and none is a secret', () => {
    const names = outputsOf(main).map((output) => output.name);
    const stray = names.filter((name) => !isSettingName(name) && !azdOutputs.includes(name));
    expect(stray).toEqual([]);
    const secrets = names.filter((name) => isSettingName(name) && settings[name].secret === true);
    expect(secrets).toEqual([]);
    expect(names).toEqual(
      expect.arrayContaining([
        'AZURE_OPENAI_ENDPOINT',
        'AZURE_OPENAI_DEPLOYMENT',
        'COSMOS_ENDPOINT',
        'COSMOS_DATABASE',
      ]),
    );
  });

  it('when the hook copies azd values, then it copies only outputs named after non-secret settings', () => {
    const script = readRepoFile('infra/hooks/write-local-settings.mjs');
    const copied = stringLiterals(/const copied = \[([\s\S]*?)\];/.exec(script)?.[1] ?? '');
    const outputs = outputsOf(main).map((output) => output.name);
    expect(copied.length).toBeGreaterThanOrEqual(5);
    for (const name of copied) {
      expect({
        name,
        output: outputs.includes(name),
        secret: isSettingName(name) && settings[name].secret === true,
      }).toEqual({
        name,
        output: true,
        secret: false,
      });
    }
  });

  /** Node.js binaries a user may run the hook with: this one, and the system's `node` when it differs. */
  function nodeBinaries(): [version: string, path: string][] {
    const system = (process.env.PATH ?? '')
      .split(delimiter)
      .filter((folder) => folder !== '' && !folder.includes('node_modules'))
      .map((folder) => join(folder, 'node'))
      .find((candidate) => existsSync(candidate));
    const paths = [...new Set([process.execPath, ...(system === undefined ? [] : [realpathSync(system)])])];
    return paths.map((path) => [execFileSync(path, ['--version']).toString().trim(), path]);
  }

  const posixOnly = process.platform === 'win32' ? it.skip : it;
  posixOnly.each(nodeBinaries())(
    'when the postprovision hook runs on Node.js %s, then local.settings.json gets the endpoints, AUTH_MODE none and no key',
    (_version, node) => {
      const dir = mkdtempSync(join(tmpdir(), 'azd-hook-'));
      try {
        // azd runs hooks with the node on PATH; the project's Node.js 22 is only for npm scripts.
        const fakeAzd = join(dir, 'azd');
        const values = {
          AZURE_ENV_NAME: 'dev',
          AZURE_OPENAI_ENDPOINT: 'https://oai-example.openai.azure.com/',
          AZURE_OPENAI_DEPLOYMENT: 'chat',
          COSMOS_ENDPOINT: 'https://cosmos-example.documents.azure.com:443/',
          COSMOS_DATABASE: 'chat',
          AML_SCORING_URI: '',
        };
        writeFileSync(
          fakeAzd,
          [
            '#!/bin/sh',
            '[ "$*" = "env get-values --output json" ] || { echo "unexpected: azd $*" >&2; exit 2; }',
            "cat <<'EOF'",
            JSON.stringify(values, null, 2),
            'EOF',
            '',
          ].join('\n'),
        );
        chmodSync(fakeAzd, 0o755);
        writeFileSync(
          join(dir, 'local.settings.json'),
          JSON.stringify({ IsEncrypted: false, Values: { COSMOS_KEY: 'emulator-key', LOG_LEVEL: 'debug' } }),
        );

        execFileSync(node, [join(repoRoot, 'infra', 'hooks', 'write-local-settings.mjs')], {
          cwd: dir,
          env: { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH ?? ''}` },
          stdio: 'pipe',
        });

        const written = JSON.parse(readFileSync(join(dir, 'local.settings.json'), 'utf8')) as {
          Values: Record<string, string>;
        };
        expect(written.Values).toEqual({
          AZURE_OPENAI_ENDPOINT: 'https://oai-example.openai.azure.com/',
          AZURE_OPENAI_DEPLOYMENT: 'chat',
          COSMOS_ENDPOINT: 'https://cosmos-example.documents.azure.com:443/',
          COSMOS_DATABASE: 'chat',
          AUTH_MODE: 'none',
          LOG_LEVEL: 'debug',
          FUNCTIONS_WORKER_RUNTIME: 'node',
          AzureWebJobsStorage: 'UseDevelopmentStorage=true',
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
