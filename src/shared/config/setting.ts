import { z } from 'zod';

/** How a value reached the app: the highest source that had it wins. */
export type SettingSource = 'env' | 'file' | 'default' | 'absent';

/** One setting: how to parse it, what it is for, and whether it must never be printed. */
export interface Setting<S extends z.ZodType = z.ZodType> {
  readonly schema: S;
  readonly description: string;
  /** Older names read when the main name is unset (the earlier apps this one replaces used several spellings). */
  readonly aliases?: readonly string[];
  /** A secret is never printed: logs redact it, config-info shows only whether it is set. */
  readonly secret?: boolean;
  /** Not a credential, but not for display either (the system prompt): config-info shows only whether it is set. */
  readonly private?: boolean;
}

export function setting<S extends z.ZodType>(schema: S, meta: Omit<Setting<S>, 'schema'>): Setting<S> {
  return { schema, ...meta };
}

// Environment values are strings; an empty string means "unset" (common in .env templates).
const blankToUndefined = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

export const text = () => z.preprocess(blankToUndefined, z.string().trim().min(1).optional());

export const url = () =>
  z.preprocess(
    blankToUndefined,
    z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .transform((value) => value.replace(/\/+$/, ''))
      .optional(),
  );

export const integer = (defaultValue: number, min: number, max: number) =>
  z.preprocess(blankToUndefined, z.coerce.number().int().min(min).max(max).default(defaultValue));

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T, defaultValue: T[number]) =>
  z.preprocess((value) => {
    const blank = blankToUndefined(value);
    return typeof blank === 'string' ? blank.toLowerCase() : blank;
  }, z.enum(values).default(defaultValue));

export const list = () =>
  z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value
            .split(',')
            .map((item) => item.trim())
            .filter((item) => item !== '')
        : value,
    z.array(z.string()).default([]),
  );

/** A text setting with a default. */
export const textOr = (defaultValue: string) =>
  z.preprocess(blankToUndefined, z.string().trim().min(1).default(defaultValue));

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
  z.preprocess(readFlag, z.boolean({ error: 'must be true or false' }).default(defaultValue));

/** An on/off switch that may be unset (undefined), as the settings Azure writes ("True") may be. */
export const optionalFlag = () =>
  z.preprocess(readFlag, z.boolean({ error: 'must be true or false' }).optional());

/** Whether config-info may show the value of a setting (neither a secret nor private). */
export const isShown = (meta: Setting): boolean => meta.secret !== true && meta.private !== true;

/** `name=value` pairs, comma-separated, each name one of `names` and each value a whole number. */
export const namedLimits = <const N extends string>(names: readonly N[]) =>
  z.preprocess(
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
    z
      .partialRecord(
        z.enum(names, { error: `each name must be one of ${names.join(', ')}` }),
        z.coerce.number({ error: 'each value must be a number' }).int().min(0),
      )
      .default({}),
  );
