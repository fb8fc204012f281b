import { randomUUID } from 'node:crypto';

import * as z from 'zod';

import { UpstreamError, ValidationError } from '../../errors';
import type { ConnectorLanguage, NetworkMode } from '../connector-language';
import type { ConnectorSandbox, SandboxOutcome, SandboxRun } from '../connector-sandbox';
import { splitFilePath } from '../file-paths';
import { CONNECTOR_FOLDER, RESULT_FILE, RUN_FOLDER, runnerCode } from './runner-code';
import { openSession, type SessionsClientOptions } from './sessions-client';

/** Pool management endpoints by language and network mode; a missing one refuses that combination. */
export type SessionPools = Readonly<
  Record<ConnectorLanguage, Readonly<Partial<Record<NetworkMode, string>>>>
>;

/** The setting naming each pool, for messages. */
const POOL_SETTINGS: Readonly<Record<ConnectorLanguage, Record<NetworkMode, string>>> = {
  python: {
    none: 'CONNECTORS_SESSIONS_PYTHON_ENDPOINT',
    bridge: 'CONNECTORS_SESSIONS_PYTHON_EGRESS_ENDPOINT',
  },
  javascript: {
    none: 'CONNECTORS_SESSIONS_JAVASCRIPT_ENDPOINT',
    bridge: 'CONNECTORS_SESSIONS_JAVASCRIPT_EGRESS_ENDPOINT',
  },
};

/** A dynamic session runs one execution for at most 220 s. */
const MAX_EXECUTION_SECONDS = 220;
const UPLOAD_CONCURRENCY = 4;

// What the runner writes to result.json (python-runner.ts, javascript-runner.ts).
const runnerReportSchema = z.object({
  install: z.object({ ok: z.boolean(), message: z.string() }).nullable(),
  stdout: z.string(),
  stderr: z.string(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  timedOut: z.boolean(),
  outputExceeded: z.enum(['stdout', 'stderr']).nullable(),
  durationMs: z.number().nonnegative(),
});

async function inBatches<T>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  for (let start = 0; start < items.length; start += size) {
    await Promise.all(items.slice(start, start + size).map(work));
  }
}

/**
 * The connector sandbox on Azure Container Apps dynamic sessions (code interpreter pools): a fresh session
 * per run, the files uploaded to /mnt/data/connector, the runner executed, its report read back, the
 * session deleted. `network_mode: none` runs on a pool with egress disabled, `bridge` on one with egress
 * enabled.
 *
 * @example
 * const sandbox = createDynamicSessionsSandbox({ pools, apiVersion: '2025-10-02-preview', getToken, log });
 */
export function createDynamicSessionsSandbox(
  options: SessionsClientOptions & { readonly pools: SessionPools },
): ConnectorSandbox {
  return {
    async execute(run: SandboxRun): Promise<SandboxOutcome> {
      const endpoint = options.pools[run.language][run.network];
      if (endpoint === undefined) {
        const setting = POOL_SETTINGS[run.language][run.network];
        throw new ValidationError(
          run.network === 'bridge'
            ? `network_mode "bridge" is not available for ${run.language}: no session pool with egress is configured (${setting})`
            : `${run.language} connectors are not available: no session pool is configured (${setting})`,
          [
            {
              path: run.network === 'bridge' ? 'network_mode' : 'connector.runtime.language',
              message: `needs ${setting}`,
            },
          ],
          run.network === 'bridge' ? 'network_mode_unavailable' : 'language_unavailable',
        );
      }
      const identifier = `connector-${randomUUID()}`;
      const session = openSession(endpoint, identifier, options);
      try {
        await inBatches(Object.entries(run.files), UPLOAD_CONCURRENCY, async ([path, content]) => {
          const { folder, name } = splitFilePath(path);
          await session.uploadFile(
            folder === '' ? CONNECTOR_FOLDER : `${CONNECTOR_FOLDER}/${folder}`,
            name,
            content,
          );
        });
        const budgetMs = run.timeoutMs + (run.dependencies.length > 0 ? run.installTimeoutMs : 0);
        const timeoutInSeconds = Math.min(MAX_EXECUTION_SECONDS, Math.ceil(budgetMs / 1_000) + 10);
        const execution = await session.execute(runnerCode(run), timeoutInSeconds);
        const text = await session.downloadFile(RUN_FOLDER, RESULT_FILE);
        const report = text === undefined ? undefined : runnerReportSchema.safeParse(safeJson(text));
        if (report?.success !== true) {
          // The runner itself failed; its stderr may quote the inlined spec (env values), so it is not logged.
          options.log.warn('the connector runner left no report', {
            status: execution.status,
            sessionStderrBytes: execution.result?.stderr?.length ?? 0,
          });
          throw new UpstreamError(502, 'sandbox_runner_failed', 'The connector runner failed in the session');
        }
        const { install, outputExceeded, ...rest } = report.data;
        return {
          ...rest,
          ...(install === null ? {} : { install }),
          ...(outputExceeded === null ? {} : { outputExceeded }),
        };
      } finally {
        // Sessions are billed while allocated, and work left running after the answer may never finish on a
        // Functions instance (it can be frozen once it has answered): the delete is awaited. A failed delete
        // only leaves the session to the pool's cooldown.
        await session.deleteSession().catch((error: unknown) => {
          options.log.debug('could not delete a connector session', { error: String(error) });
        });
      }
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
