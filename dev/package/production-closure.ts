import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

import { z } from 'zod';

const manifestSchema = z.object({
  name: z.string(),
  version: z.string(),
  dependencies: z.record(z.string(), z.string()).optional(),
  optionalDependencies: z.record(z.string(), z.string()).optional(),
});

export interface InstalledPackage {
  readonly name: string;
  readonly version: string;
  /** Its folder, relative to the project root, e.g. node_modules/@azure/functions. */
  readonly folder: string;
}

/**
 * The installed packages `names` need at run time: each one and, recursively, its dependencies and
 * installed optional dependencies, found the way Node resolves them (the nearest node_modules folder
 * upwards from the dependent). Throws when a required package is not installed.
 *
 * @example
 * productionClosure(repoRoot, ['@azure/functions']); // [{ name: '@azure/functions', folder: 'node_modules/@azure/functions', ... }, cookie, ...]
 */
export function productionClosure(projectRoot: string, names: readonly string[]): InstalledPackage[] {
  const found = new Map<string, InstalledPackage>();
  const visit = (name: string, from: string, optional: boolean): void => {
    const folder = locate(projectRoot, name, from);
    if (folder === undefined) {
      if (optional) return;
      throw new Error(`${name} (needed from ${relative(projectRoot, from) || '.'}) is not installed`);
    }
    const key = relative(projectRoot, folder);
    if (found.has(key)) return;
    const manifest = manifestSchema.parse(JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')));
    found.set(key, { name: manifest.name, version: manifest.version, folder: key.split(sep).join('/') });
    for (const dependency of Object.keys(manifest.dependencies ?? {})) visit(dependency, folder, false);
    for (const dependency of Object.keys(manifest.optionalDependencies ?? {}))
      visit(dependency, folder, true);
  };
  for (const name of names) visit(name, projectRoot, false);
  return [...found.values()].sort((a, b) => a.folder.localeCompare(b.folder));
}

/** node_modules/<name> in `from` or the nearest folder above it, up to the project root. */
function locate(projectRoot: string, name: string, from: string): string | undefined {
  for (let folder = from; ; folder = dirname(folder)) {
    const candidate = join(folder, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (folder === projectRoot || dirname(folder) === folder) return undefined;
  }
}
