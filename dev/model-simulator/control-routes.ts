import type { IncomingMessage } from 'node:http';

import { z } from 'zod';

import { badRequest, resourceNotFound } from './azure-errors';
import { readBody, type Reply } from './http-io';
import { runtimeOptionsSchema } from './options';
import type { SimulatorState } from './simulator-state';

const scriptSchema = z.array(
  z.strictObject({
    status: z.number().int().min(100).max(599),
    headers: z.record(z.string(), z.string()).optional(),
    body: z.unknown().optional(),
  }),
);

const NO_CONTENT: Reply = { status: 204 };

async function readJson<S extends z.ZodType>(
  request: IncomingMessage,
  schema: S,
): Promise<{ data: z.output<S> } | Reply> {
  let json: unknown;
  try {
    json = JSON.parse(await readBody(request));
  } catch {
    return badRequest('The request body is not valid JSON');
  }
  const result = schema.safeParse(json);
  return result.success ? { data: result.data } : badRequest(z.prettifyError(result.error));
}

/** `/_simulator/*`: lets tests of a separately running app read stats and change behaviour, without auth. */
export async function control(
  state: SimulatorState,
  request: IncomingMessage,
  pathname: string,
): Promise<Reply> {
  const route = `${request.method ?? 'GET'} ${pathname.replace(/\/$/, '')}`;
  switch (route) {
    case 'GET /_simulator/stats':
      return { status: 200, body: state.stats() };
    case 'POST /_simulator/reset':
      state.resetStats();
      return NO_CONTENT;
    case 'PUT /_simulator/config': {
      const changes = await readJson(request, runtimeOptionsSchema);
      if (!('data' in changes)) return changes;
      state.configure(changes.data);
      return NO_CONTENT;
    }
    case 'POST /_simulator/script': {
      const script = await readJson(request, scriptSchema);
      if (!('data' in script)) return script;
      state.enqueueScript(
        script.data.map(({ status, headers, body }) => ({ status, ...(headers ? { headers } : {}), body })),
      );
      return NO_CONTENT;
    }
    default:
      return resourceNotFound();
  }
}
