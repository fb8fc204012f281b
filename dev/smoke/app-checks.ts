import { z } from 'zod';

import { type Check, failed, passed, skipped } from './check';
import { call, describe, type Reply } from './http';
import { streamChat } from './read-events';

const healthSchema = z.object({ status: z.string(), service: z.string(), version: z.string() });
const deepHealthSchema = z.object({
  status: z.string(),
  checks: z.record(z.string(), z.object({ status: z.string(), latencyMs: z.number().optional() })),
});
const chatSchema = z.object({ conversationId: z.string(), answer_md: z.string() });

/** A turn any deployment can answer, long enough for a real model to stream it in many chunks. */
export const SMOKE_MESSAGE = 'Smoke test: count from one to twenty in words, separated by commas.';

const ms = (value: number) => `${Math.round(value)} ms`;

/** GET /api/health: 200 and healthy, retried while a fresh deployment warms up. */
export const health: Check = async (options) => {
  const deadline = Date.now() + options.waitMs;
  let last = 'no answer';
  for (;;) {
    try {
      const reply = await call(options, '/api/health', { auth: false });
      const body = healthSchema.safeParse(reply.json);
      if (reply.status === 200 && body.success && body.data.status === 'healthy') {
        return passed(`${body.data.service} ${body.data.version} healthy (${ms(reply.elapsedMs)})`);
      }
      last = describe(reply);
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) return failed(`not healthy after ${options.waitMs / 1000} s: ${last}`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
};

/** GET /api/health?deep=true: every dependency healthy (as an admin when a token is given). */
export const deepHealth: Check = async (options) => {
  const reply = await call(options, '/api/health?deep=true');
  if ((reply.status === 401 || reply.status === 403) && options.token === undefined) {
    return skipped(`${describe(reply)}: needs an admin's token (--token)`);
  }
  if (reply.status === 403) return failed(`${describe(reply)}: the token's caller lacks AUTH_ADMIN_ROLE`);
  const body = deepHealthSchema.safeParse(reply.json);
  if (!body.success) return failed(describe(reply));
  const checks = Object.entries(body.data.checks);
  const summary = checks
    .map(
      ([name, check]) =>
        `${name} ${check.status}${check.latencyMs === undefined ? '' : ` ${ms(check.latencyMs)}`}`,
    )
    .join(', ');
  const healthy =
    reply.status === 200 && checks.length > 0 && checks.every(([, check]) => check.status === 'healthy');
  return healthy ? passed(summary) : failed(`${reply.status}: ${summary}`);
};

/** 401 without a token: the target wants one and none was given, which is a skip, not a failure. */
function needsToken(reply: Reply, token: string | undefined): boolean {
  return reply.status === 401 && token === undefined;
}

/** POST /api/chat: one turn answered. */
export const chatTurn: Check = async (options) => {
  const reply = await call(options, '/api/chat', { method: 'POST', body: { message: SMOKE_MESSAGE } });
  if (needsToken(reply, options.token)) return skipped(`${describe(reply)}: pass a caller's --token`);
  const body = chatSchema.safeParse(reply.json);
  if (reply.status !== 200 || !body.success || body.data.answer_md.trim() === '') {
    return failed(describe(reply));
  }
  return passed(`answered ${body.data.answer_md.length} characters in ${ms(reply.elapsedMs)}`);
};

/** Chunks must come in this many separate network reads, spread over at least this long. */
const MIN_READS = 3;
const MIN_SPREAD_MS = 50;

/** POST /api/chat with stream: chunks that arrive over time, not in one buffered burst, then done. */
export const streamedTurn: Check = async (options) => {
  const turn = await streamChat(options, SMOKE_MESSAGE);
  if (turn.status === 401 && options.token === undefined) {
    return skipped(`401: pass a caller's --token`);
  }
  if (turn.events.length === 0) {
    return failed(`${turn.status} ${turn.contentType || 'no content type'}: ${turn.text.slice(0, 160)}`);
  }
  const chunks = turn.events.filter((event) => event.type === 'chunk');
  const done = turn.events.some((event) => event.type === 'done');
  const first = chunks[0]?.atMs ?? 0;
  const spread = (chunks[chunks.length - 1]?.atMs ?? 0) - first;
  const reads = new Set(chunks.map((event) => event.read)).size;
  const detail = `${chunks.length} chunks in ${reads} reads over ${ms(spread)}, first after ${ms(first)}`;
  if (!done) return failed(`${detail}; no done event (${turn.events.at(-1)?.type ?? 'none'} last)`);
  if (reads < MIN_READS || spread < MIN_SPREAD_MS) {
    return failed(`${detail}: buffered? expected ${MIN_READS}+ reads over ${MIN_SPREAD_MS}+ ms`);
  }
  return passed(detail);
};
