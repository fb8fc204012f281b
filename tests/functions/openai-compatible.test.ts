/**
 * OpenAI-compatible routes driven by real client libraries, against the local host: the `openai` package's
 * OpenAI client (its own agent loop included) and the AI SDK's OpenAI-compatible provider.
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';
import OpenAI from 'openai';
import { z } from 'zod';

import { getJson, startTestStack, type TestStack } from '../support/test-stack';

const EXAMPLE =
  'will a 32-year-old business traveller with seat comfort 4, cleanliness 5, 10 minutes departure delay be satisfied?';
const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: {
      type: 'object' as const,
      properties: { city: { type: 'string' as const } },
      required: ['city'],
    },
  },
};

describe('the OpenAI-compatible API', () => {
  let stack: TestStack;
  let base: string;
  let client: OpenAI;

  beforeAll(async () => {
    stack = await startTestStack();
    base = (await stack.startHost()).url;
    client = new OpenAI({ baseURL: `${base}/api/openai/v1`, apiKey: 'not-used-locally', maxRetries: 0 });
  });
  afterAll(() => stack.stop());

  describe('with the openai package', () => {
    it('when a completion is asked for, then it is a chat.completion with the answer and its usage', async () => {
      const completion = await client.chat.completions.create({
        model: 'chat',
        messages: [{ role: 'user', content: 'Hello' }],
      });
      expect(completion.object).toBe('chat.completion');
      expect(completion.id).toMatch(/^chatcmpl-/);
      expect(completion.choices[0]?.message).toMatchObject({
        role: 'assistant',
        content: 'Simulated answer: Hello',
      });
      expect(completion.choices[0]?.finish_reason).toBe('stop');
      expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    });

    it('when it is streamed with include_usage, then chunks carry the text and the last one the usage', async () => {
      const stream = await client.chat.completions.create({
        model: 'chat',
        stream: true,
        stream_options: { include_usage: true },
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'tell me about streaming' },
        ],
      });
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);
      const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
      expect(text).toBe('Simulated answer: tell me about streaming');
      expect(chunks.filter((chunk) => (chunk.choices[0]?.delta.content ?? '') !== '').length).toBeGreaterThan(
        2,
      );
      expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
      expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
      expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: expect.any(Number) } });
    });

    it("when the server's own tool is needed, then it runs inside the turn and only the answer comes back", async () => {
      const completion = await client.chat.completions.create({
        model: 'chat',
        messages: [{ role: 'user', content: EXAMPLE }],
      });
      const message = completion.choices[0]?.message;
      expect(message?.tool_calls).toBeUndefined();
      expect(message?.content).toContain('predict_customer');
      expect(message?.content).toContain('satisfied');
    });

    it('when the client declares a tool, then the call comes back as tool_calls, and its result is answered', async () => {
      const messages: OpenAI.ChatCompletionMessageParam[] = [
        { role: 'user', content: 'weather in city: Paris' },
      ];
      const first = await client.chat.completions.create({ model: 'chat', messages, tools: [WEATHER_TOOL] });
      const choice = first.choices[0];
      expect(choice?.finish_reason).toBe('tool_calls');
      const call = choice?.message.tool_calls?.[0];
      expect(call?.type === 'function' ? call.function : undefined).toEqual({
        name: 'get_weather',
        arguments: '{"city":"Paris"}',
      });
      if (choice === undefined || call === undefined) throw new Error('no tool call');
      messages.push(choice.message, { role: 'tool', tool_call_id: call.id, content: '{"celsius":21}' });
      const second = await client.chat.completions.create({ model: 'chat', messages, tools: [WEATHER_TOOL] });
      expect(second.choices[0]?.finish_reason).toBe('stop');
      expect(second.choices[0]?.message.content).toBe('Summary of tool results: get_weather: {"celsius":21}');
    });

    it("when the client's own agent loop runs a tool (runTools), then the tool is called and the loop ends with the answer", async () => {
      const cities: string[] = [];
      const runner = client.chat.completions.runTools({
        model: 'chat',
        stream: true,
        messages: [{ role: 'user', content: 'weather in city: Oslo' }],
        tools: [
          {
            type: 'function',
            function: {
              name: 'get_weather',
              description: 'The weather in a city',
              parameters: WEATHER_TOOL.function.parameters,
              parse: (text: string) => z.object({ city: z.string() }).parse(JSON.parse(text)),
              function: ({ city }: { city: string }) => {
                cities.push(city);
                return { city, celsius: 4 };
              },
            },
          },
        ],
      });
      expect(await runner.finalContent()).toBe(
        'Summary of tool results: get_weather: {"city":"Oslo","celsius":4}',
      );
      expect(cities).toEqual(['Oslo']);
    });

    it('when the request is wrong, then the client throws the OpenAI error with its status, code, param and request id', async () => {
      const unknownModel = await client.chat.completions
        .create({ model: 'no-such-deployment', messages: [{ role: 'user', content: 'Hi' }] })
        .catch((error: unknown) => error);
      expect(unknownModel).toBeInstanceOf(OpenAI.NotFoundError);
      expect(unknownModel).toMatchObject({
        status: 404,
        code: 'model_not_found',
        param: 'model',
        type: 'invalid_request_error',
      });
      expect((unknownModel as InstanceType<typeof OpenAI.APIError>).requestID).toEqual(expect.any(String));

      const badRole = await client.chat.completions
        .create({ model: 'chat', messages: [{ role: 'tool', tool_call_id: 'call_x', content: 'orphan' }] })
        .catch((error: unknown) => error);
      expect(badRole).toBeInstanceOf(OpenAI.BadRequestError);
      expect(badRole).toMatchObject({ status: 400, code: 'validation_error', param: 'messages.0' });
    });

    it('when the models are listed, then they are the deployments a request may name', async () => {
      const models = [];
      for await (const model of client.models.list()) models.push(model.id);
      expect(models).toEqual(['chat']);
    });

    it('when X-Conversation-Id is sent, then the turns are stored in that conversation, and without it nothing is', async () => {
      const before = await getJson(`${base}/api/conversations?pageSize=100`);
      const count = (body: unknown) =>
        z.object({ conversations: z.array(z.unknown()) }).parse(body).conversations.length;
      await client.chat.completions.create({
        model: 'chat',
        messages: [{ role: 'user', content: 'stateless' }],
      });
      expect(count((await getJson(`${base}/api/conversations?pageSize=100`)).body)).toBe(count(before.body));

      const options = { headers: { 'X-Conversation-Id': 'openai-conversation-1' } };
      const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'first question' }];
      const first = await client.chat.completions.create({ model: 'chat', messages }, options);
      messages.push({ role: 'assistant', content: first.choices[0]?.message.content ?? '' });
      messages.push({ role: 'user', content: 'second question' });
      const { data, response } = await client.chat.completions
        .create({ model: 'chat', messages }, options)
        .withResponse();
      expect(data.choices[0]?.message.content).toBe('Simulated answer: second question');
      expect(response.headers.get('x-conversation-id')).toBe('openai-conversation-1');
      const stored = await getJson(`${base}/api/conversations/openai-conversation-1`);
      expect(
        z
          .object({ messages: z.array(z.object({ role: z.string(), content: z.string() })) })
          .parse(stored.body).messages,
      ).toEqual([
        expect.objectContaining({ role: 'user', content: 'first question' }),
        expect.objectContaining({ role: 'assistant', content: 'Simulated answer: first question' }),
        expect.objectContaining({ role: 'user', content: 'second question' }),
        expect.objectContaining({ role: 'assistant', content: 'Simulated answer: second question' }),
      ]);
    });
  });

  describe("with the AI SDK's OpenAI-compatible provider", () => {
    const provider = () => createOpenAICompatible({ name: 'backend', baseURL: `${base}/api/openai/v1` });

    it('when generateText and streamText are used, then both get the whole answer', async () => {
      const generated = await generateText({ model: provider()('chat'), prompt: 'Hello SDK', maxRetries: 0 });
      expect(generated.text).toBe('Simulated answer: Hello SDK');
      expect(generated.finishReason).toBe('stop');
      const streamed = streamText({ model: provider()('chat'), prompt: 'Hello stream', maxRetries: 0 });
      const parts: string[] = [];
      for await (const part of streamed.textStream) parts.push(part);
      expect(parts.join('')).toBe('Simulated answer: Hello stream');
      expect(parts.length).toBeGreaterThan(2);
    });

    it('when the SDK runs its own tool over several steps, then the tool is called and the final text answers it', async () => {
      const result = await generateText({
        model: provider()('chat'),
        prompt: 'weather in city: Rome',
        maxRetries: 0,
        stopWhen: stepCountIs(3),
        tools: {
          get_weather: tool({
            description: 'The weather in a city',
            inputSchema: jsonSchema<{ city: string }>(WEATHER_TOOL.function.parameters),
            execute: ({ city }) => Promise.resolve({ city, celsius: 25 }),
          }),
        },
      });
      expect(result.steps.length).toBe(2);
      expect(result.steps[0]?.toolCalls.map((call) => call.input)).toEqual([{ city: 'Rome' }]);
      expect(result.text).toBe('Summary of tool results: get_weather: {"city":"Rome","celsius":25}');
    });
  });
});
