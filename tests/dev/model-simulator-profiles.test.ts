import { AzureOpenAI, OpenAI } from 'openai';
import type { ChatCompletionChunk, ChatCompletionTool } from 'openai/resources/chat/completions';

import { type ModelSimulator, startModelSimulator } from '../../dev/model-simulator';
import { readEnvironmentOptions } from '../../dev/model-simulator/environment-options';
import { errorOf } from '../support/api-error';

const API_KEY = 'profile-key';

let simulator: ModelSimulator;
/** The v1 API, as the app uses it: the plain OpenAI client, the deployment as `model`, the key in api-key. */
let v1: OpenAI;

const user = (content: string) => [{ role: 'user' as const, content }];
const weather: ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

function classicClient(apiVersion: string): AzureOpenAI {
  return new AzureOpenAI({ endpoint: simulator.url, apiKey: API_KEY, apiVersion, maxRetries: 0 });
}

beforeAll(async () => {
  simulator = await startModelSimulator({
    apiKey: API_KEY,
    deployments: ['chat', 'mini:reasoning@gpt-5-mini-2025-08-07', 'legacy:classic'],
  });
  v1 = new OpenAI({
    baseURL: `${simulator.url}/openai/v1/`,
    apiKey: API_KEY,
    defaultHeaders: { 'api-key': API_KEY, Authorization: null },
    maxRetries: 0,
  });
});
afterAll(() => simulator.close());
beforeEach(() => {
  simulator.resetStats();
});

