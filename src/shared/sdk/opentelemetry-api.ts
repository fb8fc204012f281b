// eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/no-unsafe-assignment -- see ../lazy-modules.ts
export const opentelemetryApi: typeof import('@opentelemetry/api') = require('@opentelemetry/api');
