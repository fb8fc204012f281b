import * as z from 'zod';

type AnySchema = z.core.$ZodType;

const isSchema = (value: unknown): value is AnySchema =>
  typeof value === 'object' && value !== null && '_zod' in value;

/**
 * The same schema built with zod's classic API. The settings are zod/mini schemas (they are parsed at
 * cold start, where zod/mini is a fraction of zod's cost); zod-to-openapi, which documents them in
 * config-info's answer, reads classic schemas only. Both APIs build on the same core definitions and
 * mirror each other's class names (ZodMiniURL, ZodURL), so each node is rebuilt from its definition
 * with the classic class of the same name; checks are core objects, shared as they are.
 *
 * @example
 * toClassicSchema(settings.AZURE_OPENAI_TIMEOUT_MS.schema).meta({ description: '...' });
 */
export function toClassicSchema(schema: AnySchema): z.ZodType {
  const name = schema._zod.constr.name.replace(/^ZodMini/, 'Zod');
  const constructor: unknown = Reflect.get(z, name);
  if (typeof constructor !== 'function' || !name.startsWith('Zod')) {
    throw new Error(`no classic zod schema for ${schema._zod.constr.name}`);
  }
  const definition = Object.fromEntries(
    Object.entries(schema._zod.def).map(([key, value]) => [key, key === 'checks' ? value : toClassic(value)]),
  );
  const built: unknown = Reflect.construct(constructor, [definition]);
  if (!(built instanceof z.ZodType)) throw new Error(`${name} did not build a classic schema`);
  return built;
}

function toClassic(value: unknown): unknown {
  if (isSchema(value)) return toClassicSchema(value);
  if (Array.isArray(value)) return value.map(toClassic);
  return value;
}
