/**
 * Structured outputs take a subset of JSON Schema (Azure OpenAI, "JSON Schema support and
 * limitations"): every object closed and listing all its properties as required; types, enum, const,
 * anyOf (not at the root), $defs/$ref and descriptions; at most 5 levels of nesting and 100 properties.
 * A job schema is sent strict when it fits, or when these transformations make it fit without changing
 * which outputs are valid:
 * - an object that does not set `additionalProperties` (or sets it true) is closed: the output is then
 *   one the original schema accepts, with no property it did not ask for;
 * - an optional property becomes required with `null` added to its type, and those nulls are removed
 *   from the output before it is validated against the original schema;
 * - annotations that do not constrain values (title, default, examples, $comment, $schema, $id,
 *   deprecated, readOnly, writeOnly) are dropped.
 * Anything else (minLength, pattern, format, minimum, oneOf, allOf, patternProperties, an object that
 * is a map, a value of any type ...) would change the meaning: the job runs non-strict, validated.
 */
export type StrictPlan =
  | { readonly strict: true; readonly schema: Record<string, unknown>; readonly transformations: string[] }
  | { readonly strict: false; readonly reason: string };

type Node = Record<string, unknown>;

const KEPT = new Set(['type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const']);
const STRUCTURAL = new Set(['anyOf', '$ref', '$defs', 'description']);
const ANNOTATIONS = new Set([
  'title',
  'default',
  'examples',
  '$comment',
  '$schema',
  '$id',
  'deprecated',
  'readOnly',
  'writeOnly',
]);
const MAX_DEPTH = 5;
const MAX_PROPERTIES = 100;

class NotStrict extends Error {}

const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const typesOf = (node: Node): unknown[] => (Array.isArray(node.type) ? node.type : [node.type]);
const where = (path: string) => (path === '' ? '(root)' : path);

/** Whether the schema (not a $ref) already accepts null. */
export function allowsNull(node: Node): boolean {
  return (
    typesOf(node).includes('null') ||
    (Array.isArray(node.enum) && node.enum.includes(null)) ||
    (Array.isArray(node.anyOf) && node.anyOf.some((branch) => isNode(branch) && allowsNull(branch)))
  );
}

/** The strict version of a job schema, with what was changed, or why it cannot be sent strict. */
export function toStrictSchema(schema: Record<string, unknown>): StrictPlan {
  const notes: Notes = { closed: [], nullable: [], dropped: new Set(), properties: 0 };
  try {
    const converted = convert(schema, '', 0, notes, false);
    const transformations = [
      ...(notes.closed.length === 0
        ? []
        : [`additionalProperties: false set on ${notes.closed.map(where).join(', ')}`]),
      ...(notes.nullable.length === 0
        ? []
        : [
            `optional properties made required and nullable, their nulls removed from the output: ${notes.nullable.join(', ')}`,
          ]),
      ...(notes.dropped.size === 0 ? [] : [`annotations dropped: ${[...notes.dropped].join(', ')}`]),
    ];
    return { strict: true, schema: converted, transformations };
  } catch (error) {
    if (error instanceof NotStrict) return { strict: false, reason: error.message };
    throw error;
  }
}

function convert(node: unknown, path: string, depth: number, notes: Notes, inAnyOf: boolean): Node {
  if (!isNode(node)) throw new NotStrict(`${where(path)} is not a schema object`);
  const out: Node = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (ANNOTATIONS.has(keyword)) notes.dropped.add(keyword);
    else if (KEPT.has(keyword) || STRUCTURAL.has(keyword)) out[keyword] = value;
    else throw new NotStrict(`'${keyword}' at ${where(path)} is outside the structured-outputs subset`);
  }
  if (path === '' && out.anyOf !== undefined) throw new NotStrict('the root may not be anyOf');
  if (out.type === undefined && !['enum', 'const', 'anyOf', '$ref'].some((k) => out[k] !== undefined)) {
    throw new NotStrict(`${where(path)} accepts a value of any type`);
  }
  if (isNode(out.$defs)) {
    out.$defs = Object.fromEntries(
      Object.entries(out.$defs).map(([name, def]) => [name, convert(def, `$defs.${name}`, 0, notes, false)]),
    );
  }
  if (Array.isArray(out.anyOf)) {
    out.anyOf = out.anyOf.map((branch, index) =>
      convert(branch, `${path}[anyOf ${index}]`, depth, notes, true),
    );
  }
  if (out.items !== undefined) out.items = convert(out.items, `${path}[]`, depth, notes, inAnyOf);
  if (typesOf(out).includes('object') || out.properties !== undefined)
    closeObject(out, path, depth, notes, inAnyOf);
  return out;
}

