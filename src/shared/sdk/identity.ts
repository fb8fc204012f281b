// eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/no-unsafe-assignment -- see ../lazy-modules.ts
export const identity: typeof import('@azure/identity') = require('@azure/identity');
