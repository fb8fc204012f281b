import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { readBicep } from './infra/bicep-text';
import { repoRoot } from './support/test-stack';

interface PackageJson {
  engines: { node: string };
  devDependencies: Record<string, string>;
  allowScripts?: Record<string, boolean>;
}

const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as PackageJson;
const major = (version: string): number => Number(/(\d+)/.exec(version)?.[1]);

/** The `@allowed([...])` values and the default of `param nodeVersion` in a Bicep file. */
function nodeVersionParam(path: string): { allowed: string[]; fallback: string } {
  const code = readBicep(path).code;
  const match = /@allowed\(\[([^\]]*)\]\)\s*param nodeVersion string = '(\d+)'/.exec(code);
  if (match === null) throw new Error(`${path} declares no allowed nodeVersion with a default`);
  return {
    allowed: [...(match[1] ?? '').matchAll(/'(\d+)'/g)].map((value) => value[1] ?? ''),
    fallback: match[2] ?? '',
  };
}

describe('the runtime the tests run on', () => {
  const deployed = nodeVersionParam('infra/main.bicep');

  it('when the tests run, then they run on the Node.js major the infra deploys', () => {
    expect(process.versions.node.split('.')[0]).toBe(deployed.fallback);
  });

  it('when npm scripts run, then the node package pinned in devDependencies is that same major', () => {
    expect(major(packageJson.devDependencies.node ?? '')).toBe(Number(deployed.fallback));
    // npm runs a dependency's install script only when allowScripts lets it: the node package's
    // preinstall is what downloads the Node.js binary that npm scripts then run on.
    expect(packageJson.allowScripts?.node).toBe(true);
  });

  it('when the infra offers Node.js versions, then each satisfies engines and none is older than 22', () => {
    const floor = major(packageJson.engines.node);
    expect(packageJson.engines.node).toMatch(/^>=\s*22(\.\d+){0,2}$/);
    for (const path of ['infra/main.bicep', 'infra/modules/function-app.bicep']) {
      const { allowed, fallback } = nodeVersionParam(path);
      expect({ path, fallback }).toEqual({ path, fallback: deployed.fallback });
      for (const version of allowed)
        expect({ path, version, ok: Number(version) >= floor }).toEqual({ path, version, ok: true });
    }
  });
});