type Notes = { closed: string[]; nullable: string[]; dropped: Set<string>; properties: number };

function closeObject(out: Node, path: string, depth: number, notes: Notes, inAnyOf: boolean): void {
  if (depth >= MAX_DEPTH)
    throw new NotStrict(`objects nest deeper than ${MAX_DEPTH} levels at ${where(path)}`);
  const properties = isNode(out.properties) ? out.properties : {};
  const names = Object.keys(properties);
  notes.properties += names.length;
  if (notes.properties > MAX_PROPERTIES) throw new NotStrict(`more than ${MAX_PROPERTIES} properties in all`);
  if (out.additionalProperties === false) {
    // closed already
  } else if (out.additionalProperties === undefined || out.additionalProperties === true) {
    if (names.length === 0) throw new NotStrict(`${where(path)} is an object of any properties`);
    out.additionalProperties = false;
    notes.closed.push(path);
  } else {
    throw new NotStrict(`${where(path)} is a map (additionalProperties is a schema)`);
  }
  const required = Array.isArray(out.required) ? out.required.filter((name) => typeof name === 'string') : [];
  const converted: Node = {};
  for (const name of names) {
    const childPath = path === '' ? name : `${path}.${name}`;
    let child = convert(properties[name], childPath, depth + 1, notes, inAnyOf);
    if (!required.includes(name) && !allowsNull(child)) {
      if (inAnyOf) throw new NotStrict(`optional property ${childPath} inside anyOf`);
      child = withNull(child);
      notes.nullable.push(childPath);
    }
    converted[name] = child;
  }
  out.properties = converted;
  out.required = names;
}

function withNull(node: Node): Node {
  if (
    node.type === undefined ||
    node.$ref !== undefined ||
    node.const !== undefined ||
    node.anyOf !== undefined
  ) {
    const { description, ...rest } = node;
    return { ...(description === undefined ? {} : { description }), anyOf: [rest, { type: 'null' }] };
  }
  const next: Node = { ...node, type: [...typesOf(node).filter((type) => type !== undefined), 'null'] };
  const values: unknown = node.enum;
  if (Array.isArray(values)) next.enum = [...values.map((value: unknown) => value), null];
  return next;
}

/**
 * Removes the nulls a strict call put in properties the original schema leaves optional (and does not
 * allow to be null), so the output is validated against the schema the user wrote.
 */
export function withoutAddedNulls(schema: Record<string, unknown>, value: unknown): unknown {
  return restore(schema, value, schema, 0);
}

function restore(node: unknown, value: unknown, root: Node, hops: number): unknown {
  if (!isNode(node) || hops > 64) return value;
  if (typeof node.$ref === 'string') return restore(resolve(node.$ref, root), value, root, hops + 1);
  if (Array.isArray(value) && node.items !== undefined) {
    return value.map((item) => restore(node.items, item, root, hops + 1));
  }
  if (!isNode(value) || !isNode(node.properties)) return value;
  const required = Array.isArray(node.required) ? node.required : [];
  const out: Node = {};
  for (const [name, item] of Object.entries(value)) {
    const property: unknown = node.properties[name];
    const target =
      isNode(property) && typeof property.$ref === 'string' ? resolve(property.$ref, root) : property;
    const addedNull = item === null && !required.includes(name) && isNode(target) && !allowsNull(target);
    if (!addedNull) out[name] = restore(property, item, root, hops + 1);
  }
  return out;
}

function resolve(ref: string, root: Node): unknown {
  if (ref === '#') return root;
  const name = /^#\/\$defs\/([^/]+)$/.exec(ref)?.[1];
  return name === undefined || !isNode(root.$defs) ? undefined : root.$defs[name];
}
