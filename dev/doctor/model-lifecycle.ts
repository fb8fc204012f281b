import { readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

import { z } from 'zod';

import { splitModel } from '../../src/shared/model/model-capabilities';

const date = z.iso.date();
const tableSchema = z.object({
  checked: date,
  models: z.array(
    z.object({
      model: z.string(),
      version: z.string(),
      lifecycle: z.string(),
      noNewCustomers: date,
      noNewCustomersSource: z.enum(['table', 'policy']),
      retirement: date,
    }),
  ),
});

export type ModelVersion = z.infer<typeof tableSchema>['models'][number];

// From dev/doctor in the sources or dist/dev/doctor in the build.
const repoRoot = resolve(__dirname, __dirname.includes(`${sep}dist${sep}`) ? '../../..' : '../..');

/** infra/models.json: the model versions the project knows, with their lifecycle dates. */
export function readModelTable(path = join(repoRoot, 'infra/models.json')): z.infer<typeof tableSchema> {
  return tableSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

const DAY_MS = 86_400_000;
export const RETIREMENT_WARNING_DAYS = 60;

export type Lifecycle =
  | { readonly known: false; readonly name: string; readonly version?: string }
  | {
      readonly known: true;
      readonly entry: ModelVersion;
      /** Days until retirement (negative: past it). */
      readonly daysLeft: number;
      readonly retiringSoon: boolean;
    };

/** Where the model Azure reported (gpt-5.4-mini-2026-03-17) stands in the table, on `today`. */
export function lifecycleOf(
  reported: string,
  table: z.infer<typeof tableSchema>,
  today: Date = new Date(),
): Lifecycle {
  const { name, version } = splitModel(reported);
  const entry = table.models.find((known) => known.model === name && known.version === version);
  if (entry === undefined) return { known: false, name, ...(version === undefined ? {} : { version }) };
  const daysLeft = Math.floor((Date.parse(entry.retirement) - today.getTime()) / DAY_MS);
  return { known: true, entry, daysLeft, retiringSoon: daysLeft <= RETIREMENT_WARNING_DAYS };
}
