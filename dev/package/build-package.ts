import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { z } from 'zod';

import { type AppBundle, bundleApp, ENTRY } from './bundle-app';
import { type InstalledPackage, productionClosure } from './production-closure';
import { listFiles } from './zip-folder';

/**
 * What the bundle leaves to node_modules rather than inlining, and why. Everything else the app
 * imports (zod, openai, the Azure SDKs, the Azure Monitor distro ...) is in the one bundled file, and a
 * module the app loads on first use (src/shared/lazy-modules.ts) still runs only on first use. The
 * distro still turns Azure SDK spans on: it patches the bundle's one copy of @azure/core-tracing itself
 * (tests/dev/package.test.ts checks that the spans arrive).
 */
export const EXTERNAL_PACKAGES = {
  // The programming model: the worker hands each invocation to the copy the app registered through,
  // and the dependency is how the worker and Azure tooling tell a v4 app.
  '@azure/functions': 'installed',
  // Provided by the Functions worker at run time; never installed.
  '@azure/functions-core': 'provided',
} as const;

/** Files of the repository the app reads at run time, copied as they are. */
const RUNTIME_FILES = ['host.json', 'data'];

/** Where `npm run package` builds the package: azure.yaml services.api.dist. */
export const PACKAGE_FOLDER = 'package';

/** The most azd's zip of the package may weigh (issue 17's target). */
export const ZIPPED_BUDGET_BYTES = 15 * 1024 * 1024;


const rootManifestSchema = z.object({
  name: z.string(),
  version: z.string(),
  description: z.string().optional(),
  license: z.string().optional(),
  engines: z.record(z.string(), z.string()).optional(),
});

export interface DeploymentPackage {
  readonly folder: string;
  /** Every file in it, relative to it, sorted. */
  readonly files: readonly string[];
  /** Total size of the files, in bytes. */
  readonly bytes: number;
  /** The packages under node_modules. */
  readonly installed: readonly InstalledPackage[];
  /** What esbuild put in each output file (inputs and their bytes): what a cold start loads, and what later. */
  readonly bundle: AppBundle;
}

/**
 * Builds the deployment package azd uploads (azure.yaml `dist`): the app bundled by esbuild from src/
 * (an entry, and the modules it loads on first use; see `bundleApp`), host.json, data/, a package.json
 * whose `main` is the entry, and under node_modules only the external packages and what they depend on.
 *
 * @example
 * const built = await buildPackage({ projectRoot: repoRoot, folder: join(repoRoot, 'package') });
 */
export async function buildPackage(options: {
  readonly projectRoot: string;
  readonly folder: string;
}): Promise<DeploymentPackage> {
  const { projectRoot, folder } = options;
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const bundle = await bundleApp({ projectRoot, folder, external: Object.keys(EXTERNAL_PACKAGES) });

  for (const file of RUNTIME_FILES) cpSync(join(projectRoot, file), join(folder, file), { recursive: true });

  const installedNames = Object.entries(EXTERNAL_PACKAGES).flatMap(([name, how]) =>
    how === 'installed' ? [name] : [],
  );
  const installed = productionClosure(projectRoot, installedNames);
  for (const item of installed) {
    cpSync(join(projectRoot, item.folder), join(folder, item.folder), {
      recursive: true,
      // Nested node_modules are copied as packages of their own, only when needed.
      filter: (source) => !source.slice(join(projectRoot, item.folder).length).includes('node_modules'),
    });
  }

  const root = rootManifestSchema.parse(JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')));
  const topLevel = installed.filter(
    (item) => installedNames.includes(item.name) && item.folder === `node_modules/${item.name}`,
  );
  const manifest = {
    name: root.name,
    version: root.version,
    ...(root.description === undefined ? {} : { description: root.description }),
    ...(root.license === undefined ? {} : { license: root.license }),
    private: true,
    main: ENTRY,
    ...(root.engines === undefined ? {} : { engines: root.engines }),
    dependencies: Object.fromEntries(topLevel.map((item) => [item.name, item.version])),
  };
  writeFileSync(join(folder, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  // azd 1.18 to 1.23.11 leave node_modules out of a Node.js package without an ignore file in it; azd
  // reads this one, ignores nothing by it and does not upload it.
  writeFileSync(
    join(folder, '.funcignore'),
    '# Read by azd when it zips this folder: nothing here is left out. Built by npm run package.\n',
  );

  const files = listFiles(folder);
  const bytes = files.reduce((total, file) => total + statSync(join(folder, file)).size, 0);
  return { folder, files, bytes, installed, bundle };
}
