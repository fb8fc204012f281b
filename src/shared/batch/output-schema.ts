import type Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';

import { ValidationError } from '../errors';
import { loadAjv } from '../lazy-modules';
import { isLinearRegex, linearRegExp } from './linear-regexp';
import { refusedKeywords } from './schema-keywords';
import { checkSchemaLimits } from './schema-limits';

const MAX_SCHEMA_CHARS = 32_000;
let ajv: Ajv | undefined;
// Loaded on first use: ajv costs about 40 ms at import, and most invocations never need it.
const getAjv = (): Ajv => {
  if (ajv !== undefined) return ajv;
  ajv = new (loadAjv())({
    allErrors: true,
    strict: false,
    // Every regular expression of a user's schema runs on RE2 (linear time), never on RegExp.
    code: { regExp: linearRegExp },
    // ajv would otherwise test `properties` names against each patternProperties with RegExp.
    allowMatchingProperties: true,
    // Each $ref stays a function call: inlining could multiply the generated code.
    inlineRefs: false,
  });
  ajv.addFormat('regex', { type: 'string', validate: isLinearRegex });
  return ajv;
};

/**
 * Checks that a submitted JSON Schema is valid (with ajv, against its meta-schema), describes an object,
 * is of a reasonable size and complexity (`SCHEMA_LIMITS`), and that its regular expressions run on RE2;
 * returns its compiled validator.
 */
export function compileOutputSchema(schema: Record<string, unknown>): ValidateFunction {
  if (JSON.stringify(schema).length > MAX_SCHEMA_CHARS) {
    throw new ValidationError(`The schema is larger than ${MAX_SCHEMA_CHARS} characters`, [
      { path: 'schema', message: 'too large' },
    ]);
  }
  if (schema.type !== 'object') {
    throw new ValidationError('The schema must describe an object ("type": "object")', [
      { path: 'schema.type', message: 'must be "object"' },
    ]);
  }
  const refused = refusedKeywords(schema);
  if (refused.length > 0) {
    throw new ValidationError(
      `The schema uses keywords that change how validation runs, which are not accepted: ${[...new Set(refused.map((entry) => entry.split(': ')[1]))].join(', ')}`,
      refused.map((entry) => {
        const [path = 'schema', keyword = ''] = entry.split(': ');
        return { path, message: `${keyword} is not accepted` };
      }),
      'invalid_schema',
    );
  }
  checkSchemaLimits(schema);
  const validator = getAjv();
  let valid: boolean;
  try {
    valid = validator.validateSchema(schema) === true;
  } catch (error) {
    // ajv throws for a "$schema" it does not know (draft-04, 2020-12, anything else).
    throw new ValidationError(
      `The schema cannot be checked: ${error instanceof Error ? error.message : 'unknown meta-schema'}; use draft-07 or leave "$schema" out`,
      [{ path: 'schema.$schema', message: 'unsupported meta-schema' }],
      'invalid_schema',
    );
  }
  if (!valid) {
    const details = (validator.errors ?? []).slice(0, 10).map((error) => ({
      path: `schema${error.instancePath.replaceAll('/', '.')}`,
      message: error.message ?? 'invalid',
    }));
    throw new ValidationError('The schema is not a valid JSON Schema', details, 'invalid_schema');
  }
  try {
    // Compiled without its $id and dropped from ajv's cache at once: a second job (or worker) reusing a
    // schema file with an $id must not clash, and a long-running process must not keep every schema.
    const { $id: _id, ...anonymous } = schema;
    const validate = validator.compile(anonymous);
    validator.removeSchema(anonymous);
    return validate;
  } catch (error) {
    throw new ValidationError(
      `The schema cannot be used: ${error instanceof Error ? error.message : 'invalid'}`,
      undefined,
      'invalid_schema',
    );
  }
}

/** ajv's errors as short sentences the model can act on. */
export function describeSchemaErrors(validate: ValidateFunction): string[] {
  return (validate.errors ?? [])
    .slice(0, 10)
    .map((error) => `${error.instancePath || '(root)'} ${error.message ?? 'is invalid'}`);
}
