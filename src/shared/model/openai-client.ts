import type { OpenAI } from 'openai';

import { once } from '../lazy';
import { loadOpenAI } from '../lazy-modules';

export interface OpenAIClientOptions {
  /** https://<resource>.openai.azure.com, no trailing slash. */
  readonly endpoint: string;
  /** `v1`, or a dated api-version for the classic /openai/deployments/<name>/ path. */
  readonly apiVersion: string;
  readonly timeoutMs: number;
  /** Key auth; without it, `tokenProvider` gives Microsoft Entra tokens. */
  readonly apiKey?: string;
  readonly tokenProvider?: () => Promise<string>;
}

/** Where the app calls Azure OpenAI: the v1 API, or the classic per-deployment path with an api-version. */
export type EndpointStyle =
  | { readonly style: 'v1'; readonly baseUrl: string }
  | { readonly style: 'classic'; readonly apiVersion: string };

export function endpointStyle(endpoint: string, apiVersion: string): EndpointStyle {
  return apiVersion === 'v1'
    ? { style: 'v1', baseUrl: `${endpoint.replace(/\/+$/, '')}/openai/v1/` }
    : { style: 'classic', apiVersion };
}

/** "the v1 API (https://x.openai.azure.com/openai/v1/)" or "the classic path, api-version 2025-04-01-preview". */
export function describeEndpointStyle(style: EndpointStyle): string {
  return style.style === 'v1'
    ? `the v1 API (${style.baseUrl})`
    : `the classic path, api-version ${style.apiVersion}`;
}

/**
 * The process's client, built on first use: the `openai` package's `OpenAI` on the v1 API (base URL
 * <endpoint>/openai/v1/, the deployment as `model`), or `AzureOpenAI` on the classic path when a dated
 * api-version is configured. Its own retries are off: the models that use it retry in one layer, each
 * with its own policy. A key goes in the `api-key` header on both; without one, the token provider's
 * Microsoft Entra token goes as `Authorization: Bearer`, refreshed before each request.
 */
export function lazyOpenAIClient(options: OpenAIClientOptions): () => Promise<OpenAI> {
  return once(() => createClient(options));
}

async function createClient(options: OpenAIClientOptions): Promise<OpenAI> {
  const { OpenAI: V1Client, AzureOpenAI } = await loadOpenAI();
  const style = endpointStyle(options.endpoint, options.apiVersion);
  const common = { timeout: options.timeoutMs, maxRetries: 0 };
  if (style.style === 'classic') {
    const auth =
      options.apiKey !== undefined
        ? { apiKey: options.apiKey }
        : { azureADTokenProvider: options.tokenProvider ?? missingCredential };
    return new AzureOpenAI({ endpoint: options.endpoint, apiVersion: style.apiVersion, ...common, ...auth });
  }
  // Nothing is read from OPENAI_* environment variables: organization and project are set, to none.
  const identity = { organization: null, project: null, baseURL: style.baseUrl, ...common };
  return options.apiKey !== undefined
    ? new V1Client({
        ...identity,
        apiKey: options.apiKey,
        defaultHeaders: { 'api-key': options.apiKey, Authorization: null },
      })
    : new V1Client({ ...identity, apiKey: options.tokenProvider ?? missingCredential });
}

function missingCredential(): Promise<string> {
  return Promise.reject(new Error('CredentialUnavailable: no token provider configured'));
}
