import { stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

import type { ResultItem } from './api-client';
import { CliError } from './cli-error';

/** Checked before submitting or fetching anything: a bad --out fails at once, not after the wait. */
export async function checkWritable(path: string): Promise<void> {
  const folder = dirname(resolve(path));
  const found = await stat(folder).catch(() => undefined);
  if (found?.isDirectory() !== true) throw new CliError(`cannot write ${path}: no such folder ${folder}`);
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory() === true) throw new CliError(`cannot write ${path}: it is a folder`);
}

/** The results file: the items as the API gives them, in index order, as one JSON array. */
export async function writeResults(path: string, items: readonly ResultItem[]): Promise<void> {
  try {
    await writeFile(path, `${JSON.stringify(items, null, 2)}\n`);
  } catch (error) {
    throw new CliError(`cannot write ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
