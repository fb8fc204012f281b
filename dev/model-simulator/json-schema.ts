import { z } from 'zod';

/** The part of JSON Schema that tool parameters use and the simulator understands. */
export interface JsonSchema {
  type?: string | string[] | undefined;
  properties?: Record<string, JsonSchema> | undefined;
  required?: string[] | undefined;
  items?: JsonSchema | undefined;
  anyOf?: JsonSchema[] | undefined;
  oneOf?: JsonSchema[] | undefined;
  enum?: unknown[] | undefined;
  const?: unknown;
  minimum?: number | undefined;
  maximum?: number | undefined;
  exclusiveMinimum?: number | undefined;
  exclusiveMaximum?: number | undefined;
  minLength?: number | undefined;
  maxLength?: number | undefined;
  minItems?: number | undefined;
  maxItems?: number | undefined;
  format?: string | undefined;
}

// Each keyword is parsed on its own and dropped when malformed: a model does its best with odd schemas.
const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

const jsonSchema: z.ZodType<JsonSchema> = z.lazy(() =>
  z.looseObject({
    type: lenient(z.union([z.string(), z.array(z.string())])),
    properties: lenient(z.record(z.string(), jsonSchema)),
    required: lenient(z.array(z.string())),
    items: lenient(jsonSchema),
    anyOf: lenient(z.array(jsonSchema)),
    oneOf: lenient(z.array(jsonSchema)),
    enum: lenient(z.array(z.unknown())),
    minimum: lenient(z.number()),
    maximum: lenient(z.number()),
    exclusiveMinimum: lenient(z.number()),
    exclusiveMaximum: lenient(z.number()),
    minLength: lenient(z.number().int().min(0)),
    maxLength: lenient(z.number().int().min(0)),
    minItems: lenient(z.number().int().min(0)),
    maxItems: lenient(z.number().int().min(0)),
    format: lenient(z.string()),
  }),
);

export function toJsonSchema(value: unknown): JsonSchema {
  const result = jsonSchema.safeParse(value);
  return result.success ? result.data : {};
}

export type SchemaType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

const SCHEMA_TYPES: readonly string[] = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];

function isSchemaType(value: string): value is SchemaType {
  return SCHEMA_TYPES.includes(value);
}

/** Picks the first non-null branch of anyOf/oneOf, as `z.nullable()` and unions are written. */
export function effectiveSchema(schema: JsonSchema): JsonSchema {
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches === undefined) return schema;
  const chosen = branches.find((branch) => typeOf(effectiveSchema(branch)) !== 'null') ?? branches[0];
  return chosen === undefined ? schema : effectiveSchema(chosen);
}

/** The declared type (the first that is not null), else what the other keywords imply. */
export function typeOf(schema: JsonSchema): SchemaType | undefined {
  const declared = (Array.isArray(schema.type) ? schema.type : [schema.type ?? ''])
    .filter(isSchemaType)
    .sort((left, right) => Number(left === 'null') - Number(right === 'null'));
  if (declared[0] !== undefined) return declared[0];
  if (schema.properties !== undefined) return 'object';
  if (schema.items !== undefined) return 'array';
  const sample = schema.const ?? schema.enum?.[0];
  if (typeof sample === 'string') return 'string';
  if (typeof sample === 'number') return 'number';
  if (typeof sample === 'boolean') return 'boolean';
  return undefined;
}

/** Whether a number meets the schema's type and bounds; a value out of range does not count as found. */
export function acceptsNumber(schema: JsonSchema, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  if (typeOf(schema) === 'integer' && !Number.isInteger(value)) return false;
  if (schema.minimum !== undefined && value < schema.minimum) return false;
  if (schema.maximum !== undefined && value > schema.maximum) return false;
  if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) return false;
  if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) return false;
  return schema.enum === undefined || schema.enum.includes(value);
}

export function acceptsString(schema: JsonSchema, value: string): boolean {
  if (schema.minLength !== undefined && value.length < schema.minLength) return false;
  if (schema.maxLength !== undefined && value.length > schema.maxLength) return false;
  return schema.enum === undefined || schema.enum.includes(value);
}
