/** One benchmark's figure: a ratio measured in one run, with what it was computed from. */
export interface BenchResult {
  readonly name: string;
  /** What the ratio means, e.g. "app p50 / direct SDK p50". */
  readonly ratioOf: string;
  readonly ratio: number;
  readonly target?: string;
  readonly inputs: Readonly<Record<string, string | number>>;
  readonly figures: Readonly<Record<string, number>>;
}

export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export async function timeIt(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
