import { compileOutputSchema } from '../../../src/shared/batch/output-schema';

describe('compileOutputSchema', () => {
  const schema = {
    $id: 'https://example.test/company.json',
    type: 'object',
    properties: { name: { type: 'string' } },
    required: ['name'],
  };

  it('when two jobs use the same schema file with an $id, then both compile and validate', () => {
    const first = compileOutputSchema(structuredClone(schema));
    const second = compileOutputSchema(structuredClone(schema));
    expect(first({ name: 'Contoso' })).toBe(true);
    expect(second({})).toBe(false);
  });

  it('when the schema names a meta-schema ajv does not know, then it is a validation error, not a crash', () => {
    expect(() =>
      compileOutputSchema({ $schema: 'http://json-schema.org/draft-04/schema#', type: 'object' }),
    ).toThrow(/cannot be checked/);
  });

  it('when the schema does not describe an object, then it is refused', () => {
    expect(() => compileOutputSchema({ type: 'array' })).toThrow(/must describe an object/);
  });

  it.each([
    ['$async at the root', { $async: true, type: 'object' }, 'schema: $async'],
    [
      '$data inside a property',
      { type: 'object', properties: { max: { type: 'number' }, n: { maximum: { $data: '1/max' } } } },
      'schema.properties.n.maximum: $data',
    ],
    [
      '$async in an anyOf branch',
      { type: 'object', anyOf: [{ $async: true, properties: {} }] },
      'schema.anyOf.0: $async',
    ],
  ])(
    'when the schema has %s, then it is refused with a 400 that names the keyword',
    (_name, schema, where) => {
      let thrown: unknown;
      try {
        compileOutputSchema(schema);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ status: 400, code: 'invalid_schema' });
      const refused = thrown as { message: string; details: { path: string; message: string }[] };
      const [path, keyword = ''] = where.split(': ');
      expect(refused.message).toContain(keyword);
      expect(refused.details).toContainEqual({ path, message: `${keyword} is not accepted` });
    },
  );

  it('when a property is merely named like a keyword, then the schema is accepted', () => {
    const validate = compileOutputSchema({
      type: 'object',
      properties: { $async: { type: 'string' } },
      required: ['$async'],
    });
    expect(validate({ $async: 'yes' })).toBe(true);
  });
});
