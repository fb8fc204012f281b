import Ajv, { type ValidateFunction } from 'ajv';

import { ValidationError } from '../errors';

const MAX_SCHEMA_CHARS = 32_000;
const ajv = new Ajv({ allErrors: true, strict: false });

/**
 * Checks that a submitted JSON Schema is valid (with ajv, against its meta-schema), describes an object,
 * and is of a reasonable size; returns its compiled validator.
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
  if (!ajv.validateSchema(schema)) {
    const details = (ajv.errors ?? []).slice(0, 10).map((error) => ({
      path: `schema${error.instancePath.replaceAll('/', '.')}`,
      message: error.message ?? 'invalid',
    }));
    throw new ValidationError('The schema is not a valid JSON Schema', details, 'invalid_schema');
  }
  try {
    return ajv.compile(schema);
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
