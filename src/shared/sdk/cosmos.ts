// eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/no-unsafe-assignment -- see ../lazy-modules.ts
export const cosmos: typeof import('@azure/cosmos') = require('@azure/cosmos');
