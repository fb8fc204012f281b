import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { azureError, type Reply, sendReply } from './azure-errors';
import { handle, type SimulatorState } from './data-plane';
import { detectIsolation } from './isolation';
import { defaultPools, type PoolDefinition, poolPath } from './pools';
import { SessionStore } from './sessions';

export type { PoolDefinition } from './pools';

export interface SandboxSimulatorOptions {
  readonly port?: number;
  readonly host?: string;
  /** The bearer token to expect; unset accepts any, but a bearer token is always required. */
  readonly token?: string;
  readonly pools?: readonly PoolDefinition[];
  /** Interpreters of the PythonLTS and NodeLTS pools (default /usr/bin/python3 and this Node). */
  readonly python?: string;
  readonly node?: string;
  /** Memory limit of a session's processes (the runner applies the connector's own, smaller one). */
  readonly sessionMemoryMb?: number;
  readonly cooldownSeconds?: number;
  readonly maxSessions?: number;
}

export interface SimulatorStats {
  /** POST /executions accepted, per pool name. */
  readonly executions: Readonly<Record<string, number>>;
  readonly uploads: number;
  /** Sessions allocated now. */
  readonly sessions: number;
}

export interface SandboxSimulator {
  readonly url: string;
  /** Why code cannot run here (no usable bubblewrap); executions then answer 503. */
  readonly isolationProblem: string | undefined;
  /** The pool management endpoint of one pool, as `poolManagementEndpoint` names it in Azure. */
  endpoint(pool: string): string;
  readonly pools: readonly PoolDefinition[];
  stats(): SimulatorStats;
  resetStats(): void;
  /** Replies for the next data-plane requests, before any check. */
  scriptNext(...replies: Reply[]): void;
  close(): Promise<void>;
}

/**
 * A local stand-in for Azure Container Apps dynamic sessions code interpreter pools (Python and Node.js,
 * with egress disabled or enabled): the data-plane API of api-version 2025-10-02-preview (executions,
 * files, session), bearer-token auth, Azure-shaped errors, and each session's code run in a bubblewrap
 * sandbox with /mnt/data as its only writable folder.
 *
 * @example
 * const simulator = await startSandboxSimulator({ token: 'local-token' });
 * simulator.endpoint('pythonpool'); // CONNECTORS_SESSIONS_PYTHON_ENDPOINT
 * await simulator.close();
 */
export async function startSandboxSimulator(
  options: SandboxSimulatorOptions = {},
): Promise<SandboxSimulator> {
  const python = options.python ?? '/usr/bin/python3';
  const node = options.node ?? process.execPath;
  const detected = detectIsolation([python, node]);
  const root = mkdtempSync(join(tmpdir(), 'sandbox-simulator-'));
  const pools = options.pools ?? defaultPools;
  const state: SimulatorState = {
    token: options.token,
    cooldownSeconds: options.cooldownSeconds ?? 300,
    sessionMemoryMb: options.sessionMemoryMb ?? 8_192,
    pools: new Map(pools.map((pool) => [pool.name, pool])),
    sessions: new SessionStore(root, {
      cooldownMs: (options.cooldownSeconds ?? 300) * 1_000,
      maxSessions: options.maxSessions ?? 100,
    }),
    ...(detected.isolation === undefined ? {} : { isolation: detected.isolation }),
    ...(detected.problem === undefined ? {} : { isolationProblem: detected.problem }),
    interpreters: { python, node },
    executions: new Map(),
    script: [],
    stats: { executions: {}, uploads: 0 },
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    handle(state, request).then(
      (reply) => {
        sendReply(response, reply);
      },
      (error: unknown) => {
        sendReply(
          response,
          azureError(500, 'InternalServerError', error instanceof Error ? error.message : String(error)),
        );
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address, family } = server.address() as AddressInfo;
  const url = `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
  return {
    url,
    isolationProblem: detected.problem,
    endpoint: (pool) => `${url}${poolPath(pool)}`,
    pools,
    stats: () => ({
      executions: { ...state.stats.executions },
      uploads: state.stats.uploads,
      sessions: state.sessions.size,
    }),
    resetStats: () => {
      state.stats = { executions: {}, uploads: 0 };
    },
    scriptNext: (...replies) => {
      state.script.push(...replies);
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      state.sessions.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
