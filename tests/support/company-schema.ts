/** The extraction schema of the batch tests: a company's name, stock symbol and head count. */
export const COMPANY_SCHEMA = {
  type: 'object',
  properties: {
    company_name: { type: 'string' },
    stock_symbol: { type: 'string' },
    employees: { type: 'integer' },
  },
  required: ['company_name', 'stock_symbol', 'employees'],
  additionalProperties: false,
};

/** The same with bounds on the values (a non-empty name, no negative head count). */
export const BOUNDED_COMPANY_SCHEMA = {
  ...COMPANY_SCHEMA,
  properties: {
    company_name: { type: 'string', minLength: 1 },
    stock_symbol: { type: 'string' },
    employees: { type: 'integer', minimum: 0 },
  },
};
