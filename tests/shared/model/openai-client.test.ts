import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { endpointStyle, lazyOpenAIClient } from '../../../src/shared/model/openai-client';

/** A local server that records what each request looked like and answers a minimal completion. */
interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

let server: Server;
let endpoint: string;
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      seen.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
      });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id: 'chatcmpl-1',
          object: 'chat.completion',
          created: 0,
          model: 'gpt-5.4-mini-2026-03-17',
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'OK' } }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  seen.length = 0;
});

const ask = async (client: ReturnType<ReturnType<typeof lazyOpenAIClient>>) =>
  (await client).chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'Hi' }] });

describe('the client the app talks to Azure OpenAI with', () => {
  it('when no api-version is set (v1) and no key, then it posts to /openai/v1/ with a fresh Entra token as Bearer and the deployment as model', async () => {
    let issued = 0;
    const client = lazyOpenAIClient({
      endpoint,
      apiVersion: 'v1',
      timeoutMs: 5_000,
      tokenProvider: () => Promise.resolve(`entra-token-${++issued}`),
    })();

    await ask(client);
    await ask(client);

    expect(seen.map((request) => request.url)).toEqual([
      '/openai/v1/chat/completions',
      '/openai/v1/chat/completions',
    ]);
    expect(seen.map((request) => request.headers.authorization)).toEqual([
      'Bearer entra-token-1',
      'Bearer entra-token-2',
    ]);
    expect(seen[0]?.headers['api-key']).toBeUndefined();
    expect(seen[0]?.body.model).toBe('chat');
  });

  it('when a key is set on v1, then it goes in the api-key header and no Authorization header is sent', async () => {
    const client = lazyOpenAIClient({ endpoint, apiVersion: 'v1', timeoutMs: 5_000, apiKey: 'key-1234' })();

    await ask(client);

    expect(seen[0]?.headers['api-key']).toBe('key-1234');
    expect(seen[0]?.headers.authorization).toBeUndefined();
  });

  it('when a dated api-version is set, then it uses the classic deployment path with that api-version', async () => {
    const client = lazyOpenAIClient({
      endpoint,
      apiVersion: '2025-04-01-preview',
      timeoutMs: 5_000,
      apiKey: 'key-1234',
    })();

    await ask(client);

    expect(seen[0]?.url).toBe('/openai/deployments/chat/chat/completions?api-version=2025-04-01-preview');
    expect(seen[0]?.headers['api-key']).toBe('key-1234');
  });

  it('when the style is described, then v1 names its base URL and classic its api-version', () => {
    expect(endpointStyle('https://x.openai.azure.com/', 'v1')).toEqual({
      style: 'v1',
      baseUrl: 'https://x.openai.azure.com/openai/v1/',
    });
    expect(endpointStyle('https://x.openai.azure.com', '2025-04-01-preview')).toEqual({
      style: 'classic',
      apiVersion: '2025-04-01-preview',
    });
  });
});
