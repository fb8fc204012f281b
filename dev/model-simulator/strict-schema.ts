// The structured-outputs subset (Azure OpenAI "JSON Schema support and limitations"): these keywords are
// refused in a strict function's schema.
const UNSUPPORTED = [
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'patternProperties',
  'unevaluatedProperties',
  'propertyNames',
  'minProperties',
  'maxProperties',
  'unevaluatedItems',
  'contains',
  'minContains',
  'maxContains',
  'minItems',
  'maxItems',
  'uniqueItems',
  'allOf',
  'oneOf',
  'not',
  'if',
  'then',
  'else',
];

type Context = readonly string[];

const contextOf = (path: Context) => `(${path.map((part) => `'${part}'`).join(', ')})`;

/**
 * The first reason a strict function's parameters fall outside the subset, in OpenAI's wording, or
 * undefined when they fit: every object closed with `additionalProperties: false` and listing every
 * property in `required`, no unsupported keyword, and an object (not anyOf) at the root.
 */
export function strictSchemaProblem(schema: Readonly<Record<string, unknown>>): string | undefined {
  if (schema.type !== 'object') return 'In context=(), schema must be a JSON Schema of \'type: "object"\'.';
  return check(schema, []);
}

function check(schema: unknown, path: Context): string | undefined {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return undefined;
  const node: Record<string, unknown> = Object.fromEntries(Object.entries(schema));
  const keyword = UNSUPPORTED.find((name) => Object.hasOwn(node, name));
  if (keyword !== undefined) return `In context=${contextOf(path)}, '${keyword}' is not permitted.`;
  const types = Array.isArray(node.type) ? node.type : [node.type];
  if (types.includes('object') || node.properties !== undefined) {
    if (node.additionalProperties !== false) {
      return `In context=${contextOf(path)}, 'additionalProperties' is required to be supplied and to be false.`;
    }
    const properties = entriesOf(node.properties).map(([name]) => name);
    const required: unknown[] = Array.isArray(node.required) ? node.required : [];
    const missing = properties.find((name) => !required.includes(name));
    if (missing !== undefined) {
      return `In context=${contextOf(path)}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`;
    }
  }
  const children: [Context, unknown][] = [
    ...entriesOf(node.properties).map(([name, child]): [Context, unknown] => [['properties', name], child]),
    ...entriesOf(node.$defs).map(([name, child]): [Context, unknown] => [['$defs', name], child]),
    ...(node.items === undefined ? [] : [[['items'], node.items] as [Context, unknown]]),
    ...(Array.isArray(node.anyOf) ? node.anyOf : []).map((child: unknown, index): [Context, unknown] => [
      ['anyOf', String(index)],
      child,
    ]),
  ];
  for (const [parts, child] of children) {
    const problem = check(child, [...path, ...parts]);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function entriesOf(value: unknown): [string, unknown][] {
  return typeof value === 'object' && value !== null ? Object.entries(value) : [];
}
