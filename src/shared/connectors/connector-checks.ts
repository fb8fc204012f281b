import { type ErrorDetail, ValidationError } from '../errors';
import { envPlaceholders, referencedConnectorPaths, referencedEnv } from './code-scan';
import { envNamePattern, reservedEnvNames } from './connector-request';

/** Keys of a definition that describe it rather than configure it; the code's paths are not matched to them. */
export const metadataKeys: ReadonlySet<string> = new Set([
  'schemaVersion',
  'connectorType',
  'displayName',
  'description',
  'version',
  'notes',
  'files',
]);

const MAX_LISTED = 50;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `connector.auth.clientId`, `connector["odd key"]` */
export function pathExpression(segments: readonly string[]): string {
  return segments.reduce(
    (expression, segment) =>
      /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment)
        ? `${expression}.${segment}`
        : `${expression}[${JSON.stringify(segment)}]`,
    'connector',
  );
}

/**
 * Whether a definition has a path. Reading past a string, number or array (`.length`, `.strip()`) counts as
 * present; a missing key or a null on the way does not.
 */
function hasPath(definition: Record<string, unknown>, segments: readonly string[]): boolean {
  let value: unknown = definition;
  for (const segment of segments) {
    if (value === null || value === undefined) return false;
    if (!isPlainObject(value)) return true;
    if (!Object.hasOwn(value, segment)) return false;
    value = value[segment];
  }
  return true;
}

/** One missing path and the files that read it. */
export interface MissingPath {
  readonly path: string;
  readonly files: readonly string[];
}

/**
 * The connector JSON paths the files read that the definition lacks, top-level keys included; paths under
 * a metadata key are not matched.
 */
export function missingConnectorPaths(
  definition: Record<string, unknown>,
  files: Readonly<Record<string, string>>,
): MissingPath[] {
  const missing = new Map<string, Set<string>>();
  for (const [file, text] of Object.entries(files)) {
    for (const segments of referencedConnectorPaths(text)) {
      const [top] = segments;
      if (top === undefined || metadataKeys.has(top) || hasPath(definition, segments)) continue;
      const path = pathExpression(segments);
      const readers = missing.get(path) ?? new Set<string>();
      readers.add(file);
      missing.set(path, readers);
    }
  }
  return [...missing.entries()]
    .map(([path, readers]) => ({ path, files: [...readers].sort() }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** Every string inside a JSON value, depth first. */
function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsOf(item, out);
  else if (isPlainObject(value)) for (const item of Object.values(value)) stringsOf(item, out);
  return out;
}

/** One variable the connector needs, and where it is needed. */
export interface MissingEnv {
  readonly name: string;
  readonly usedBy: readonly string[];
}

/**
 * The environment variables the connector needs that `env` does not give: `{{env:KEY}}` placeholders in
 * the definition or the files, and variables the code reads without a fallback. Names the runner sets
 * (PATH, HOME, CONNECTOR_CONTEXT_FILE ...) are not asked for.
 */
export function missingEnv(
  definition: Record<string, unknown>,
  files: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string>>,
): MissingEnv[] {
  const needed = new Map<string, Set<string>>();
  const need = (name: string, where: string) => {
    if (!envNamePattern.test(name) || reservedEnvNames.has(name) || Object.hasOwn(env, name)) return;
    const users = needed.get(name) ?? new Set<string>();
    users.add(where);
    needed.set(name, users);
  };
  const { files: _files, runtime: _runtime, ...rest } = definition;
  for (const text of stringsOf(rest)) for (const name of envPlaceholders(text)) need(name, 'the definition');
  for (const [file, text] of Object.entries(files)) {
    for (const reference of referencedEnv(text)) if (reference.required) need(reference.name, file);
  }
  return [...needed.entries()]
    .map(([name, users]) => ({ name, usedBy: [...users].sort() }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function listed(items: readonly string[]): string {
  const shown = items.slice(0, 10).join(', ');
  return items.length > 10 ? `${shown} and ${items.length - 10} more` : shown;
}

/** Throws `400 missing_connector_paths` listing every path the code reads that the definition lacks. */
export function assertConnectorPaths(
  definition: Record<string, unknown>,
  files: Readonly<Record<string, string>>,
): void {
  const missing = missingConnectorPaths(definition, files);
  if (missing.length === 0) return;
  const details: ErrorDetail[] = missing.slice(0, MAX_LISTED).map(({ path, files: readers }) => ({
    path,
    message: `is read by ${readers.join(', ')} but the connector definition (after configuration_overrides) has no such value`,
  }));
  throw new ValidationError(
    `The connector code reads paths its definition lacks: ${listed(missing.map((item) => item.path))}`,
    details,
    'missing_connector_paths',
  );
}

/** Throws `400 missing_env` listing every variable the connector needs that `env` does not give. */
export function assertEnv(
  definition: Record<string, unknown>,
  files: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string>>,
): void {
  const missing = missingEnv(definition, files, env);
  if (missing.length === 0) return;
  const details: ErrorDetail[] = missing.slice(0, MAX_LISTED).map(({ name, usedBy }) => ({
    path: `env.${name}`,
    message: `is required by ${usedBy.join(', ')}`,
  }));
  throw new ValidationError(
    `The connector needs environment variables that env does not give: ${listed(missing.map((item) => item.name))}`,
    details,
    'missing_env',
  );
}
