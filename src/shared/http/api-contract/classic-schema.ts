import * as z from 'zod';

type AnySchema = z.core.$ZodType;

const isSchema = (value: unknown): value is AnySchema =>
  typeof value === 'object' && value !== null && '_zod' in value;

// The classic class of each zod/mini class the settings use. Named one by one, not looked up in the `z`
// namespace by name: a namespace read by name keeps all of zod (its ~60 locales too) in the bundle.
const CLASSIC: Readonly<Record<string, new (definition: never) => z.ZodType>> = {
  ZodMiniArray: z.ZodArray,
  ZodMiniBoolean: z.ZodBoolean,
  ZodMiniDefault: z.ZodDefault,
  ZodMiniEnum: z.ZodEnum,
  ZodMiniNumber: z.ZodNumber,
  ZodMiniNumberFormat: z.ZodNumberFormat,
  ZodMiniOptional: z.ZodOptional,
  ZodMiniPipe: z.ZodPipe,
  ZodMiniRecord: z.ZodRecord,
  ZodMiniString: z.ZodString,
  ZodMiniTransform: z.ZodTransform,
  ZodMiniURL: z.ZodURL,
};

/**
 * The same schema built with zod's classic API. The settings are zod/mini schemas (they are parsed at
 * cold start, where zod/mini is a fraction of zod's cost); zod-to-openapi, which documents them in
 * config-info's answer, reads classic schemas only. Both APIs build on the same core definitions, so
 * each node is rebuilt from its definition with its classic class (ZodMiniURL: ZodURL); checks are core
 * objects, shared as they are.
 *
 * @example
 * toClassicSchema(settings.AZURE_OPENAI_TIMEOUT_MS.schema).meta({ description: '...' });
 */
export function toClassicSchema(schema: AnySchema): z.ZodType {
  const { name } = schema._zod.constr;
  const Classic = Object.hasOwn(CLASSIC, name) ? CLASSIC[name] : undefined;
  if (Classic === undefined) throw new Error(`no classic zod schema for ${name}`);
  const definition = Object.fromEntries(
    Object.entries(schema._zod.def).map(([key, value]) => [key, key === 'checks' ? value : toClassic(value)]),
  );
  const built: unknown = Reflect.construct(Classic, [definition]);
  if (!(built instanceof z.ZodType)) throw new Error(`${name} built no classic schema`);
  return built;
}

function toClassic(value: unknown): unknown {
  if (isSchema(value)) return toClassicSchema(value);
  if (Array.isArray(value)) return value.map(toClassic);
  return value;
}
