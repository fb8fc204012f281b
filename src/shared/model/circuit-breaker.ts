import { UpstreamError } from '../errors';

export interface CircuitSettings {
  /** Consecutive failures (connection errors, timeouts, 5xx) that open the circuit. */
  readonly failureThreshold: number;
  /** How long an open circuit answers at once, before it lets one probe through. */
  readonly cooldownMs: number;
}

/** What one call's outcome says about the deployment: down, up, or nothing (the caller gave up). */
export type CallVerdict = 'failure' | 'success' | 'neutral';

/** The circuit is open: the deployment failed repeatedly and is not called until the cool-down has passed. */
export class CircuitOpenError extends UpstreamError {
  constructor(deployment: string, retryAfterMs: number) {
    super(
      503,
      'model_unavailable',
      `The model deployment '${deployment}' failed repeatedly; it is not called again for ${Math.ceil(retryAfterMs / 1000)} s`,
      retryAfterMs / 1000,
    );
  }
}

/**
 * A circuit breaker for one deployment. Closed, it counts consecutive failures; at the threshold it opens,
 * and every call fails at once with a 503 and Retry-After (the time left of the cool-down) instead of
 * spending its retry budget on a deployment that is down. After the cool-down one call goes through as a
 * probe while the others still fail fast: its success closes the circuit, its failure opens it again.
 *
 * @example
 * const breaker = new CircuitBreaker('chat', { failureThreshold: 5, cooldownMs: 30_000 });
 * const reply = await breaker.call(() => client.chat.completions.create(body), verdictOf);
 */
export class CircuitBreaker {
  #failures = 0;
  #openUntil: number | undefined;
  #probing = false;
  readonly #now: () => number;

  constructor(
    readonly deployment: string,
    readonly settings: CircuitSettings,
    now: () => number = Date.now,
  ) {
    this.#now = now;
  }

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.#openUntil === undefined) return 'closed';
    return this.#now() < this.#openUntil ? 'open' : 'half-open';
  }

  async call<T>(attempt: () => Promise<T>, verdictOf: (error: unknown) => CallVerdict): Promise<T> {
    const probe = this.#admit();
    try {
      const result = await attempt();
      this.#settle('success', probe);
      return result;
    } catch (error) {
      this.#settle(verdictOf(error), probe);
      throw error;
    }
  }

  /** Throws when the call may not go ahead; true when it is the probe of a half-open circuit. */
  #admit(): boolean {
    if (this.#openUntil === undefined) return false;
    const left = this.#openUntil - this.#now();
    if (left > 0) throw new CircuitOpenError(this.deployment, left);
    // One probe at a time; the others wait a second and try again.
    if (this.#probing) throw new CircuitOpenError(this.deployment, 1_000);
    this.#probing = true;
    return true;
  }

  #settle(verdict: CallVerdict, probe: boolean): void {
    if (probe) this.#probing = false;
    if (verdict === 'success') {
      this.#failures = 0;
      this.#openUntil = undefined;
    } else if (verdict === 'failure') {
      this.#failures += 1;
      if (probe || this.#failures >= this.settings.failureThreshold)
        this.#openUntil = this.#now() + this.settings.cooldownMs;
    }
  }
}

/** One breaker per deployment, shared by every model of the process (chat, completions, batch). */
export function circuitBreakers(
  settings: CircuitSettings,
  now?: () => number,
): (deployment: string) => CircuitBreaker {
  const breakers = new Map<string, CircuitBreaker>();
  return (deployment) => {
    let breaker = breakers.get(deployment);
    if (breaker === undefined) {
      breaker = new CircuitBreaker(deployment, settings, now);
      breakers.set(deployment, breaker);
    }
    return breaker;
  };
}
