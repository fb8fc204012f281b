import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseEnv } from 'node:util';

import * as z from 'zod/mini';

/** The raw values a setting may come from, highest precedence first. */
export interface RawSources {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `Values` of local.settings.json. */
  readonly file: Readonly<Record<string, string>>;
  /** The nearest `.env` found walking up from the working directory. */
  readonly dotenv: Readonly<Record<string, string>>;
}

const localSettingsSchema = z.object({ Values: z.optional(z.record(z.string(), z.unknown())) });

/** Reads the process environment, local.settings.json and the nearest .env. */
export function readSources(cwd = process.cwd(), env: RawSources['env'] = process.env): RawSources {
  return { env, file: readLocalSettings(cwd), dotenv: readDotenv(cwd) };
}

function readLocalSettings(cwd: string): Record<string, string> {
  const path = join(cwd, 'local.settings.json');
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new Error(`${path} is not valid JSON`);
  }
  const values = localSettingsSchema.safeParse(parsed);
  if (!values.success) throw new Error(`${path} must be an object with a "Values" object`);
  return Object.fromEntries(
    Object.entries(values.data.Values ?? {}).flatMap(([key, value]) =>
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? [[key, String(value)]]
        : [],
    ),
  );
}

function readDotenv(cwd: string): Record<string, string> {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const path = join(dir, '.env');
    if (existsSync(path)) {
      const parsed = parseEnv(readFileSync(path, 'utf8'));
      return Object.fromEntries(
        Object.entries(parsed).flatMap(([k, v]) => (v === undefined ? [] : [[k, v]])),
      );
    }
    if (dirname(dir) === dir) return {};
  }
}
