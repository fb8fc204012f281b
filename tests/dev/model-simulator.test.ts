import { AzureOpenAI, OpenAI } from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { z } from 'zod';

import { type ModelSimulator, startModelSimulator } from '../../dev/model-simulator';
import { errorOf } from '../support/api-error';

const API_KEY = 'local-key';
const API_VERSION = '2024-10-21';

let simulator: ModelSimulator;
let client: AzureOpenAI;

function azureClient(overrides: Partial<ConstructorParameters<typeof AzureOpenAI>[0]> = {}): AzureOpenAI {
  return new AzureOpenAI({
    endpoint: simulator.url,
    apiKey: API_KEY,
    apiVersion: API_VERSION,
    deployment: 'chat',
    maxRetries: 0,
    ...overrides,
  });
}

function tool(name: string, schema: z.ZodObject): ChatCompletionTool {
  return {
    type: 'function',
    function: { name, parameters: z.toJSONSchema(schema) },
  };
}

const traveller = z.object({
  age: z.number().int().min(0).max(120),
  travelType: z.enum(['Business travel', 'Personal Travel']),
});
const weather = z.object({ city: z.string() });
const user = (content: string): ChatCompletionMessageParam[] => [{ role: 'user', content }];

beforeAll(async () => {
  // These tests drive the classic path with a dated api-version: a classic deployment takes it.
  simulator = await startModelSimulator({ apiKey: API_KEY, deployments: ['chat:classic'] });
  client = azureClient();
});

afterAll(async () => {
  await simulator.close();
});

describe('plain answers', () => {
  test('when a user asks without tools, then the answer echoes the collapsed message with usage', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'chat', messages: user('  Hello\n there   world ') })
      .withResponse();

    expect(data.choices[0]?.message.content).toBe('Simulated answer: Hello there world');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.id).toMatch(/^chatcmpl-/);
    expect(data.object).toBe('chat.completion');
    expect(data.usage).toMatchObject({
      prompt_tokens: 6,
      completion_tokens: 5,
      total_tokens: 11,
      completion_tokens_details: { reasoning_tokens: 0 },
      prompt_tokens_details: { cached_tokens: 0 },
    });
    expect(data).toHaveProperty('prompt_filter_results.0.content_filter_results.hate', {
      filtered: false,
      severity: 'safe',
    });
    expect(response.headers.get('apim-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('x-request-id')).toBe(response.headers.get('apim-request-id'));
  });

  test('when a long message is asked, then the echo is cut to 200 characters', async () => {
    const completion = await client.chat.completions.create({
      model: 'chat',
      messages: user('x'.repeat(500)),
    });

    expect(completion.choices[0]?.message.content).toBe(`Simulated answer: ${'x'.repeat(200)}`);
  });

  test('when max_completion_tokens is below the answer, then the answer is cut there with finish_reason length', async () => {
    const completion = await client.chat.completions.create({
      model: 'chat',
      messages: user('one two three four'),
      max_completion_tokens: 3,
    });

    expect(completion.choices[0]?.message.content).toBe('Simulated answer: one');
    expect(completion.choices[0]?.finish_reason).toBe('length');
  });

  test('when the answer is streamed, then the deltas join into the non-streamed text, framed by Azure chunks', async () => {
    const messages = user('Stream this reply, please');
    const whole = await client.chat.completions.create({ model: 'chat', messages });
    const stream = await client.chat.completions.create({
      model: 'chat',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(whole.choices[0]?.message.content);
    expect(chunks[0]?.choices).toEqual([]);
    expect(chunks[0]).toHaveProperty('prompt_filter_results.0.prompt_index', 0);
    expect(chunks[1]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    const contentChunks = chunks.filter((chunk) => (chunk.choices[0]?.delta.content ?? '') !== '');
    expect(contentChunks.map((chunk) => chunk.choices[0]?.delta.content)).toEqual([
      'Simulated',
      ' answer:',
      ' Stream',
      ' this',
      ' reply,',
      ' please',
    ]);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage).toEqual(whole.usage);
  });

  test('when a stream is read raw, then it is text/event-stream without caching and ends with [DONE]', async () => {
    const response = await fetch(
      `${simulator.url}/openai/deployments/chat/chat/completions?api-version=${API_VERSION}`,
      {
        method: 'POST',
        headers: { 'api-key': API_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], stream: true }),
      },
    );
    const body = await response.text();

    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(body.startsWith('data: {')).toBe(true);
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(body).not.toContain('"usage"');
  });

  test('when the client signs in with a bearer token, then it is answered', async () => {
    const bearerClient = new AzureOpenAI({
      endpoint: simulator.url,
      azureADTokenProvider: () => Promise.resolve('token'),
      apiVersion: API_VERSION,
      deployment: 'chat',
      maxRetries: 0,
    });

    const completion = await bearerClient.chat.completions.create({ model: 'chat', messages: user('hi') });

    expect(completion.choices[0]?.message.content).toBe('Simulated answer: hi');
  });

  test('when the v1 path is used, then the deployment comes from model', async () => {
    const v1 = new OpenAI({ baseURL: `${simulator.url}/openai/v1`, apiKey: API_KEY, maxRetries: 0 });

    const completion = await v1.chat.completions.create({ model: 'chat', messages: user('hi') });
    const missing = await errorOf(v1.chat.completions.create({ model: 'other', messages: user('hi') }));

    expect(completion.choices[0]?.message.content).toBe('Simulated answer: hi');
    expect(missing.status).toBe(404);
    expect(missing.code).toBe('DeploymentNotFound');
  });

  test('when models are listed, then every deployment is a model', async () => {
    const page = await client.models.list();

    expect(page.data.map((model) => [model.id, model.object])).toEqual([['chat', 'model']]);
  });
});