describe('a reasoning deployment (the default profile)', () => {
  test('when asked on the v1 path, then it answers as a GPT-5-family model and counts reasoning tokens in the completion', async () => {
    const completion = await v1.chat.completions.create({
      model: 'chat',
      messages: user('Hello there'),
      reasoning_effort: 'low',
    });

    expect(completion.model).toBe('gpt-5.4-mini-2026-03-17');
    expect(completion.choices[0]?.message.content).toBe('Simulated answer: Hello there');
    expect(completion.usage).toMatchObject({
      completion_tokens: 64 + 4,
      completion_tokens_details: { reasoning_tokens: 64 },
      prompt_tokens_details: { cached_tokens: 0 },
    });
  });

  test("when max_tokens is sent, then Azure's 400 names it and says to use max_completion_tokens", async () => {
    const error = await errorOf(
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- the refusal of this parameter is under test
      v1.chat.completions.create({ model: 'chat', messages: user('Hi'), max_tokens: 50 }),
    );

    expect(error.status).toBe(400);
    expect(error.error).toEqual({
      message:
        "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      type: 'invalid_request_error',
      param: 'max_tokens',
      code: 'unsupported_parameter',
    });
    expect(simulator.stats().refused).toBe(1);
  });

  test('when temperature or top_p is not 1, then it is refused as an unsupported value; 1 is taken', async () => {
    const temperature = await errorOf(
      v1.chat.completions.create({ model: 'chat', messages: user('Hi'), temperature: 0.7 }),
    );
    const topP = await errorOf(
      v1.chat.completions.create({ model: 'chat', messages: user('Hi'), top_p: 0.5 }),
    );
    const accepted = await v1.chat.completions.create({
      model: 'chat',
      messages: user('Hi'),
      temperature: 1,
    });

    expect(temperature.error).toEqual({
      message:
        "Unsupported value: 'temperature' does not support 0.7 with this model. Only the default (1) value is supported.",
      type: 'invalid_request_error',
      param: 'temperature',
      code: 'unsupported_value',
    });
    expect(topP.error).toMatchObject({ param: 'top_p', code: 'unsupported_value' });
    expect(accepted.choices[0]?.finish_reason).toBe('stop');
  });

  test('when the classic path names an api-version older than 2025-04-01-preview, then it is refused; that one is taken', async () => {
    const error = await errorOf(
      classicClient('2024-10-21').chat.completions.create({ model: 'chat', messages: user('Hi') }),
    );
    const accepted = await classicClient('2025-04-01-preview').chat.completions.create({
      model: 'chat',
      messages: user('Hi'),
    });

    expect(error.status).toBe(400);
    expect(error.error).toEqual({
      code: 'BadRequest',
      message: 'Model gpt-5.4-mini is enabled only for api versions 2025-04-01-preview and later',
    });
    expect(accepted.choices[0]?.message.content).toBe('Simulated answer: Hi');
  });

  test('when reasoning uses the whole max_completion_tokens, then the answer is empty with finish_reason length', async () => {
    const completion = await v1.chat.completions.create({
      model: 'chat',
      messages: user('Tell me something long'),
      reasoning_effort: 'medium',
      max_completion_tokens: 10,
    });

    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.choices[0]?.message.content).toBe('');
    expect(completion.usage).toMatchObject({
      completion_tokens: 10,
      completion_tokens_details: { reasoning_tokens: 10 },
    });
  });

  test('when reasoning leaves a little of the budget, then the text is cut there', async () => {
    const completion = await v1.chat.completions.create({
      model: 'chat',
      messages: user('one two three four'),
      reasoning_effort: 'low',
      max_completion_tokens: 64 + 3,
    });

    expect(completion.choices[0]?.message.content).toBe('Simulated answer: one');
    expect(completion.choices[0]?.finish_reason).toBe('length');
  });

  test('when [sim:reasoning-tokens:N] is asked, then that many hidden tokens are spent', async () => {
    const completion = await v1.chat.completions.create({
      model: 'chat',
      messages: user('think [sim:reasoning-tokens:5000]'),
      max_completion_tokens: 4000,
    });

    expect(completion.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: '' } });
  });

  test('when an effort its model lacks is asked, then it is refused with the supported values; the older model takes it', async () => {
    const error = await errorOf(
      v1.chat.completions.create({ model: 'chat', messages: user('Hi'), reasoning_effort: 'minimal' }),
    );
    const older = await v1.chat.completions.create({
      model: 'mini',
      messages: user('Hi'),
      reasoning_effort: 'minimal',
    });

    expect(error.error).toEqual({
      message:
        "Unsupported value: 'reasoning_effort' does not support 'minimal' with this model. Supported values are: 'none', 'low', 'medium', 'high', and 'xhigh'.",
      type: 'invalid_request_error',
      param: 'reasoning_effort',
      code: 'unsupported_value',
    });
    expect(older.model).toBe('gpt-5-mini-2025-08-07');
    expect(older.usage?.completion_tokens_details?.reasoning_tokens).toBe(16);
  });

  test('when function tools come with a reasoning effort, then GPT-5.2 and later refuse it unless the effort is none', async () => {
    const request = { messages: user('weather, city: Paris'), tools: [weather] };
    const error = await errorOf(
      v1.chat.completions.create({ ...request, model: 'chat', reasoning_effort: 'low' }),
    );
    const none = await v1.chat.completions.create({ ...request, model: 'chat', reasoning_effort: 'none' });
    const unset = await v1.chat.completions.create({ ...request, model: 'chat' });
    const older = await v1.chat.completions.create({ ...request, model: 'mini', reasoning_effort: 'low' });

    expect(error.error).toEqual({
      message:
        "Function tools with reasoning_effort are not supported for gpt-5.4-mini in /v1/chat/completions. To use function tools, use /v1/responses or set reasoning_effort to 'none'.",
      type: 'invalid_request_error',
      param: 'reasoning_effort',
      code: null,
    });
    for (const completion of [none, unset, older]) {
      expect(completion.choices[0]?.message.tool_calls?.[0]).toMatchObject({
        function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
      });
    }
  });

  test('when the output filter fires, then the answer ends with finish_reason content_filter naming the category', async () => {
    const messages = user('one two three four five six [sim:output-filter]');
    const whole = await v1.chat.completions.create({ model: 'chat', messages });
    const stream = await v1.chat.completions.create({ model: 'chat', messages, stream: true });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    const choice = whole.choices[0];
    expect(choice?.finish_reason).toBe('content_filter');
    expect(choice).toHaveProperty('content_filter_results.violence', { filtered: true, severity: 'high' });
    expect(choice?.message.content).toBe('Simulated answer: one two');
    const last = chunks.at(-1)?.choices[0];
    expect(last?.finish_reason).toBe('content_filter');
    expect(last).toHaveProperty('content_filter_results.violence.filtered', true);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(
      'Simulated answer: one two',
    );
  });

  test('when a long conversation prefix is sent again, then its tokens come from the prompt cache', async () => {
    const system = { role: 'system' as const, content: 'rule '.repeat(1000) };
    const first = await v1.chat.completions.create({ model: 'chat', messages: [system, ...user('a')] });
    const second = await v1.chat.completions.create({ model: 'chat', messages: [system, ...user('b')] });

    expect(first.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    expect(second.usage?.prompt_tokens_details?.cached_tokens).toBe(1152);
  });
});

