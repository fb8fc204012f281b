import * as z from 'zod';

import type { ConnectorLanguage } from './connector-language';

/** One package to install, whatever form the definition used. */
export interface Dependency {
  readonly name: string;
  readonly version?: string;
}

const MAX_DEPENDENCIES = 50;

// Names as the registries allow them, never starting with "-" (so a name can never become an option
// of pip or npm). npm: optional @scope/, lowercase. PyPI: PEP 508 names.
const NPM_NAME = /^(?:@[a-z0-9~][a-z0-9._~-]{0,100}\/)?[A-Za-z0-9~][A-Za-z0-9._~-]{0,100}$/;
const PYPI_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?$/;
// A version or a simple range: 1.2.3, ^1.2, ~1.2.0, >=2.0, ==2.32.3, 1.x, *
const VERSION = /^(?:[~^]|[<>]=?|==|~=|!=)?[0-9A-Za-z*][0-9A-Za-z.*+_-]{0,63}$/;

const versionSchema = z
  .string()
  .regex(VERSION, 'must be a version like 1.2.3, or a simple range like ^1.2 or >=2.0');

const dependencyObject = z.strictObject({
  name: z.string().min(1).max(214),
  version: versionSchema.optional(),
});

/** The three forms of `runtime.dependencies`: [{name, version}], ["name"], or {name: version}. */
export const dependenciesSchema = z
  .union(
    [
      z.array(z.union([dependencyObject, z.string().min(1).max(214)])).max(MAX_DEPENDENCIES),
      z.record(z.string().min(1).max(214), versionSchema),
    ],
    {
      error:
        'must be an array of {"name", "version"} objects, an array of package names, or a {"name": "version"} map',
    },
  )
  .refine((value) => Array.isArray(value) || Object.keys(value).length <= MAX_DEPENDENCIES, {
    message: `must list at most ${MAX_DEPENDENCIES} packages`,
  });

export type DependenciesInput = z.output<typeof dependenciesSchema>;

/** The forms as one list. */
export function toDependencies(input: DependenciesInput | undefined): Dependency[] {
  if (input === undefined) return [];
  if (Array.isArray(input)) {
    return input.map((item) =>
      typeof item === 'string'
        ? { name: item }
        : { name: item.name, ...(item.version === undefined ? {} : { version: item.version }) },
    );
  }
  return Object.entries(input).map(([name, version]) => ({ name, version }));
}

/** What is wrong with one dependency for a language's package manager, or undefined. */
export function dependencyProblem(language: ConnectorLanguage, dependency: Dependency): string | undefined {
  const { name, version } = dependency;
  if (language === 'python') {
    if (!PYPI_NAME.test(name)) return `"${name}" is not a valid Python package name`;
    if (version !== undefined && /^[~^]\d/.test(version)) {
      return `"${name}": "${version}" is npm range syntax; pip takes ==, >=, <=, ~= or !=`;
    }
    return undefined;
  }
  if (!NPM_NAME.test(name)) return `"${name}" is not a valid npm package name`;
  if (version !== undefined && /^(?:==|~=|!=)/.test(version)) {
    return `"${name}": "${version}" is pip syntax; npm takes 1.2.3, ^1.2, ~1.2 or >=1.2`;
  }
  return undefined;
}

/** The argument pip or npm gets for one dependency: requests==2.32.3, axios@1.7.2, lodash */
export function toInstallSpec(language: ConnectorLanguage, dependency: Dependency): string {
  const { name, version } = dependency;
  if (version === undefined || version === '*') return name;
  if (language === 'python') return /^[<>=!~]/.test(version) ? `${name}${version}` : `${name}==${version}`;
  return `${name}@${version}`;
}
