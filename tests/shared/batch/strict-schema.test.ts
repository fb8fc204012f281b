import { compileOutputSchema } from '../../../src/shared/batch/output-schema';
import { toStrictSchema, withoutAddedNulls } from '../../../src/shared/batch/strict-schema';

const company = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Company',
  type: 'object',
  properties: {
    company_name: { type: 'string', description: 'Full name' },
    stock_symbol: { type: 'string' },
    ceo: {
      type: 'object',
      properties: { name: { type: 'string' }, since: { type: 'integer' } },
      required: ['name'],
    },
    tags: { type: 'array', items: { type: 'string', enum: ['tech', 'retail'] } },
  },
  required: ['company_name', 'stock_symbol', 'ceo'],
};

describe('toStrictSchema', () => {
  it('when a schema needs only meaning-preserving changes, then it is strict and says which', () => {
    const plan = toStrictSchema(company);
    if (!plan.strict) throw new Error(plan.reason);

    expect(plan.schema).toEqual({
      type: 'object',
      properties: {
        company_name: { type: 'string', description: 'Full name' },
        stock_symbol: { type: 'string' },
        ceo: {
          type: 'object',
          properties: { name: { type: 'string' }, since: { type: ['integer', 'null'] } },
          required: ['name', 'since'],
          additionalProperties: false,
        },
        tags: { type: ['array', 'null'], items: { type: 'string', enum: ['tech', 'retail'] } },
      },
      required: ['company_name', 'stock_symbol', 'ceo', 'tags'],
      additionalProperties: false,
    });
    expect(plan.transformations).toEqual([
      'additionalProperties: false set on (root), ceo',
      'optional properties made required and nullable, their nulls removed from the output: ceo.since, tags',
      'annotations dropped: $schema, title',
    ]);
  });

  it('when an optional property is an enum, a const or a $ref, then null joins it without changing the rest', () => {
    const plan = toStrictSchema({
      type: 'object',
      properties: {
        size: { enum: ['s', 'm'] },
        kind: { const: 'company' },
        next: { $ref: '#/$defs/node' },
      },
      $defs: { node: { type: 'object', properties: { v: { type: 'number' } }, required: ['v'] } },
      additionalProperties: false,
    });
    if (!plan.strict) throw new Error(plan.reason);

    expect(plan.schema.properties).toEqual({
      size: { anyOf: [{ enum: ['s', 'm'] }, { type: 'null' }] },
      kind: { anyOf: [{ const: 'company' }, { type: 'null' }] },
      next: { anyOf: [{ $ref: '#/$defs/node' }, { type: 'null' }] },
    });
    expect(plan.schema.$defs).toEqual({
      node: {
        type: 'object',
        properties: { v: { type: 'number' } },
        required: ['v'],
        additionalProperties: false,
      },
    });
  });

  it.each([
    ['a string length', { name: { type: 'string', minLength: 1 } }, "'minLength' at name"],
    ['a format', { day: { type: 'string', format: 'date' } }, "'format' at day"],
    ['a number bound', { n: { type: 'integer', minimum: 0 } }, "'minimum' at n"],
    ['oneOf', { n: { oneOf: [{ type: 'string' }, { type: 'number' }] } }, "'oneOf' at n"],
    ['a value of any type', { n: {} }, 'n accepts a value of any type'],
    ['a map', { m: { type: 'object', additionalProperties: { type: 'string' } } }, 'm is a map'],
    ['an object of any properties', { m: { type: 'object' } }, 'm is an object of any properties'],
  ])(
    'when the schema has %s, then it runs validated and the reason names it',
    (_name, properties, reason) => {
      const plan = toStrictSchema({ type: 'object', properties });
      expect(plan).toEqual({ strict: false, reason: expect.stringContaining(reason) });
    },
  );

  it('when objects nest deeper than five levels, then it runs validated', () => {
    let schema: Record<string, unknown> = { type: 'object', properties: { leaf: { type: 'string' } } };
    for (let level = 0; level < 5; level++) schema = { type: 'object', properties: { child: schema } };
    expect(toStrictSchema(schema)).toEqual({
      strict: false,
      reason: expect.stringContaining('deeper than 5'),
    });
  });
});

describe('withoutAddedNulls', () => {
  it('when strict output holds nulls for optional properties, then they are removed and the original schema accepts it', () => {
    const validate = compileOutputSchema(company);
    const output = {
      company_name: 'Contoso',
      stock_symbol: 'CTS',
      ceo: { name: 'Jane Doe', since: null },
      tags: null,
    };

    const restored = withoutAddedNulls(company, output);

    expect(validate(output)).toBe(false);
    expect(restored).toEqual({ company_name: 'Contoso', stock_symbol: 'CTS', ceo: { name: 'Jane Doe' } });
    expect(validate(restored)).toBe(true);
  });

  it('when a property already allows null, then its null stays', () => {
    const schema = { type: 'object', properties: { note: { type: ['string', 'null'] } } };
    expect(withoutAddedNulls(schema, { note: null })).toEqual({ note: null });
  });
});
