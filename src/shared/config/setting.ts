import { en } from 'zod/locales';
import * as z from 'zod/mini';

// zod/mini, not zod: settings are parsed at every cold start, before any function is registered, and
// zod/mini with its English messages alone is a fraction of zod (whose classic API and ~60 locales are
// what the route schemas, loaded on first invocation, use). The messages are the same English ones.
z.config(en());

/** How a value reached the app: the highest source that had it wins. */
export type SettingSource = 'env' | 'file' | 'default' | 'absent';

/** One setting: how to parse it, what it is for, and whether it must never be printed. */
export interface Setting<S extends z.ZodMiniType = z.ZodMiniType> {
  readonly schema: S;
  readonly description: string;
  /** Older names read when the main name is unset (the earlier apps this one replaces used several spellings). */
  readonly aliases?: readonly string[];
  /** A secret is never printed: logs redact it, config-info shows only whether it is set. */
  readonly secret?: boolean;
  /** Not a credential, but not for display either (the system prompt): config-info shows only whether it is set. */
  readonly private?: boolean;
}

export function setting<S extends z.ZodMiniType>(schema: S, meta: Omit<Setting<S>, 'schema'>): Setting<S> {
  return { schema, ...meta };
}

/** Runs `prepare` on the raw value, then parses the result with `schema` (zod's `preprocess`). */
export const preprocess = <S extends z.ZodMiniType>(prepare: (value: unknown) => unknown, schema: S) =>
  z.pipe(z.transform(prepare), schema);

// Environment values are strings; an empty string means "unset" (common in .env templates).
export const blankToUndefined = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

export const text = () =>
  preprocess(blankToUndefined, z.optional(z.string().check(z.trim(), z.minLength(1))));

export const url = () =>
  preprocess(
    blankToUndefined,
    z.optional(
      z.pipe(
        z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
        z.transform((value) => value.replace(/\/+$/, '')),
      ),
    ),
  );

export const integer = (defaultValue: number, min: number, max: number) =>
  preprocess(
    blankToUndefined,
    z._default(z.coerce.number().check(z.int(), z.gte(min), z.lte(max)), defaultValue),
  );

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T, defaultValue: T[number]) =>
  preprocess(
    (value) => {
      const blank = blankToUndefined(value);
      return typeof blank === 'string' ? blank.toLowerCase() : blank;
    },
    z._default(z.enum(values), defaultValue),
  );

export const list = () =>
  preprocess(
    (value) =>
      typeof value === 'string'
        ? value
            .split(',')
            .map((item) => item.trim())
            .filter((item) => item !== '')
        : value,
    z._default(z.array(z.string()), []),
  );

/** A text setting with a default. */
export const textOr = (defaultValue: string) =>
  preprocess(blankToUndefined, z._default(z.string().check(z.trim(), z.minLength(1)), defaultValue));

/** true/1/yes/on or false/0/no/off (any case); anything else is left for the schema to refuse. */
function readFlag(value: unknown): unknown {
  const blank = blankToUndefined(value);
  if (typeof blank !== 'string') return blank;
  const word = blank.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(word)) return true;
  if (['false', '0', 'no', 'off'].includes(word)) return false;
  return blank;
}

/** An on/off switch; unset is the default. */
export const flag = (defaultValue: boolean) =>
  preprocess(readFlag, z._default(z.boolean({ error: 'must be true or false' }), defaultValue));

/** An on/off switch that may be unset (undefined), as the settings Azure writes ("True") may be. */
export const optionalFlag = () =>
  preprocess(readFlag, z.optional(z.boolean({ error: 'must be true or false' })));

/** Whether config-info may show the value of a setting (neither a secret nor private). */
export const isShown = (meta: Setting): boolean => meta.secret !== true && meta.private !== true;

/** `name=value` pairs, comma-separated, each name one of `names` and each value a whole number. */
export const namedLimits = <const N extends string>(names: readonly N[]) =>
  preprocess(
    (value) => {
      const blank = blankToUndefined(value);
      if (typeof blank !== 'string') return blank;
      return Object.fromEntries(
        blank
          .split(',')
          .map((pair) => pair.trim())
          .filter((pair) => pair !== '')
          .map((pair) => {
            const [name = '', limit = ''] = pair.split('=').map((part) => part.trim());
            return [name, limit];
          }),
      );
    },
    z._default(
      z.partialRecord(
        z.enum(names, { error: `each name must be one of ${names.join(', ')}` }),
        z.coerce.number({ error: 'each value must be a number' }).check(z.int(), z.gte(0)),
      ),
      {},
    ),
  );
