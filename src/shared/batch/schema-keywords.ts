/**
 * Keywords that change how ajv runs a validation rather than what it accepts: `$async` makes the validator
 * return a Promise (every output would "pass", and a rejected Promise would go unhandled), `$data` reads
 * values from the data being validated, and the dynamic and recursive references of later drafts resolve
 * at validation time. A submitted schema may use none of them.
 */
const REFUSED = new Set([
  '$async',
  '$data',
  '$dynamicRef',
  '$dynamicAnchor',
  '$recursiveRef',
  '$recursiveAnchor',
  '$vocabulary',
]);

// Maps whose keys are names (of properties, definitions), not keywords; and keywords whose values are data.
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas']);
const DATA = new Set(['enum', 'const', 'default', 'examples', 'required']);
const MAX_DEPTH = 64;

/** Each refused keyword the schema uses, as `<path>: <keyword>` (at most 10), e.g. `schema.properties.x: $async`. */
export function refusedKeywords(schema: unknown): string[] {
  const found: string[] = [];
  const visit = (node: unknown, path: string, depth: number): void => {
    if (found.length >= 10 || typeof node !== 'object' || node === null) return;
    // Deeper than any schema needs: refused rather than left unchecked.
    if (depth > MAX_DEPTH) {
      found.push(`${path}: nesting over ${MAX_DEPTH} levels`);
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, index) => {
        visit(item, `${path}.${index}`, depth + 1);
      });
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      if (REFUSED.has(key)) found.push(`${path}: ${key}`);
      if (DATA.has(key)) continue;
      if (SCHEMA_MAPS.has(key) && isRecord(value)) {
        for (const [name, child] of Object.entries(value)) visit(child, `${path}.${key}.${name}`, depth + 1);
      } else {
        // Any other keyword's value may be a schema, or hold one ($data hides in a keyword's value).
        visit(value, `${path}.${key}`, depth + 1);
      }
    }
  };
  visit(schema, 'schema', 0);
  return found.slice(0, 10);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
