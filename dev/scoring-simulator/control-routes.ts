import type { ServerResponse } from 'node:http';

import { z } from 'zod';

import { reply } from './http-reply';
import { configChangeSchema, configure, scriptedReplySchema, type SimulatorState } from './simulator-state';

/**
 * The /_simulator/* routes that let another process (a stack launcher, a shell) steer the simulator.
 * Answers true when the route was one of them.
 */
export function handleControl(
  state: SimulatorState,
  method: string,
  path: string,
  body: string,
  response: ServerResponse,
): boolean {
  const route = `${method} ${path}`;
  if (route === 'GET /_simulator/stats') {
    reply(response, 200, { requests: state.requests, shapes: state.shapes });
  } else if (route === 'PUT /_simulator/config') {
    const change = parse(configChangeSchema, body, response);
    if (change === undefined) return true;
    configure(state, {
      ...(change.apiKey === undefined ? {} : { apiKey: change.apiKey ?? undefined }),
      ...(change.acceptShape === undefined ? {} : { acceptShape: change.acceptShape }),
      ...(change.delayMs === undefined ? {} : { delayMs: change.delayMs }),
    });
    const { apiKey, ...rest } = state.config;
    reply(response, 200, { ...rest, apiKeySet: apiKey !== undefined });
  } else if (route === 'POST /_simulator/script') {
    const replies = parse(z.union([scriptedReplySchema, z.array(scriptedReplySchema)]), body, response);
    if (replies === undefined) return true;
    state.script.push(...(Array.isArray(replies) ? replies : [replies]));
    reply(response, 200, { queued: state.script.length });
  } else if (route === 'POST /_simulator/reset') {
    state.requests = 0;
    state.shapes = [];
    state.script = [];
    reply(response, 204);
  } else {
    return false;
  }
  return true;
}

function parse<S extends z.ZodType>(
  schema: S,
  body: string,
  response: ServerResponse,
): z.output<S> | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    reply(response, 400, { error: 'invalid_json' });
    return undefined;
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  reply(response, 400, { error: 'invalid_request', issues: parsed.error.issues });
  return undefined;
}
