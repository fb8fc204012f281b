import { compileOutputSchema } from '../../../src/shared/batch/output-schema';

describe('compileOutputSchema', () => {
  const schema = {
    $id: 'https://example.test/company.json',
    type: 'object',
    properties: { name: { type: 'string' } },
    required: ['name'],
  };

  it('when two jobs use the same schema file with an $id, then both compile and validate', async () => {
    const first = await compileOutputSchema(structuredClone(schema));
    const second = await compileOutputSchema(structuredClone(schema));
    expect(first({ name: 'Contoso' })).toBe(true);
    expect(second({})).toBe(false);
  });

  it('when the schema names a meta-schema ajv does not know, then it is a validation error, not a crash', async () => {
    await expect(
      compileOutputSchema({ $schema: 'http://json-schema.org/draft-04/schema#', type: 'object' }),
    ).rejects.toThrow(/cannot be checked/);
  });

  it('when the schema does not describe an object, then it is refused', async () => {
    await expect(compileOutputSchema({ type: 'array' })).rejects.toThrow(/must describe an object/);
  });
});
