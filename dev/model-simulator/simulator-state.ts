import type { ServerResponse } from 'node:http';

import type { ChatRequest } from './chat-request';
import { FaultInjector } from './fault-injector';

const RECENT_REQUESTS = 50;
import type { ModelSimulatorStats, ResolvedOptions, RuntimeOptions, ScriptedResponse } from './options';
import { applyOptions } from './options';
import { PromptCache } from './prompt-cache';
import { RateLimiter } from './rate-limiter';

type Counter = Exclude<keyof ModelSimulatorStats, 'inFlight' | 'maxInFlight'>;

/** Everything a running simulator remembers between requests: options, quotas, the script, the stats. */
export class SimulatorState {
  private current: ResolvedOptions;
  private limiter: RateLimiter;
  private readonly faults: FaultInjector;
  readonly promptCache = new PromptCache();
  private readonly script: ScriptedResponse[] = [];
  private readonly recent: ChatRequest[] = [];
  private counters: Record<Counter, number> = emptyCounters();
  private inFlight = 0;
  private maxInFlight = 0;

  constructor(options: ResolvedOptions) {
    this.current = options;
    this.limiter = new RateLimiter(options.requestsPerMinute, options.tokensPerMinute);
    this.faults = new FaultInjector(options.seed);
  }

  get options(): ResolvedOptions {
    return this.current;
  }

  get rateLimiter(): RateLimiter {
    return this.limiter;
  }

  get faultInjector(): FaultInjector {
    return this.faults;
  }

  /** Naming a quota starts its buckets afresh and full; naming the seed restarts the fault sequence. */
  configure(changes: RuntimeOptions): void {
    this.current = applyOptions(this.current, changes);
    if (Object.hasOwn(changes, 'requestsPerMinute') || Object.hasOwn(changes, 'tokensPerMinute')) {
      this.limiter = new RateLimiter(this.current.requestsPerMinute, this.current.tokensPerMinute);
    }
    if (changes.seed !== undefined) this.faults.reseed(changes.seed);
  }

  enqueueScript(responses: readonly ScriptedResponse[]): void {
    this.script.push(...responses);
  }

  takeScripted(): ScriptedResponse | undefined {
    return this.script.shift();
  }

  /** Counts a chat request, and when its response closes, whether it was sent in full or abandoned. */
  track(response: ServerResponse): void {
    this.counters.requests += 1;
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    response.once('close', () => {
      this.inFlight -= 1;
      this.counters[response.writableFinished ? 'completed' : 'aborted'] += 1;
    });
  }

  /** Keeps the last valid chat request bodies, newest last, so tests can see what a client sent. */
  record(request: ChatRequest): void {
    this.recent.push(request);
    if (this.recent.length > RECENT_REQUESTS) this.recent.shift();
  }

  recentRequests(): readonly ChatRequest[] {
    return [...this.recent];
  }

  count(counter: 'rateLimited' | 'injectedFailures' | 'refused'): void {
    this.counters[counter] += 1;
  }

  stats(): ModelSimulatorStats {
    return { ...this.counters, inFlight: this.inFlight, maxInFlight: this.maxInFlight };
  }

  /** Requests still running keep counting in inFlight, and are counted when they finish. */
  resetStats(): void {
    this.counters = emptyCounters();
    this.maxInFlight = this.inFlight;
  }
}

function emptyCounters(): Record<Counter, number> {
  return { requests: 0, completed: 0, aborted: 0, rateLimited: 0, injectedFailures: 0, refused: 0 };
}
