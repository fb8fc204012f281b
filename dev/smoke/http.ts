import { z } from 'zod';

export interface Target {
  /** The app's base URL, e.g. https://func-abc.azurewebsites.net (routes are under /api). */
  readonly baseUrl: URL;
  /** Sent as Authorization: Bearer when given; never printed. */
  readonly token?: string;
  readonly timeoutMs: number;
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
  readonly elapsedMs: number;
}

/** The app's error envelope, as far as a smoke test reports it. */
const errorEnvelope = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
  correlationId: z.string().optional(),
});

/** `GET` (or any method) on a route of the target, with the body read as text and, when it is, as JSON. */
export async function call(
  target: Target,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown; auth?: boolean } = {},
): Promise<Reply> {
  const started = performance.now();
  const response = await fetch(new URL(path, target.baseUrl), {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.auth !== false && target.token !== undefined
        ? { authorization: `Bearer ${target.token}` }
        : {}),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    signal: AbortSignal.timeout(target.timeoutMs),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {
    status: response.status,
    headers: response.headers,
    text,
    json,
    elapsedMs: performance.now() - started,
  };
}

/** "401 unauthorized: Sign-in required (correlation id ...)", or the status and the start of the body. */
export function describe(reply: Reply): string {
  const envelope = errorEnvelope.safeParse(reply.json);
  if (envelope.success) {
    const { code, message } = envelope.data.error;
    const id =
      envelope.data.correlationId === undefined ? '' : ` (correlation id ${envelope.data.correlationId})`;
    return `${reply.status} ${code}: ${message}${id}`;
  }
  const start = reply.text.replace(/\s+/g, ' ').trim().slice(0, 160);
  return start === '' ? String(reply.status) : `${reply.status}: ${start}`;
}
