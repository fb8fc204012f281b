import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { azureError, badRequest, notFound, type Reply, sendReply, unauthorized } from './azure-errors';
import { type ExecutionRecord, executionReply, parseExecutionRequest, startExecution } from './executions';
import { detectIsolation, type Isolation } from './isolation';
import { defaultPools, IDENTIFIER, type PoolDefinition, poolPath, supportedApiVersions } from './pools';
import {
  deleteFile,
  fileContent,
  fileMetadata,
  fileNameProblem,
  listFiles,
  MAX_UPLOAD_BYTES,
  sessionFolder,
  uploadFile,
} from './session-files';
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

interface State {
  readonly options: SandboxSimulatorOptions;
  readonly pools: ReadonlyMap<string, PoolDefinition>;
  readonly sessions: SessionStore;
  readonly isolation?: Isolation;
  readonly isolationProblem?: string;
  readonly interpreters: { python: string; node: string };
  readonly executions: Map<string, ExecutionRecord>;
  readonly script: Reply[];
  stats: { executions: Record<string, number>; uploads: number };
}

async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.byteLength;
    if (size > limit) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

const ROUTE = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/sessionPools\/([^/]+)\/(.+?)\/?$/;

async function handle(state: State, request: IncomingMessage): Promise<Reply> {
  const url = new URL(request.url ?? '/', 'http://simulator');
  const method = request.method ?? 'GET';
  const scripted = state.script.shift();
  if (scripted !== undefined) {
    await readBody(request, MAX_UPLOAD_BYTES);
    return scripted;
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (bearer === undefined)
    return unauthorized('The request has no bearer token in its Authorization header.');
  if (state.options.token !== undefined && bearer !== state.options.token) {
    return unauthorized('The bearer token is not valid for https://dynamicsessions.io.');
  }
  const match = ROUTE.exec(url.pathname);
  const pool = match === null ? undefined : state.pools.get(match[3] ?? '');
  if (match === null || pool === undefined || url.pathname.indexOf(poolPath(pool.name)) !== 0) {
    return notFound('The session pool does not exist.', 'SessionPoolNotFound');
  }
  const apiVersion = url.searchParams.get('api-version');
  if (apiVersion === null || !supportedApiVersions.has(apiVersion)) {
    return badRequest(
      `The api-version '${apiVersion ?? ''}' is not supported. Supported versions: ${[...supportedApiVersions].join(', ')}.`,
      'UnsupportedApiVersion',
    );
  }
  const identifier = url.searchParams.get('identifier');
  if (identifier === null || !IDENTIFIER.test(identifier)) {
    return badRequest(
      'The identifier query parameter is required: 4-128 letters, digits or allowed symbols.',
      'InvalidIdentifier',
    );
  }
  const resource = match[4] ?? '';
  const parts = resource.split('/').map((part) => decodeURIComponent(part));
  const location = (id: string) =>
    `${poolPath(pool.name)}/executions/${id}?api-version=${apiVersion}&identifier=${encodeURIComponent(identifier)}`;

  if (resource === 'session' && method === 'DELETE') {
    state.sessions.delete(pool.name, identifier);
    return { status: 204 };
  }
  const session = state.sessions.open(pool.name, identifier);
  if (session === 'full') {
    return notFound(`The session pool '${pool.name}' has no more sessions to allocate.`, 'SessionPoolFull');
  }

  if (resource === 'session' && method === 'GET') {
    return {
      status: 200,
      body: {
        identifier,
        createdAt: session.createdAt.toISOString(),
        lastAccessedAt: session.lastAccessedAt.toISOString(),
        expireAt: new Date(
          session.lastAccessedAt.getTime() + (state.options.cooldownSeconds ?? 300) * 1_000,
        ).toISOString(),
        etag: `"${session.dir.split('/').pop() ?? ''}"`,
      },
    };
  }
  if (resource === 'executions' && method === 'POST') {
    if (state.isolation === undefined) {
      return azureError(
        503,
        'SandboxUnavailable',
        `The sandbox simulator cannot run code: ${state.isolationProblem ?? 'no isolation'}.`,
      );
    }
    const body = await readBody(request, 16 * 1_048_576);
    if (body === undefined) return azureError(413, 'RequestTooLarge', 'The request body is too large.');
    const parsed = parseExecutionRequest(body.toString('utf8'));
    if ('status' in parsed) return parsed;
    state.stats.executions[pool.name] = (state.stats.executions[pool.name] ?? 0) + 1;
    const { record, done } = startExecution(
      {
        isolation: state.isolation,
        pool,
        interpreters: state.interpreters,
        sessionMemoryMb: state.options.sessionMemoryMb ?? 8_192,
      },
      session,
      parsed,
    );
    state.executions.set(record.id, record);
    if (parsed.asynchronous) return executionReply(record, location(record.id), 202);
    await done;
    return executionReply(record, location(record.id));
  }
  if (parts[0] === 'executions' && parts.length === 2 && method === 'GET') {
    const record = state.executions.get(parts[1] ?? '');
    if (record === undefined || record.identifier !== identifier) {
      return notFound('The execution does not exist.', 'ExecutionNotFound');
    }
    return executionReply(record, location(record.id));
  }
  if (parts[0] === 'files') {
    const folder = sessionFolder(session, url.searchParams.get('path'));
    if (typeof folder !== 'string') return folder;
    if (parts.length === 1 && method === 'POST') {
      const body = await readBody(request, MAX_UPLOAD_BYTES);
      if (body === undefined) return azureError(413, 'FileTooLarge', 'The file is larger than 128 MB.');
      let file: FormDataEntryValue | null;
      try {
        file = (
          await new Response(new Uint8Array(body), {
            headers: { 'content-type': request.headers['content-type'] ?? '' },
          }).formData()
        ).get('file');
      } catch {
        return badRequest(
          'The request must be multipart/form-data with a "file" part.',
          'InvalidRequestBody',
        );
      }
      if (file === null || typeof file === 'string') {
        return badRequest('The multipart body has no "file" part with a file name.', 'InvalidRequestBody');
      }
      const problem = fileNameProblem(file.name);
      if (problem !== undefined) return problem;
      state.stats.uploads += 1;
      return uploadFile(session, folder, file.name, new Uint8Array(await file.arrayBuffer()));
    }
    if (parts.length === 1 && method === 'GET') {
      return listFiles(session, folder, url.searchParams.get('recursive') === 'true');
    }
    const name = parts[1] ?? '';
    const problem = fileNameProblem(name);
    if (problem !== undefined) return problem;
    if (parts.length === 2 && method === 'GET') return fileMetadata(session, folder, name);
    if (parts.length === 2 && method === 'DELETE') return deleteFile(folder, name);
    if (parts.length === 3 && parts[2] === 'content' && method === 'GET') return fileContent(folder, name);
  }
  return notFound(`No operation ${method} ${resource}.`, 'NotFound');
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
  const state: State = {
    options,
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
