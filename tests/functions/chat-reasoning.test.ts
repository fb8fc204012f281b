import { getJson, startTestStack, type TestStack } from '../support/test-stack';

/**
 * The measured defects of issue 12, against a deployment that behaves as a GPT-5-family model does on
 * Azure today: every chat and completion failed with 502 at the default settings, and with a newer
 * api-version every request that set maxTokens or temperature still did.
 */
async function post(base: string, path: string, body: unknown) {
  return getJson(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('a reasoning deployment through the local host (measured defects)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ model: { deployments: ['chat:reasoning'] } });
  });
  afterAll(() => stack.stop());

  describe('with the default settings', () => {
    let base: string;
    beforeAll(async () => {
      base = (await stack.startHost()).url;
    });
    afterAll(() => stack.host().stop());

    it('when a chat message and a completion are sent, then both answer 200', async () => {
      const chat = await post(base, '/api/chat', { message: 'Hello there' });
      const completion = await post(base, '/api/completions', { prompt: 'What is an orange?' });

      expect([chat.status, completion.status]).toEqual([200, 200]);
    });
  });

  describe('with a dated api-version new enough for reasoning models', () => {
    let base: string;
    beforeAll(async () => {
      base = (await stack.startHost({ AZURE_OPENAI_API_VERSION: '2025-04-01-preview' })).url;
    });
    afterAll(() => stack.host().stop());

    it.each([
      ['chat with maxTokens', '/api/chat', { message: 'Hello', maxTokens: 500 }],
      ['chat with temperature', '/api/chat', { message: 'Hello', temperature: 0.7 }],
      ['completions with maxTokens', '/api/completions', { prompt: 'Hello', maxTokens: 500 }],
      ['completions with temperature', '/api/completions', { prompt: 'Hello', temperature: 0.7 }],
    ])('when %s is sent, then it answers 200', async (_name, path, body) => {
      const { status } = await post(base, path, body);

      expect(status).toBe(200);
    });
  });
});
