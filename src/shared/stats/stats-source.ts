import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import * as z from 'zod';

import { toErrorDetails, UpstreamError } from '../errors';

export const statSchema = z.object({
  value: z.number(),
  unit: z.string().min(1).optional(),
  description: z.string().min(1),
  /** A caveat, e.g. that the figure is sample data. */
  note: z.string().min(1).optional(),
});
export type Stat = z.infer<typeof statSchema>;

const SAMPLE_STATS = path.join('data', 'sample-stats.json');

// A top-level "_note" applies to every statistic in the file (the sample file says it is not real).
const statsFileSchema = z.object({ _note: z.string().min(1).optional() }).catchall(statSchema);

/**
 * Named summary statistics for the `get_stat` tool.
 *
 * @example
 * const stat = await source.get('satisfied_share'); // { value: 0.43, unit: 'share', description: '...' }
 */
export interface StatsSource {
  keys(): Promise<string[]>;
  get(key: string): Promise<Stat | undefined>;
}

/**
 * A `StatsSource` over a JSON file of `{ "<key>": { value, unit?, description } }`, read on first use
 * and cached. A missing or invalid file rejects with an `UpstreamError` (code `stats_unavailable`) that
 * says what to fix, and is read again on the next call.
 *
 * @example
 * const source = createJsonFileStatsSource(config.STATS_FILE ?? defaultStatsFile());
 */
export function createJsonFileStatsSource(file: string): StatsSource {
  let stats: Promise<ReadonlyMap<string, Stat>> | undefined;
  const load = () =>
    (stats ??= readStats(file).catch((error: unknown) => {
      stats = undefined;
      throw error;
    }));
  return {
    keys: async () => [...(await load()).keys()],
    get: async (key) => (await load()).get(key),
  };
}

/**
 * The bundled sample statistics, data/sample-stats.json in the package root: the nearest folder above
 * this module that holds it, so it resolves from src/ (ts-jest) and dist/src/ alike, even when the build
 * put a package.json in dist/. Without one, the path under the nearest package.json folder (for the
 * error message).
 *
 * @example
 * createJsonFileStatsSource(config.STATS_FILE ?? defaultStatsFile());
 */
export function defaultStatsFile(from: string = __dirname): string {
  let packageRoot: string | undefined;
  for (let folder = path.resolve(from); ; folder = path.dirname(folder)) {
    const candidate = path.join(folder, SAMPLE_STATS);
    if (existsSync(candidate)) return candidate;
    if (packageRoot === undefined && existsSync(path.join(folder, 'package.json'))) packageRoot = folder;
    if (path.dirname(folder) === folder) return path.resolve(packageRoot ?? '.', SAMPLE_STATS);
  }
}

async function readStats(file: string): Promise<ReadonlyMap<string, Stat>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    // Read the code by shape: errors from Node's fs are not `instanceof Error` inside Jest's sandbox.
    const code = z.object({ code: z.string() }).safeParse(error).data?.code ?? 'unreadable';
    throw unavailable(file, code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw unavailable(file, 'is not valid JSON');
  }
  const parsed = statsFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = toErrorDetails(parsed.error)
      .slice(0, 3)
      .map((detail) => `${detail.path ?? ''}: ${detail.message}`);
    throw unavailable(file, `is invalid (${problems.join('; ')})`);
  }
  const { _note: note, ...entries } = parsed.data;
  return new Map(
    Object.entries(entries).map(([key, stat]) => [
      key,
      note === undefined || stat.note !== undefined ? stat : { ...stat, note },
    ]),
  );
}

function unavailable(file: string, problem: string): UpstreamError {
  return new UpstreamError(
    503,
    'stats_unavailable',
    `The statistics file ${file} ${problem}; set STATS_FILE to a JSON file like data/sample-stats.json`,
  );
}
