import * as z from 'zod';

import { ensureError, UpstreamError } from '../../errors';
import type { Logger } from '../../logging/logger';
import { sessionsError, upstreamErrorCode } from './sessions-errors';

/** Token audience of the dynamic sessions data plane. */
export const DYNAMIC_SESSIONS_SCOPE = 'https://dynamicsessions.io/.default';

const executionSchema = z.looseObject({
  id: z.string().optional(),
  status: z.enum(['NotStarted', 'Running', 'Succeeded', 'Failed', 'Canceled']),
  result: z
    .looseObject({
      stdout: z.string().optional(),
      stderr: z.string().optional(),
      executionTimeInMilliseconds: z.number().optional(),
    })
    .nullish(),
});
export type SessionExecution = z.infer<typeof executionSchema>;

export interface SessionsClientOptions {
  readonly apiVersion: string;
  /** A bearer token for the data plane (managed identity in Azure, a fixed token for the simulator). */
  readonly getToken: () => Promise<string>;
  readonly log: Logger;
}

/** One session of one pool: the data-plane calls the connector runner makes, as in the REST API. */
export interface SessionHandle {
  uploadFile(folder: string, name: string, content: string): Promise<void>;
  execute(code: string, timeoutInSeconds: number): Promise<SessionExecution>;
  /** The file's text, or undefined when the session has no such file. */
  downloadFile(folder: string, name: string): Promise<string | undefined>;
  deleteSession(): Promise<void>;
}

const POLL_INTERVAL_MS = 1_000;

/**
 * A client of the dynamic sessions data plane (api-version from settings) for one session:
 * `POST /files`, `POST /executions`, `GET /files/{name}/content`, `DELETE /session`, each with
 * `?api-version=...&identifier=...` and an Entra bearer token.
 */
export function openSession(
  endpoint: string,
  identifier: string,
  options: SessionsClientOptions,
): SessionHandle {
  const url = (path: string, query: Record<string, string> = {}) => {
    const target = new URL(`${endpoint.replace(/\/+$/, '')}/${path}`);
    target.searchParams.set('api-version', options.apiVersion);
    target.searchParams.set('identifier', identifier);
    for (const [name, value] of Object.entries(query)) target.searchParams.set(name, value);
    return target;
  };

  const send = async (
    operation: string,
    target: URL,
    init: { method: string; body?: BodyInit; json?: unknown; timeoutMs: number; allowNotFound?: boolean },
  ): Promise<Response> => {
    const headers = new Headers({ Authorization: `Bearer ${await options.getToken()}` });
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('Content-Type', 'application/json');
      body = JSON.stringify(init.json);
    }
    let response: Response;
    try {
      response = await fetch(target, {
        method: init.method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(init.timeoutMs),
      });
    } catch (thrown) {
      const error = ensureError(thrown);
      if (error.name === 'TimeoutError') {
        throw new UpstreamError(
          504,
          'sandbox_timeout',
          `The session pool did not answer in time to ${operation}`,
        );
      }
      options.log.warn('dynamic sessions request failed', { operation, error: error.message });
      throw new UpstreamError(
        503,
        'sandbox_unavailable',
        `The session pool could not be reached to ${operation}`,
        5,
      );
    }
    if (response.status === 404 && init.allowNotFound === true) return response;
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      options.log.warn('dynamic sessions refused a request', {
        operation,
        status: response.status,
        upstreamCode: upstreamErrorCode(parsed) ?? response.headers.get('x-ms-error-code') ?? undefined,
      });
      throw sessionsError(response.status, response.headers, operation);
    }
    return response;
  };

  const readExecution = async (response: Response, operation: string): Promise<SessionExecution> => {
    const parsed = executionSchema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) {
      throw new UpstreamError(
        502,
        'sandbox_bad_reply',
        `The session pool answered unreadably to ${operation}`,
      );
    }
    return parsed.data;
  };

  return {
    async uploadFile(folder, name, content) {
      const form = new FormData();
      form.append('file', new Blob([content], { type: 'application/octet-stream' }), name);
      await send('upload a connector file', url('files', { path: folder }), {
        method: 'POST',
        body: form,
        timeoutMs: 30_000,
      });
    },

    async execute(code, timeoutInSeconds) {
      const deadline = Date.now() + (timeoutInSeconds + 30) * 1_000;
      const operation = 'run the connector';
      const response = await send(operation, url('executions'), {
        method: 'POST',
        json: { codeInputType: 'Inline', executionType: 'Synchronous', code, timeoutInSeconds },
        timeoutMs: deadline - Date.now(),
      });
      let execution = await readExecution(response, operation);
      // Some versions answer 202 with a running operation; follow it to the end.
      while (
        (execution.status === 'Running' || execution.status === 'NotStarted') &&
        execution.id !== undefined
      ) {
        if (Date.now() > deadline) {
          throw new UpstreamError(504, 'sandbox_timeout', 'The session did not finish the run in time');
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
        const poll = await send(operation, url(`executions/${encodeURIComponent(execution.id)}`), {
          method: 'GET',
          timeoutMs: 30_000,
        });
        execution = await readExecution(poll, operation);
      }
      return execution;
    },

    async downloadFile(folder, name) {
      const target = url(`files/${encodeURIComponent(name)}/content`, { path: folder });
      const response = await send('read the run report', target, {
        method: 'GET',
        timeoutMs: 30_000,
        allowNotFound: true,
      });
      if (response.status === 404) {
        await response.body?.cancel();
        return undefined;
      }
      return response.text();
    },

    async deleteSession() {
      await send('delete the session', url('session'), { method: 'DELETE', timeoutMs: 15_000 });
    },
  };
}
