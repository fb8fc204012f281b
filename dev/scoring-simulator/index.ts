import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

import { handleControl } from './control-routes';
import { readBody, reply } from './http-reply';
import { readPayload } from './read-payload';
import { score } from './score-route';
import {
  configure,
  createState,
  type ScoringSimulatorOptions,
  type ScriptedReply,
  type SimulatorState,
} from './simulator-state';

export type { ScoringSimulatorOptions, ScriptedReply } from './simulator-state';

export interface ScoringSimulator {
  /** The full scoring URI, ending in /score. */
  readonly url: string;
  readonly port: number;
  /** Changes options of the running simulator (not port or host). */
  configure(options: Partial<ScoringSimulatorOptions>): void;
  /** Queues replies for the next /score requests, before any key or shape check. */
  scriptNext(...replies: ScriptedReply[]): void;
  /** /score requests since start or reset, and the payload shape of each, in order. */
  stats(): { requests: number; shapes: string[] };
  resetStats(): void;
  close(): Promise<void>;
}

/**
 * A local stand-in for an Azure ML managed online endpoint serving the airline satisfaction model:
 * key auth, the MLflow input check with AML's 424 on a wrong shape, and predictions from the same
 * heuristic the app uses without an endpoint.
 *
 * @example
 * const simulator = await startScoringSimulator({ apiKey: 'local-key' });
 * // AML_SCORING_URI=simulator.url AML_API_KEY=local-key
 * await simulator.close();
 */
export async function startScoringSimulator(
  options: ScoringSimulatorOptions = {},
): Promise<ScoringSimulator> {
  const state = createState(options);
  const closing = new AbortController();
  const server = createServer((request, response) => {
    handle(state, request, response, closing.signal).catch((error: unknown) => {
      reply(response, 500, { message: error instanceof Error ? error.message : String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address, family } = server.address() as AddressInfo;
  const host = family === 'IPv6' ? `[${address}]` : address;

  return {
    url: `http://${host}:${port}/score`,
    port,
    configure: (changes) => {
      configure(state, changes);
    },
    scriptNext: (...replies) => {
      state.script.push(...replies);
    },
    stats: () => ({ requests: state.requests, shapes: [...state.shapes] }),
    resetStats: () => {
      state.requests = 0;
      state.shapes = [];
    },
    close: () => {
      closing.abort();
      return new Promise((resolve, reject) => {
        server.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
        server.closeAllConnections();
      });
    },
  };
}

async function handle(
  state: SimulatorState,
  request: IncomingMessage,
  response: ServerResponse,
  closing: AbortSignal,
): Promise<void> {
  const method = request.method ?? 'GET';
  const path = new URL(request.url ?? '/', 'http://simulator').pathname;
  const body = await readBody(request);
  if (handleControl(state, method, path, body, response)) return;
  if (method !== 'POST' || path !== '/score') {
    reply(response, 404, 'Not Found');
    return;
  }

  state.requests += 1;
  state.shapes.push(readPayload(body).shape);
  if (state.config.delayMs > 0) {
    try {
      await delay(state.config.delayMs, undefined, { signal: closing });
    } catch {
      return; // the simulator is closing
    }
  }
  const scripted = state.script.shift();
  if (scripted !== undefined) {
    reply(response, scripted.status, scripted.body, scripted.headers);
    return;
  }
  score(state, request.headers.authorization, body, response);
}
