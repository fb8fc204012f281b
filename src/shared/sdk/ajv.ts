// eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access -- see ../lazy-modules.ts
export const Ajv: typeof import('ajv').default = require('ajv').default;
