import { type ErrorDetail, ValidationError } from '../errors';
import { assertConnectorPaths, assertEnv } from './connector-checks';
import { entryPointExtensions } from './connector-language';
import type { ConnectorRequest } from './connector-request';
import type { SandboxRun } from './connector-sandbox';
import { mergeOverrides, resolveAll } from './definition';
import { dependencyProblem, toDependencies } from './dependencies';

/** Caps from settings; whatever a definition asks for is brought within them. */
export interface ConnectorRunLimits {
  readonly maxTimeoutMs: number;
  readonly maxMemoryMb: number;
  readonly installTimeoutMs: number;
  readonly maxOutputBytes: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MEMORY_MB = 256;
const MIN_MEMORY_MB = 64;

/**
 * The checks that run before anything executes, then the run itself: overrides applied, the code's
 * paths and variables checked, placeholders resolved, limits capped. Throws 400s saying what is wrong.
 *
 * @example
 * const run = prepareConnectorRun(body, limits); // throws ValidationError 'missing_env', ...
 * await sandbox.execute(run);
 */
export function prepareConnectorRun(request: ConnectorRequest, limits: ConnectorRunLimits): SandboxRun {
  const { connector, env } = request;
  const { runtime, files } = connector;

  const extensions = entryPointExtensions[runtime.language];
  if (!Object.hasOwn(files, runtime.entryPoint)) {
    throw new ValidationError(
      `connector.runtime.entryPoint "${runtime.entryPoint}" is not one of connector.files`,
      [{ path: 'connector.runtime.entryPoint', message: 'must name a file of connector.files' }],
      'missing_entry_point',
    );
  }
  if (!extensions.some((extension) => runtime.entryPoint.endsWith(extension))) {
    throw new ValidationError(
      `connector.runtime.entryPoint "${runtime.entryPoint}" is not a ${runtime.language} file (${extensions.join(', ')})`,
      [{ path: 'connector.runtime.entryPoint', message: `must end with ${extensions.join(' or ')}` }],
    );
  }

  const dependencies = toDependencies(runtime.dependencies);
  const problems: ErrorDetail[] = dependencies.flatMap((dependency, index) => {
    const problem = dependencyProblem(runtime.language, dependency);
    return problem === undefined
      ? []
      : [{ path: `connector.runtime.dependencies.${index}`, message: problem }];
  });
  if (problems.length > 0) {
    throw new ValidationError(
      `Bad dependency: ${problems[0]?.message ?? ''}`,
      problems,
      'invalid_dependency',
    );
  }

  const { files: _files, ...rest } = connector;
  const definition = {
    ...rest,
    configuration: mergeOverrides(connector.configuration, request.configuration_overrides),
  };
  assertConnectorPaths(definition, files);
  assertEnv(definition, files, env);

  return {
    language: runtime.language,
    files,
    entryPoint: runtime.entryPoint,
    dependencies,
    env,
    context: { connector: resolveAll(definition, env) },
    timeoutMs: Math.min(runtime.timeoutMs ?? DEFAULT_TIMEOUT_MS, limits.maxTimeoutMs),
    memoryMb: Math.max(MIN_MEMORY_MB, Math.min(runtime.memoryMb ?? DEFAULT_MEMORY_MB, limits.maxMemoryMb)),
    installTimeoutMs: limits.installTimeoutMs,
    maxOutputBytes: limits.maxOutputBytes,
    network: request.network_mode,
  };
}
