import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

import Table from 'cli-table3';

import { repoRoot } from '../dev/stack/isolated-stack';
import { benchBatchThroughput } from './batch-throughput';
import { benchChaos } from './chaos';
import { benchColdStart } from './cold-start';
import { benchCompletionsOverhead } from './completions-overhead';
import { benchHistoryWriteCost } from './history-write-cost';
import type { BenchResult } from './measure';
import { benchPackageSize } from './package-size';
import { benchStreamingFirstChunk } from './streaming-first-chunk';

/** `npm run bench [-- name ...]`: runs the benchmarks, prints one table, writes bench/results.json. */
const benchmarks: Record<string, () => Promise<BenchResult>> = {
  'package-size': benchPackageSize,
  'cold-start': benchColdStart,
  'completions-overhead': benchCompletionsOverhead,
  'streaming-first-chunk': benchStreamingFirstChunk,
  'history-write-cost': benchHistoryWriteCost,
  'batch-throughput': benchBatchThroughput,
  chaos: benchChaos,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : Object.keys(benchmarks);
  // The machine is shared: the 1-minute load average before and after says how busy it was.
  const loadBefore = loadavg()[0] ?? 0;
  const results: BenchResult[] = [];
  for (const name of names) {
    const run = benchmarks[name];
    if (run === undefined)
      throw new Error(`no benchmark named ${name}; known: ${Object.keys(benchmarks).join(', ')}`);
    process.stderr.write(`running ${name} ...\n`);
    results.push(await run());
  }
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: process.platform,
    loadAverage: { before: Number(loadBefore.toFixed(1)), after: Number((loadavg()[0] ?? 0).toFixed(1)) },
  };
  const table = new Table({
    head: ['benchmark', 'ratio', 'of', 'target', 'inputs and figures'],
    style: { head: [], border: [] },
  });
  for (const result of results) {
    const details = Object.entries({ ...result.inputs, ...result.figures })
      .map(([key, value]) => `${key}=${value}`)
      .join('\n');
    table.push([result.name, result.ratio, result.ratioOf, result.target ?? '', details]);
  }
  process.stdout.write(`${table.toString()}\nmachine: ${JSON.stringify(machine)}\n`);
  writeFileSync(
    join(repoRoot, 'bench', 'results.json'),
    `${JSON.stringify({ measuredAt: new Date().toISOString(), machine, results }, null, 2)}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${String(error)}\n`);
  process.exit(1);
});