describe('structured outputs (strict functions), every profile', () => {
  const strictTool = (parameters: Record<string, unknown>): ChatCompletionTool => ({
    type: 'function',
    function: { name: 'record_output', strict: true, parameters },
  });

  test('when a strict schema leaves an object open or a property optional, then it is refused naming where', async () => {
    const open = await errorOf(
      v1.chat.completions.create({
        model: 'chat',
        messages: user('x'),
        tools: [strictTool({ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] })],
      }),
    );
    const optional = await errorOf(
      v1.chat.completions.create({
        model: 'chat',
        messages: user('x'),
        tools: [
          strictTool({
            type: 'object',
            properties: { a: { type: 'string' }, b: { type: 'string', minLength: 2 } },
            required: ['a'],
            additionalProperties: false,
          }),
        ],
      }),
    );

    expect(open.error).toEqual({
      message:
        "Invalid schema for function 'record_output': In context=(), 'additionalProperties' is required to be supplied and to be false.",
      type: 'invalid_request_error',
      param: 'tools[0].function.parameters',
      code: 'invalid_function_parameters',
    });
    expect(optional.error).toMatchObject({
      message: expect.stringContaining("'required' is required to be supplied") as unknown,
    });
  });

  test('when a strict schema fits, then the forced call matches it even when [sim:invalid-args] is asked', async () => {
    const completion = await v1.chat.completions.create({
      model: 'legacy',
      messages: user('name: Ada [sim:invalid-args]'),
      tools: [
        strictTool({
          type: 'object',
          properties: { name: { type: 'string' }, age: { type: ['integer', 'null'] } },
          required: ['name', 'age'],
          additionalProperties: false,
        }),
      ],
      tool_choice: { type: 'function', function: { name: 'record_output' } },
    });

    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' ? JSON.parse(call.function.arguments) : undefined).toEqual({
      name: 'Ada',
      age: 0,
    });
  });
});

describe('a classic deployment', () => {
  test('when sampling parameters and max_tokens are sent, then it takes them and reports its 2024 model', async () => {
    const completion = await v1.chat.completions.create({
      model: 'legacy',
      messages: user('one two three four'),
      temperature: 0.2,
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- classic deployments still take it
      max_tokens: 3,
    });

    expect(completion.model).toBe('gpt-4o-mini-2024-07-18');
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'length',
      message: { content: 'Simulated answer: one' },
    });
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBe(0);
  });

  test('when reasoning_effort or verbosity is sent, then it is refused as an unsupported parameter', async () => {
    const effort = await errorOf(
      v1.chat.completions.create({ model: 'legacy', messages: user('Hi'), reasoning_effort: 'low' }),
    );
    const verbosity = await errorOf(
      v1.chat.completions.create({ model: 'legacy', messages: user('Hi'), verbosity: 'low' }),
    );

    expect(effort.error).toEqual({
      message: "Unsupported parameter: 'reasoning_effort' is not supported with this model.",
      type: 'invalid_request_error',
      param: 'reasoning_effort',
      code: 'unsupported_parameter',
    });
    expect(verbosity.error).toMatchObject({ param: 'verbosity', code: 'unsupported_parameter' });
  });

  test('when a dated api-version from 2024 is used, then it answers as before', async () => {
    const completion = await classicClient('2024-10-21').chat.completions.create({
      model: 'legacy',
      messages: user('Hi'),
    });

    expect(completion.choices[0]?.message.content).toBe('Simulated answer: Hi');
  });
});

describe('SIM_MODEL_DEPLOYMENTS', () => {
  test('when profiles and models are named, then each deployment gets them; a bare name is a reasoning deployment', async () => {
    const options = readEnvironmentOptions({
      SIM_MODEL_DEPLOYMENTS: 'chat:reasoning, legacy:classic, plain',
    });
    const other = await startModelSimulator(options);
    try {
      const client = new OpenAI({ baseURL: `${other.url}/openai/v1/`, apiKey: 'token', maxRetries: 0 });
      const models = await Promise.all(
        ['chat', 'legacy', 'plain'].map(
          async (model) => (await client.chat.completions.create({ model, messages: user('Hi') })).model,
        ),
      );
      expect(models).toEqual([
        'gpt-5.4-mini-2026-03-17',
        'gpt-4o-mini-2024-07-18',
        'gpt-5.4-mini-2026-03-17',
      ]);
    } finally {
      await other.close();
    }
  });

  test('when a profile is misspelt, then starting fails naming the format', async () => {
    await expect(startModelSimulator({ deployments: ['chat:reasoner'] })).rejects.toThrow(
      /<name>:reasoning\|classic/,
    );
  });
});
