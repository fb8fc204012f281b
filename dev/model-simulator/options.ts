import { z } from 'zod';

import type { ChatRequest } from './chat-request';
import { type DeploymentSpec, deploymentSpecSchema } from './profiles';

export interface ModelSimulatorOptions {
  /** 0 = any free port (default 0). */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Key accepted in the `api-key` header; when undefined any non-empty api-key is accepted. */
  apiKey?: string | undefined;
  /**
   * Deployments that exist, each `name`, `name:reasoning|classic` or `name:<profile>@<model>` (default
   * ['chat'], a reasoning deployment); others get 404 DeploymentNotFound.
   */
  deployments?: string[];
  /** Delay before the first content or tool delta (default 0). */
  timeToFirstTokenMs?: number;
  /** Delay between deltas (default 0). */
  perTokenDelayMs?: number;
  /** Request quota; undefined = unlimited. */
  requestsPerMinute?: number | undefined;
  /** Token quota; undefined = unlimited. */
  tokensPerMinute?: number | undefined;
  /** 0..1 probability of an injected 429 (default 0). */
  failureRate429?: number;
  /** 0..1 probability of an injected 500 (default 0). */
  failureRate500?: number;
  /**
   * 0..1 probability that a request's connection is reset (TCP RST) once its body is read, before any
   * answer (default 0): a dropped load balancer connection or a crashed backend, as the client sees it.
   */
  failureRateReset?: number;
  /** retry-after-ms sent with injected 429s (default 1000). */
  injectedRetryAfterMs?: number;
  /** Seed of the PRNG used for fault injection, so runs are reproducible (default 1). */
  seed?: number;
}

/** Answered verbatim, before anything else: a string body is sent as is, anything else as JSON. */
export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface ModelSimulatorStats {
  requests: number;
  completed: number;
  aborted: number;
  rateLimited: number;
  injectedFailures: number;
  /** 400s for a parameter, value or api-version the deployment's profile does not take. */
  refused: number;
  inFlight: number;
  maxInFlight: number;
}

export interface ModelSimulator {
  /** e.g. http://127.0.0.1:54321, what AZURE_OPENAI_ENDPOINT is set to. */
  readonly url: string;
  readonly port: number;
  /** Changes behaviour at runtime; port and host are ignored. */
  configure(options: Partial<ModelSimulatorOptions>): void;
  /** The next N chat requests get these answers, in order. */
  scriptNext(...responses: ScriptedResponse[]): void;
  stats(): ModelSimulatorStats;
  resetStats(): void;
  /** The last 50 valid chat request bodies, newest last. */
  recentRequests(): readonly ChatRequest[];
  /** Closes the server and every open connection. */
  close(): Promise<void>;
}

export interface ResolvedOptions {
  readonly port: number;
  readonly host: string;
  readonly apiKey: string | undefined;
  readonly deployments: readonly DeploymentSpec[];
  readonly timeToFirstTokenMs: number;
  readonly perTokenDelayMs: number;
  readonly requestsPerMinute: number | undefined;
  readonly tokensPerMinute: number | undefined;
  readonly failureRate429: number;
  readonly failureRate500: number;
  readonly failureRateReset: number;
  readonly injectedRetryAfterMs: number;
  readonly seed: number;
}

export const DEFAULT_OPTIONS: ResolvedOptions = {
  port: 0,
  host: '127.0.0.1',
  apiKey: undefined,
  deployments: [deploymentSpecSchema.parse('chat')],
  timeToFirstTokenMs: 0,
  perTokenDelayMs: 0,
  requestsPerMinute: undefined,
  tokensPerMinute: undefined,
  failureRate429: 0,
  failureRate500: 0,
  failureRateReset: 0,
  injectedRetryAfterMs: 1000,
  seed: 1,
};

const delayMs = z.number().min(0);
const probability = z.number().min(0).max(1);
// null is how JSON callers remove a key or a quota; undefined does the same for TypeScript callers.
const perMinute = z.number().positive().nullable().optional();

/** What `PUT /_simulator/config` accepts: the options that can change at runtime. */
export const runtimeOptionsSchema = z.strictObject({
  apiKey: z.string().min(1).nullable().optional(),
  deployments: z.array(deploymentSpecSchema).optional(),
  timeToFirstTokenMs: delayMs.optional(),
  perTokenDelayMs: delayMs.optional(),
  requestsPerMinute: perMinute,
  tokensPerMinute: perMinute,
  failureRate429: probability.optional(),
  failureRate500: probability.optional(),
  failureRateReset: probability.optional(),
  injectedRetryAfterMs: delayMs.optional(),
  seed: z.number().int().optional(),
});

export const startOptionsSchema = runtimeOptionsSchema.extend({
  port: z.number().int().min(0).max(65535).optional(),
  host: z.string().min(1).optional(),
});

export type RuntimeOptions = z.output<typeof runtimeOptionsSchema>;

export function parseStartOptions(options: unknown): z.output<typeof startOptionsSchema> {
  const result = startOptionsSchema.safeParse(options);
  if (!result.success) throw new Error(`Invalid model simulator options: ${z.prettifyError(result.error)}`);
  return result.data;
}

export function applyOptions(current: ResolvedOptions, changes: RuntimeOptions): ResolvedOptions {
  const has = (key: keyof RuntimeOptions): boolean => Object.hasOwn(changes, key);
  return {
    port: current.port,
    host: current.host,
    apiKey: has('apiKey') ? (changes.apiKey ?? undefined) : current.apiKey,
    deployments: changes.deployments ?? current.deployments,
    timeToFirstTokenMs: changes.timeToFirstTokenMs ?? current.timeToFirstTokenMs,
    perTokenDelayMs: changes.perTokenDelayMs ?? current.perTokenDelayMs,
    requestsPerMinute: has('requestsPerMinute')
      ? (changes.requestsPerMinute ?? undefined)
      : current.requestsPerMinute,
    tokensPerMinute: has('tokensPerMinute')
      ? (changes.tokensPerMinute ?? undefined)
      : current.tokensPerMinute,
    failureRate429: changes.failureRate429 ?? current.failureRate429,
    failureRate500: changes.failureRate500 ?? current.failureRate500,
    failureRateReset: changes.failureRateReset ?? current.failureRateReset,
    injectedRetryAfterMs: changes.injectedRetryAfterMs ?? current.injectedRetryAfterMs,
    seed: changes.seed ?? current.seed,
  };
}
