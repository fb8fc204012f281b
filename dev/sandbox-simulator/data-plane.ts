import type { IncomingMessage } from 'node:http';

import { azureError, badRequest, notFound, type Reply, unauthorized } from './azure-errors';
import { type ExecutionRecord, executionReply, parseExecutionRequest, startExecution } from './executions';
import type { Isolation } from './isolation';
import { IDENTIFIER, type PoolDefinition, poolPath, supportedApiVersions } from './pools';
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
import type { SessionStore } from './sessions';

/** What the simulator knows: its pools, sessions, executions, scripted replies and counters. */
export interface SimulatorState {
  readonly token: string | undefined;
  readonly cooldownSeconds: number;
  readonly sessionMemoryMb: number;
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

/**
 * One data-plane request: bearer auth, then the pool, api-version and identifier, then the operation;
 * every refusal in the service's error shape.
 */
export async function handle(state: SimulatorState, request: IncomingMessage): Promise<Reply> {
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
  if (state.token !== undefined && bearer !== state.token) {
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
        expireAt: new Date(session.lastAccessedAt.getTime() + state.cooldownSeconds * 1_000).toISOString(),
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
        sessionMemoryMb: state.sessionMemoryMb,
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
