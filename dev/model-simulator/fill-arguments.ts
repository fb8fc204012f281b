import { findProperty, type Found } from './find-in-text';
import { effectiveSchema, type JsonSchema, typeOf } from './json-schema';

export interface FoundArguments {
  /** Every property the text gave a value for. */
  readonly values: Record<string, unknown>;
  /** Required properties the text did not give. */
  readonly missing: string[];
}

/** What the text says about an object schema's properties; nested objects count when complete. */
export function findArguments(schema: JsonSchema, text: string): FoundArguments {
  const root = effectiveSchema(schema);
  const values: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(root.properties ?? {})) {
    const found = findValue(name, property, text);
    if (found !== undefined) values[name] = found.value;
  }
  const missing = (root.required ?? []).filter((name) => !Object.hasOwn(values, name));
  return { values, missing };
}

function findValue(name: string, property: JsonSchema, text: string): Found | undefined {
  if (typeOf(effectiveSchema(property)) !== 'object') return findProperty(name, property, text);
  const nested = findArguments(property, text);
  const complete = nested.missing.length === 0 && Object.keys(nested.values).length > 0;
  return complete ? { value: nested.values } : undefined;
}

/**
 * A value that is valid against `schema`: every property is read from the text where it says it, and
 * gets a placeholder that respects the schema otherwise.
 *
 * @example
 * fillArguments({ type: 'object', properties: { age: { type: 'integer' } }, required: ['age'] }, 'a 32-year-old');
 * // { age: 32 }
 */
export function fillArguments(schema: JsonSchema, text: string): unknown {
  return fillValue('', schema, text);
}

function fillValue(name: string, property: JsonSchema, text: string): unknown {
  const schema = effectiveSchema(property);
  const type = typeOf(schema);
  if (type === 'object') {
    const entries = Object.entries(schema.properties ?? {}).map(([key, nested]) => [
      key,
      fillValue(key, nested, text),
    ]);
    return Object.fromEntries(entries);
  }
  if (type === 'array') {
    const count = Math.min(Math.max(schema.minItems ?? 1, 1), schema.maxItems ?? Number.POSITIVE_INFINITY);
    return Array.from({ length: count }, () => fillValue(name, schema.items ?? {}, text));
  }
  const found = name === '' ? undefined : findProperty(name, schema, text);
  return found === undefined ? placeholder(schema, type, text) : found.value;
}

function placeholder(schema: JsonSchema, type: ReturnType<typeof typeOf>, text: string): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum !== undefined && schema.enum.length > 0) return schema.enum[0];
  if (type === 'number' || type === 'integer') return placeholderNumber(schema, type === 'integer');
  if (type === 'boolean') return false;
  if (type === 'null') return null;
  return placeholderString(schema, text);
}

/** 0 when the bounds allow it, else the allowed value nearest to 0. */
function placeholderNumber(schema: JsonSchema, integer: boolean): number {
  const low = Math.max(schema.minimum ?? -Infinity, schema.exclusiveMinimum ?? -Infinity);
  const high = Math.min(schema.maximum ?? Infinity, schema.exclusiveMaximum ?? Infinity);
  let value = Math.min(Math.max(0, low), high);
  if (integer) {
    value = Math.ceil(value);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) value += 1;
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) value -= 1;
    return value;
  }
  if (value === schema.exclusiveMinimum) value = Number.isFinite(high) ? (low + high) / 2 : low + 1;
  if (value === schema.exclusiveMaximum) value = Number.isFinite(low) ? (low + high) / 2 : high - 1;
  return value;
}

const FORMAT_SAMPLES: Readonly<Record<string, string>> = {
  date: '2024-01-01',
  'date-time': '2024-01-01T00:00:00Z',
  time: '00:00:00',
  email: 'user@example.com',
  uri: 'https://example.com',
  url: 'https://example.com',
  uuid: '00000000-0000-4000-8000-000000000000',
  hostname: 'example.com',
  ipv4: '127.0.0.1',
};

/** Something recognisably taken from the input: its first capitalised word, else its start. */
function placeholderString(schema: JsonSchema, text: string): string {
  const sample = schema.format === undefined ? undefined : FORMAT_SAMPLES[schema.format];
  if (sample !== undefined) return sample;
  const compact = text.replace(/\s+/g, ' ').trim();
  const base = /\b[A-Z][A-Za-z]+/.exec(compact)?.[0] ?? (compact.slice(0, 40) || 'sample');
  const padded = base.padEnd(schema.minLength ?? 0, 'x');
  return padded.slice(0, schema.maxLength ?? padded.length);
}

/**
 * Valid arguments with one property given the wrong type: what a model that ignores the schema sends.
 * A schema without typed properties gets an array where an object was expected.
 */
export function violateSchema(schema: JsonSchema, text: string): unknown {
  const valid = fillArguments(schema, text);
  const properties = effectiveSchema(schema).properties ?? {};
  const required = effectiveSchema(schema).required ?? [];
  const candidates = [...required, ...Object.keys(properties)];
  const target = candidates.find((name) => {
    const property = properties[name];
    return property !== undefined && typeOf(effectiveSchema(property)) !== undefined;
  });
  if (target === undefined || typeof valid !== 'object' || valid === null) return [];
  const type = typeOf(effectiveSchema(properties[target] ?? {}));
  return { ...valid, [target]: type === 'string' ? 12345 : `not ${type ?? 'valid'}` };
}
