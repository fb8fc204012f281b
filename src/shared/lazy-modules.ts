// Heavy SDKs are loaded on first use rather than at import, so a cold start on Flex Consumption pays
// only for what the first request needs. Each one sits in a module of its own under sdk/, which this
// file imports with `import()`: in the deployment bundle, each is a chunk of its own, read and compiled
// only when something first uses that SDK (a health check never reads the Cosmos DB SDK). The sdk/
// modules `require` their package (not `import`), so the build, the bundle and Jest all load its
// CommonJS build: one copy of each package and of what packages share (@azure/core-tracing, which the
// telemetry distro patches).

export const loadCosmos = () => import('./sdk/cosmos.js').then((module) => module.cosmos);
export const loadStorageQueue = () => import('./sdk/storage-queue.js').then((module) => module.storageQueue);
export const loadIdentity = () => import('./sdk/identity.js').then((module) => module.identity);
export const loadJose = () => import('./sdk/jose.js').then((module) => module.jose);

type OpenAIModule = typeof import('openai');
let openai: OpenAIModule | undefined;

export const loadOpenAI = async (): Promise<OpenAIModule> =>
  (openai ??= (await import('./sdk/openai.js')).openai);

/**
 * The openai package if something has loaded it, else undefined. An error can only be one of its
 * errors once it is loaded (the client that threw it loaded it), so classifying errors needs no load.
 */
export const loadedOpenAI = (): OpenAIModule | undefined => openai;

// Used inside synchronous code (a batch schema checked and compiled, its regular expressions compiled by
// ajv, a prompt counted token by token), so loaded with a plain `require` on first use.
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-member-access */
export const loadAjv = (): typeof import('ajv').default => require('ajv').default;
export const loadRe2 = (): typeof import('re2js') => require('re2js');
export const loadTokenizer = (): typeof import('gpt-tokenizer/encoding/o200k_base') =>
  require('gpt-tokenizer/encoding/o200k_base');
/* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-member-access */
