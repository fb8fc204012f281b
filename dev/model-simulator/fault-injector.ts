export type InjectedFault = 'rate-limit' | 'server-error' | 'connection-reset';

/** mulberry32: tiny, fast, and the same sequence for the same seed on every machine. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Decides, reproducibly from the seed, which requests fail on purpose. */
export class FaultInjector {
  private random: () => number;

  constructor(seed: number) {
    this.random = createRandom(seed);
  }

  reseed(seed: number): void {
    this.random = createRandom(seed);
  }

  // Draws only for non-zero rates, so the outcome of a run depends on nothing but the seed and the rates.
  draw(rate429: number, rate500: number, rateReset = 0): InjectedFault | undefined {
    if (rate429 > 0 && this.random() < rate429) return 'rate-limit';
    if (rate500 > 0 && this.random() < rate500) return 'server-error';
    if (rateReset > 0 && this.random() < rateReset) return 'connection-reset';
    return undefined;
  }
}
