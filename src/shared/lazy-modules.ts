/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-member-access */
// Heavy SDKs are loaded on first use rather than at import, so a cold start on Flex Consumption
// pays only for what the first request needs. `require` (not `import()`) keeps the CommonJS build:
// a dynamic import would load the packages' ESM build as a second copy.

export const loadCosmos = (): typeof import('@azure/cosmos') => require('@azure/cosmos');
export const loadStorageQueue = (): typeof import('@azure/storage-queue') => require('@azure/storage-queue');
export const loadIdentity = (): typeof import('@azure/identity') => require('@azure/identity');
export const loadOpenAI = (): typeof import('openai') => require('openai');
export const loadJose = (): typeof import('jose') => require('jose');
export const loadAjv = (): typeof import('ajv').default => require('ajv').default;
export const loadRe2 = (): typeof import('re2js') => require('re2js');
export const loadTokenizer = (): typeof import('gpt-tokenizer/encoding/o200k_base') =>
  require('gpt-tokenizer/encoding/o200k_base');
