import { compileOutputSchema } from '../../../src/shared/batch/output-schema';
import { ValidationError } from '../../../src/shared/errors';

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

/** The ValidationError a schema is refused with, or undefined when it compiles. */
function refusal(schema: Record<string, unknown>): ValidationError | undefined {
  try {
    compileOutputSchema(schema);
    return undefined;
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
}

describe('regular expressions in batch schemas run on RE2', () => {
  // Each backtracks for seconds or more in RegExp on this input (2^n paths for the nested quantifiers).
  it.each([
    ['^(a+)+$', `${'a'.repeat(5_000)}-`],
    ['^(a|aa)+$', `${'a'.repeat(5_000)}-`],
    ['^(a|a?)+$', `${'a'.repeat(5_000)}-`],
    ['^(\\w+\\s?)*$', `${'word '.repeat(1_000)}word-`],
    ['(x+x+)+y', 'x'.repeat(5_000)],
  ])(
    'when %s meets a hostile 5,000-character value, then validation takes milliseconds',
    (pattern, value) => {
      const validate = compileOutputSchema({
        type: 'object',
        properties: { code: { type: 'string', pattern } },
      });
      const started = performance.now();
      expect(validate({ code: value })).toBe(false);
      expect(validate({ code: 'a' })).toBe(pattern === '(x+x+)+y' ? false : true);
      expect(performance.now() - started).toBeLessThan(200);
    },
  );

  it('when patternProperties backtrack on a hostile key, then validation is linear too', () => {
    const validate = compileOutputSchema({
      type: 'object',
      properties: { [`${'a'.repeat(30)}!`]: { type: 'string' } },
      patternProperties: { '^(a+)+$': { type: 'number' } },
    });
    const started = performance.now();
    expect(validate({ [`${'a'.repeat(30)}!`]: 'x', aaaa: 1 })).toBe(true);
    expect(validate({ aaaa: 'not a number' })).toBe(false);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('when two properties have different patterns, then each is checked with its own', () => {
    const validate = compileOutputSchema({
      type: 'object',
      properties: {
        digits: { type: 'string', pattern: '^[0-9]+$' },
        letters: { type: 'string', pattern: '^[a-z]+$' },
      },
    });
    expect(validate({ digits: '123', letters: 'abc' })).toBe(true);
    expect(validate({ digits: 'abc', letters: 'abc' })).toBe(false);
    expect(validate({ digits: '123', letters: '123' })).toBe(false);
  });

  it.each([
    ['a backreference', '(a)\\1'],
    ['a lookahead', '^(?=a)a$'],
    ['a lookbehind', '(?<=a)b'],
    ['broken syntax', '(unclosed'],
    ['a pattern over 1,000 characters', 'a'.repeat(1_001)],
  ])('when a pattern holds %s, then the schema is refused naming it', (_name, pattern) => {
    const error = refusal({ type: 'object', properties: { x: { type: 'string', pattern } } });
    expect(error?.code).toBe('invalid_schema');
    expect(error?.details?.[0]).toMatchObject({
      path: 'schema.properties.x.pattern',
      code: 'unsupported_pattern',
    });
    expect(error?.details?.[0]?.message).toContain('RE2');
  });

  it('when format is regex, then a value must be a regular expression RE2 accepts', () => {
    const validate = compileOutputSchema({
      type: 'object',
      properties: { rule: { type: 'string', format: 'regex' } },
    });
    expect(validate({ rule: '^[a-z]+$' })).toBe(true);
    expect(validate({ rule: '(a)\\1' })).toBe(false);
    expect(validate({ rule: 'x'.repeat(2_000) })).toBe(false);
  });
});

describe('schema complexity limits', () => {
  const many = (count: number, make: (index: number) => unknown) =>
    Object.fromEntries(Array.from({ length: count }, (_, index) => [`p${index}`, make(index)]));

  it('when a schema has more than 500 properties, then it is refused', () => {
    expect(refusal({ type: 'object', properties: many(501, () => ({})) })?.details?.[0]?.message).toMatch(
      /501 properties; at most 500/,
    );
    expect(refusal({ type: 'object', properties: many(500, () => ({})) })).toBeUndefined();
  });

  it('when a schema has more than 100 combinator branches, then it is refused', () => {
    const anyOf = Array.from({ length: 101 }, () => ({ type: 'string' }));
    expect(refusal({ type: 'object', properties: { x: { anyOf } } })?.details?.[0]?.message).toMatch(
      /101 combinators/,
    );
  });

  it('when $refs fan out into more than 10,000 subschemas (a "billion laughs"), then it is refused', () => {
    const definitions: Record<string, unknown> = { d0: { type: 'null' } };
    for (let level = 1; level <= 8; level++)
      definitions[`d${level}`] = {
        anyOf: Array.from({ length: 5 }, () => ({ $ref: `#/definitions/d${level - 1}` })),
      };
    const error = refusal({ type: 'object', definitions, properties: { x: { $ref: '#/definitions/d8' } } });
    expect(error?.details?.[0]?.message).toMatch(/expand to more than 10000/);
  });

  it('when a $ref loops without descending into the value, then it is refused; a recursive tree is fine', () => {
    const loop = refusal({
      type: 'object',
      definitions: { a: { anyOf: [{ $ref: '#/definitions/a' }] } },
      properties: { x: { $ref: '#/definitions/a' } },
    });
    expect(loop?.details?.[0]?.message).toMatch(/refers to itself/);
    const validate = compileOutputSchema({
      type: 'object',
      definitions: {
        node: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            children: { type: 'array', items: { $ref: '#/definitions/node' } },
          },
        },
      },
      properties: { root: { $ref: '#/definitions/node' } },
    });
    expect(validate({ root: { name: 'a', children: [{ name: 'b', children: [] }] } })).toBe(true);
    expect(validate({ root: { name: 1 } })).toBe(false);
  });
});