describe('tools', () => {
  const tools = [tool('classify_traveller', traveller), tool('get_weather', weather)];
  const message = 'a 32-year-old on business travel';

  test('when the text gives every required argument, then the tool is called with them', async () => {
    const completion = await client.chat.completions.create({
      model: 'chat',
      messages: user(message),
      tools,
    });

    const calls = completion.choices[0]?.message.tool_calls ?? [];
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]?.message.content).toBeNull();
    expect(calls).toHaveLength(1);
    expect(calls[0]?.id).toMatch(/^call_/);
    expect(calls[0]?.type === 'function' && calls[0].function.name).toBe('classify_traveller');
    expect(calls[0]?.type === 'function' && JSON.parse(calls[0].function.arguments)).toEqual({
      age: 32,
      travelType: 'Business travel',
    });
  });

  test('when the tool call is streamed, then its deltas rebuild the same call', async () => {
    const stream = await client.chat.completions.create({
      model: 'chat',
      messages: user(message),
      tools,
      stream: true,
    });
    const deltas = [];
    let finishReason: string | null = null;
    for await (const chunk of stream) {
      deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
    }

    const [head, ...fragments] = deltas;
    expect(head).toMatchObject({
      index: 0,
      type: 'function',
      function: { name: 'classify_traveller', arguments: '' },
    });
    expect(head?.id).toMatch(/^call_/);
    expect(fragments.length).toBeGreaterThanOrEqual(2);
    expect(fragments.every((fragment) => fragment.id === undefined && fragment.index === 0)).toBe(true);
    const json = fragments.map((fragment) => fragment.function?.arguments ?? '').join('');
    expect(JSON.parse(json)).toEqual({ age: 32, travelType: 'Business travel' });
    expect(finishReason).toBe('tool_calls');
  });

  test('when the SDK stream helper reads a tool call, then its final message holds the parsed call', async () => {
    const runner = client.chat.completions.stream({ model: 'chat', messages: user(message), tools });

    const final = await runner.finalChatCompletion();

    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({
      age: 32,
      travelType: 'Business travel',
    });
  });

  test('when two tools can be filled, then both are called in one message with distinct ids', async () => {
    const completion = await client.chat.completions.create({
      model: 'chat',
      messages: user(`${message}, city: Paris`),
      tools,
    });

    const calls = completion.choices[0]?.message.tool_calls ?? [];
    expect(calls.map((call) => call.type === 'function' && call.function.name)).toEqual([
      'classify_traveller',
      'get_weather',
    ]);
    expect(calls[1]?.type === 'function' && JSON.parse(calls[1].function.arguments)).toEqual({
      city: 'Paris',
    });
    expect(new Set(calls.map((call) => call.id)).size).toBe(2);
  });

  test('when no tool can be filled, then the model answers in text', async () => {
    const completion = await client.chat.completions.create({
      model: 'chat',
      messages: user('hello'),
      tools,
    });

    expect(completion.choices[0]?.message.content).toBe('Simulated answer: hello');
  });

  test('when tool_choice is none, then no tool is called', async () => {
    const completion = await client.chat.completions.create({
      model: 'chat',
      messages: user(message),
      tools,
      tool_choice: 'none',
    });

    expect(completion.choices[0]?.message.tool_calls).toBeUndefined();
    expect(completion.choices[0]?.message.content).toBe(`Simulated answer: ${message}`);
  });

  test('when tool results come back, then the answer summarises them by tool name', async () => {
    const completion = await client.chat.completions.create({
      model: 'chat',
      tools,
      messages: [
        ...user(message),
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'classify_traveller', arguments: '{}' } },
            { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{ "segment":  "premium" }' },
        { role: 'tool', tool_call_id: 'call_2', content: 'sunny,\n  21 degrees' },
      ],
    });

    expect(completion.choices[0]?.message.content).toBe(
      'Summary of tool results: classify_traveller: {"segment":"premium"}; get_weather: sunny, 21 degrees',
    );
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  });

  test('when a tool is forced, then its arguments are valid against the schema and use the text', async () => {
    const booking = z.object({
      age: z.number().int().min(18).max(99),
      travelType: z.enum(['Business travel', 'Personal Travel']),
      passenger: z.object({ name: z.string().min(2), email: z.email(), vip: z.boolean() }),
      seats: z.array(z.number().int().positive()).min(2),
      ratio: z.number().gt(0).lt(1),
      note: z.string().max(5).optional(),
    });

    const completion = await client.chat.completions.create({
      model: 'chat',
      messages: user('for Alice, 45 years old'),
      tools: [tool('get_weather', weather), tool('book', booking)],
      tool_choice: { type: 'function', function: { name: 'book' } },
    });

    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('book');
    const parsed = booking.safeParse(
      call?.type === 'function' ? JSON.parse(call.function.arguments) : undefined,
    );
    expect(parsed.error).toBeUndefined();
    expect(parsed.data?.age).toBe(45);
    expect(parsed.data?.passenger.name).toBe('Alice');
  });

  test('when tool_choice is required, then the first tool is called even without matching text', async () => {
    const completion = await client.chat.completions.create({
      model: 'chat',
      messages: user('hello'),
      tools,
      tool_choice: 'required',
    });

    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('classify_traveller');
    expect(
      traveller.safeParse(call?.type === 'function' ? JSON.parse(call.function.arguments) : undefined)
        .success,
    ).toBe(true);
  });
});

