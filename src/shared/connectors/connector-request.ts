import * as z from 'zod';

import { connectorLanguages, networkModes } from './connector-language';
import { dependenciesSchema } from './dependencies';
import { filePathProblem } from './file-paths';

/** Limits of one request, from settings (CONNECTORS_*). */
export interface ConnectorRequestLimits {
  readonly maxFiles: number;
  readonly maxFileBytes: number;
}

const MAX_ENV_VARIABLES = 100;
const MAX_ENV_VALUE_CHARS = 32_768;

/** Environment variable names: letters, digits and "_", not starting with a digit. */
export const envNamePattern = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/**
 * Names the runner sets itself or that change how the interpreter starts; a definition may not set them.
 * The code reads its definition from stdin or from the file named by CONNECTOR_CONTEXT_FILE.
 */
export const reservedEnvNames: ReadonlySet<string> = new Set([
  'PATH',
  'HOME',
  'LANG',
  'TMPDIR',
  'CONNECTOR_CONTEXT_FILE',
  'PYTHONPATH',
  'PYTHONHOME',
  'PYTHONSTARTUP',
  'PYTHONUNBUFFERED',
  'PYTHONDONTWRITEBYTECODE',
  'NODE_PATH',
  'NODE_OPTIONS',
  'LD_PRELOAD',
  'LD_LIBRARY_PATH',
]);

const jsonObject = z.record(z.string(), z.unknown());

export function connectorRuntimeSchema() {
  return z.strictObject({
    language: z.enum(connectorLanguages, { error: 'must be "python" or "javascript"' }),
    entryPoint: z.string().min(1, 'must name the file to run').max(256),
    timeoutMs: z.number().int().positive().optional(),
    memoryMb: z.number().int().positive().optional(),
    dependencies: dependenciesSchema.optional(),
  });
}

function filesSchema(limits: ConnectorRequestLimits) {
  return z
    .record(
      z.string(),
      z.string().refine((content) => Buffer.byteLength(content, 'utf8') <= limits.maxFileBytes, {
        message: `each file must be at most ${limits.maxFileBytes} bytes`,
      }),
    )
    .superRefine((files, context) => {
      const names = Object.keys(files);
      if (names.length === 0)
        context.addIssue({ code: 'custom', message: 'must hold at least the entry point' });
      if (names.length > limits.maxFiles) {
        context.addIssue({ code: 'custom', message: `must hold at most ${limits.maxFiles} files` });
      }
      for (const name of names.slice(0, limits.maxFiles + 1)) {
        const problem = filePathProblem(name);
        if (problem !== undefined)
          context.addIssue({ code: 'custom', path: [name], message: `"${name}" ${problem}` });
      }
    });
}

const envSchema = z
  .record(
    z.string(),
    z.string().max(MAX_ENV_VALUE_CHARS, `values must be at most ${MAX_ENV_VALUE_CHARS} characters`),
  )
  .superRefine((env, context) => {
    const names = Object.keys(env);
    if (names.length > MAX_ENV_VARIABLES) {
      context.addIssue({ code: 'custom', message: `must hold at most ${MAX_ENV_VARIABLES} variables` });
    }
    for (const name of names.slice(0, MAX_ENV_VARIABLES + 1)) {
      if (!envNamePattern.test(name) || name === '__proto__') {
        context.addIssue({
          code: 'custom',
          path: [name],
          message: 'names must be letters, digits and "_", not starting with a digit',
        });
      } else if (reservedEnvNames.has(name)) {
        context.addIssue({
          code: 'custom',
          path: [name],
          message: 'is set by the runner; PATH, HOME, PYTHONPATH, NODE_OPTIONS and the like cannot be set',
        });
      }
    }
  });

/**
 * The body of POST /api/connectors/execute: a connector definition (runtime, configuration, files and
 * any other keys its code reads), the environment it needs, configuration overrides and the network mode.
 *
 * @example
 * connectorRequestSchema({ maxFiles: 50, maxFileBytes: 262_144 }).parse({
 *   connector: { runtime: { language: 'python', entryPoint: 'main.py' }, files: { 'main.py': 'print(1)' } },
 * });
 */
export function connectorRequestSchema(limits: ConnectorRequestLimits) {
  return z.strictObject({
    connector: z.looseObject({
      runtime: connectorRuntimeSchema(),
      configuration: jsonObject.optional(),
      files: filesSchema(limits),
    }),
    env: envSchema.default({}),
    configuration_overrides: jsonObject.default({}),
    network_mode: z.enum(networkModes, { error: 'must be "none" or "bridge"' }).default('none'),
  });
}

export type ConnectorRequest = z.output<ReturnType<typeof connectorRequestSchema>>;
