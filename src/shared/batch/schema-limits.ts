import { type ErrorDetail, ValidationError } from '../errors';
import { compileLinear } from './linear-regexp';

/** How much a batch schema may ask of the validator, beyond its size (32,000 characters) and depth. */
export const SCHEMA_LIMITS = {
  /** Names under `properties`, `patternProperties`, `dependencies` and `dependentSchemas`, in the whole schema. */
  properties: 500,
  /** Branches of `anyOf`, `oneOf` and `allOf`, plus each `not`, `if`, `then` and `else`. */
  combinators: 100,
  /** `pattern`s and `patternProperties` names, each also at most 1,000 characters and RE2-compatible. */
  patterns: 100,
  /** Subschemas applied to one value, `$ref`s followed: what one validation may have to walk. */
  expandedSubschemas: 10_000,
} as const;

type Schema = Record<string, unknown>;
const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const SINGLE = ['not', 'if', 'then', 'else', 'additionalItems', 'contains', 'propertyNames'];
const DESCENDING_SINGLE = new Set([
  'additionalItems',
  'additionalProperties',
  'contains',
  'propertyNames',
  'items',
  'unevaluatedItems',
  'unevaluatedProperties',
]);
const ARRAYS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const MAPS = ['properties', 'patternProperties', 'dependencies', 'dependentSchemas'];
const COMBINATORS = new Set(['allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else']);

/** Each subschema directly under `schema`, with the keyword path to it and whether it applies to a child value. */
function* children(
  schema: Schema,
): Generator<{ path: string; child: unknown; descends: boolean; keyword: string }> {
  for (const keyword of [
    ...SINGLE,
    'additionalProperties',
    'items',
    'unevaluatedItems',
    'unevaluatedProperties',
  ]) {
    const child = schema[keyword];
    if (Array.isArray(child) && keyword === 'items') {
      for (const [index, item] of child.entries())
        yield { path: `${keyword}.${index}`, child: item, descends: true, keyword };
    } else if (child !== undefined)
      yield { path: keyword, child, descends: DESCENDING_SINGLE.has(keyword), keyword };
  }
  for (const keyword of ARRAYS) {
    const list = schema[keyword];
    if (Array.isArray(list))
      for (const [index, item] of list.entries())
        yield { path: `${keyword}.${index}`, child: item, descends: keyword === 'prefixItems', keyword };
  }
  for (const keyword of MAPS) {
    const map = schema[keyword];
    if (isSchema(map))
      for (const [name, item] of Object.entries(map))
        yield {
          path: `${keyword}.${name}`,
          child: item,
          descends: keyword !== 'dependencies' && keyword !== 'dependentSchemas',
          keyword,
        };
  }
}

/**
 * Refuses, with a 400 naming the place, a batch schema whose validation could cost far more than its size
 * suggests: too many properties, combinators or patterns; a pattern RE2 cannot run (a backreference, a
 * lookaround); `$ref`s that expand past `SCHEMA_LIMITS.expandedSubschemas`, or that loop without
 * descending into the value (which would never end).
 */
export function checkSchemaLimits(root: Schema): void {
  const counts = { properties: 0, combinators: 0, patterns: 0 };
  const problems: ErrorDetail[] = [];
  const checkPattern = (pattern: string, path: string) => {
    counts.patterns += 1;
    const compiled = compileLinear(pattern);
    if (!compiled.ok)
      problems.push({
        path,
        code: 'unsupported_pattern',
        message: `${JSON.stringify(pattern.slice(0, 100))} cannot run on RE2: ${compiled.reason}`,
      });
  };

  // Every subschema as written, definitions included: counts and patterns.
  const visitWritten = (schema: unknown, path: string) => {
    if (!isSchema(schema)) return;
    if (typeof schema.pattern === 'string') checkPattern(schema.pattern, `${path}.pattern`);
    if (isSchema(schema.patternProperties))
      for (const name of Object.keys(schema.patternProperties))
        checkPattern(name, `${path}.patternProperties`);
    for (const keyword of MAPS)
      if (isSchema(schema[keyword])) counts.properties += Object.keys(schema[keyword]).length;
    for (const { path: sub, child, keyword } of children(schema)) {
      if (COMBINATORS.has(keyword)) counts.combinators += 1;
      visitWritten(child, `${path}.${sub}`);
    }
    for (const keyword of ['definitions', '$defs'])
      if (isSchema(schema[keyword]))
        for (const [name, child] of Object.entries(schema[keyword]))
          visitWritten(child, `${path}.${keyword}.${name}`);
  };
  visitWritten(root, 'schema');

  for (const name of ['properties', 'combinators', 'patterns'] as const) {
    if (counts[name] > SCHEMA_LIMITS[name])
      problems.push({
        path: 'schema',
        code: 'schema_too_complex',
        message: `${counts[name]} ${name}; at most ${SCHEMA_LIMITS[name]}`,
      });
  }
  if (problems.length === 0) expand(root, problems);
  if (problems.length > 0)
    throw new ValidationError(
      'The schema is too complex to validate safely',
      problems.slice(0, 10),
      'invalid_schema',
    );
}

/** Walks what one validation applies, `$ref`s followed, within the budget. */
function expand(root: Schema, problems: ErrorDetail[]): void {
  let visited = 0;
  const walk = (
    schema: unknown,
    path: string,
    refs: readonly { ref: string; descended: boolean }[],
  ): boolean => {
    if (!isSchema(schema)) return true;
    if (++visited > SCHEMA_LIMITS.expandedSubschemas) {
      problems.push({
        path,
        code: 'schema_too_complex',
        message: `its $refs expand to more than ${SCHEMA_LIMITS.expandedSubschemas} subschemas`,
      });
      return false;
    }
    if (typeof schema.$ref === 'string') {
      const ref = schema.$ref;
      const open = refs.find((entry) => entry.ref === ref);
      if (open !== undefined) {
        if (open.descended) return true; // recursion over the value's own structure ends with the value
        problems.push({
          path,
          code: 'schema_too_complex',
          message: `the $ref ${ref} refers to itself without descending into the value`,
        });
        return false;
      }
      const target = resolvePointer(root, ref);
      if (target !== undefined && !walk(target, `${path}.$ref`, [...refs, { ref, descended: false }]))
        return false;
    }
    for (const { path: sub, child, descends } of children(schema)) {
      const next = descends ? refs.map((entry) => ({ ...entry, descended: true })) : refs;
      if (!walk(child, `${path}.${sub}`, next)) return false;
    }
    return true;
  };
  walk(root, 'schema', []);
}

/** A local JSON pointer (`#/definitions/x`); anything else ajv resolves (or refuses) itself. */
function resolvePointer(root: Schema, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isSchema(node)) return undefined;
    node = node[key];
  }
  return node;
}
