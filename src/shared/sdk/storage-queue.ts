// eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/no-unsafe-assignment -- see ../lazy-modules.ts
export const storageQueue: typeof import('@azure/storage-queue') = require('@azure/storage-queue');