describe('protocol errors', () => {
  test('when the api key is wrong, then Azure answers 401', async () => {
    const error = await errorOf(
      azureClient({ apiKey: 'wrong' }).chat.completions.create({ model: 'chat', messages: user('hi') }),
    );

    expect(error.status).toBe(401);
    expect(error.code).toBe('401');
    expect(error.message).toContain('Access denied due to invalid subscription key');
  });

  test('when the deployment does not exist, then Azure answers 404 DeploymentNotFound', async () => {
    const error = await errorOf(
      azureClient({ deployment: 'missing' }).chat.completions.create({
        model: 'missing',
        messages: user('hi'),
      }),
    );

    expect(error.status).toBe(404);
    expect(error.code).toBe('DeploymentNotFound');
  });

  test('when api-version is missing, then Azure answers 404 Resource not found', async () => {
    const response = await fetch(`${simulator.url}/openai/deployments/chat/chat/completions`, {
      method: 'POST',
      headers: { 'api-key': API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: '404', message: 'Resource not found' } });
  });

  test('when the body breaks the schema, then the answer is 400 BadRequest naming the field', async () => {
    const error = await errorOf(
      client.chat.completions.create({
        model: 'chat',
        messages: [{ role: 'wizard', content: 'hi' } as unknown as ChatCompletionMessageParam],
      }),
    );

    expect(error.status).toBe(400);
    expect(error.code).toBe('BadRequest');
    expect(error.message).toContain('messages.0.role');
  });

  test('when the body is not JSON, then the answer is 400', async () => {
    const response = await fetch(
      `${simulator.url}/openai/deployments/chat/chat/completions?api-version=${API_VERSION}`,
      {
        method: 'POST',
        headers: { 'api-key': API_KEY, 'content-type': 'application/json' },
        body: '{"messages": [',
      },
    );

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'BadRequest' } });
  });

  test('when a tool message answers no tool call, then the answer is 400 as OpenAI words it', async () => {
    const error = await errorOf(
      client.chat.completions.create({
        model: 'chat',
        messages: [...user('hi'), { role: 'tool', tool_call_id: 'call_x', content: 'done' }],
      }),
    );

    expect(error.status).toBe(400);
    expect(error.message).toContain(
      "messages with role 'tool' must be a response to a preceeding message with 'tool_calls'",
    );
  });

  test('when an assistant message has null content and no tool calls, then the answer is 400', async () => {
    const error = await errorOf(
      client.chat.completions.create({
        model: 'chat',
        messages: [...user('hi'), { role: 'assistant', content: null }, ...user('again')],
      }),
    );

    expect(error.status).toBe(400);
  });
});
