import { z } from 'zod';

import { defineTool } from '../../../src/shared/chat/tool';
import { type ChatEvent, runToolLoop } from '../../../src/shared/chat/tool-loop';
import { createToolRegistry } from '../../../src/shared/chat/tool-registry';
import { createLogger } from '../../../src/shared/logging/logger';
import type { ChatModel } from '../../../src/shared/model/chat-model';
import { ScriptedChatModel } from '../../support/scripted-chat-model';

const log = createLogger({ level: 'error', format: 'text', redact: (text) => text, sink: () => undefined });

const sleepTool = defineTool({
  name: 'sleep',
  description: 'Waits',
  input: z.object({ ms: z.number().int().min(0) }),
  run: ({ ms }, { signal }) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        resolve({ slept: ms });
      }, ms);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(new Error('aborted'));
      });
    }),
});
const failingTool = defineTool({
  name: 'fail',
  description: 'Always fails',
  input: z.object({}),
  run: () => Promise.reject(new Error('database is on fire')),
});
const tools = createToolRegistry([sleepTool, failingTool]);

async function collect(events: AsyncIterable<ChatEvent>): Promise<ChatEvent[]> {
  const all: ChatEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

function loop(
  model: ScriptedChatModel,
  options: {
    maxRounds?: number;
    toolTimeoutMs?: number;
    streaming?: boolean;
    maxToolCallsPerRound?: number;
    signal?: AbortSignal;
  } = {},
) {
  return runToolLoop({
    messages: [{ role: 'user', content: 'go' }],
    model,
    tools,
    maxRounds: options.maxRounds ?? 5,
    maxToolCallsPerRound: options.maxToolCallsPerRound ?? 8,
    toolTimeoutMs: options.toolTimeoutMs ?? 2000,
    streaming: options.streaming ?? false,
    log,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}

const finishOf = (events: ChatEvent[]) => {
  const finish = events.at(-1);
  if (finish?.type !== 'finish') throw new Error('no finish event');
  return finish.outcome;
};

describe('runToolLoop', () => {
  it('when the model calls two slow tools in one turn, then they run concurrently and both results go back', async () => {
    const model = new ScriptedChatModel(
      {
        toolCalls: [
          { id: 'a', name: 'sleep', arguments: '{"ms":300}' },
          { id: 'b', name: 'sleep', arguments: '{"ms":300}' },
        ],
      },
      { content: 'done' },
    );
    const started = Date.now();
    const outcome = finishOf(await collect(loop(model)));
    expect(Date.now() - started).toBeLessThan(550);
    expect(outcome.actions.map((action) => action.result)).toEqual([{ slept: 300 }, { slept: 300 }]);
    const second = model.requests[1]?.messages ?? [];
    expect(second.filter((message) => message.role === 'tool')).toEqual([
      { role: 'tool', toolCallId: 'a', content: '{"slept":300}' },
      { role: 'tool', toolCallId: 'b', content: '{"slept":300}' },
    ]);
  });

  it('when a tool runs past its timeout, then the model gets a tool_timeout result, not an exception', async () => {
    const model = new ScriptedChatModel(
      { toolCalls: [{ id: 'a', name: 'sleep', arguments: '{"ms":5000}' }] },
      { content: 'ok' },
    );
    const outcome = finishOf(await collect(loop(model, { toolTimeoutMs: 100 })));
    expect(outcome.actions[0]?.result).toMatchObject({ error: 'tool_timeout' });
  });

  it('when a tool throws, then its error message goes back to the model and the turn completes', async () => {
    const model = new ScriptedChatModel(
      { toolCalls: [{ id: 'a', name: 'fail', arguments: '' }] },
      { content: 'sorry' },
    );
    const outcome = finishOf(await collect(loop(model)));
    expect(outcome.actions[0]?.result).toEqual({ error: 'tool_failed', message: 'database is on fire' });
    expect(outcome.answer.answerMd).toBe('sorry');
  });

  it('when a tool throws, then the user is shown that it failed but not its error text', async () => {
    const model = new ScriptedChatModel(
      { toolCalls: [{ id: 'a', name: 'fail', arguments: '' }] },
      { content: 'sorry' },
    );
    const events = await collect(loop(model));
    expect(finishOf(events).actions[0]?.shown).toEqual({
      error: 'tool_failed',
      message: expect.not.stringContaining('fire'),
    });
    const shown = events.filter((event) => event.type === 'tool-result');
    expect(JSON.stringify(shown)).not.toContain('database is on fire');
  });

  it('when the model asks for more tool calls than the per-round limit, then only that many run and the rest are answered as not run', async () => {
    const calls = Array.from({ length: 5 }, (_, index) => ({
      id: `c${index}`,
      name: 'sleep',
      arguments: '{"ms":1}',
    }));
    const model = new ScriptedChatModel({ toolCalls: calls }, { content: 'done' });
    const outcome = finishOf(await collect(loop(model, { maxToolCallsPerRound: 2 })));
    expect(outcome.actions.map((action) => action.result)).toEqual([
      { slept: 1 },
      { slept: 1 },
      ...Array.from({ length: 3 }, (): unknown => expect.objectContaining({ error: 'tool_call_limit' })),
    ]);
    const told = (model.requests[1]?.messages ?? []).filter((message) => message.role === 'tool');
    expect(told.map((message) => message.toolCallId)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
  });

  it('when tool results push the next prompt past the limit, then no further model call is made', async () => {
    const model = new ScriptedChatModel(
      { toolCalls: [{ id: 'a', name: 'sleep', arguments: '{"ms":1}' }] },
      { content: 'never reached' },
    );
    const events = await collect(
      runToolLoop({
        messages: [{ role: 'user', content: 'go' }],
        model,
        tools,
        maxRounds: 5,
        maxToolCallsPerRound: 8,
        prompt: { tokens: 95, maxTokens: 100, count: () => 10 },
        toolTimeoutMs: 2_000,
        streaming: false,
        log,
      }),
    );
    expect(finishOf(events).answer.intent).toBe('prompt_limit');
    expect(model.requests).toHaveLength(1);
  });

  it('when arguments violate the schema, then the issues go back to the model', async () => {
    const model = new ScriptedChatModel(
      { toolCalls: [{ id: 'a', name: 'sleep', arguments: '{"ms":-1}' }] },
      { content: 'ok' },
    );
    const outcome = finishOf(await collect(loop(model)));
    expect(outcome.actions[0]?.result).toMatchObject({
      error: 'invalid_arguments',
      issues: [{ path: 'ms' }],
    });
  });

  it('when the final content is null, then the answer is empty Markdown, not a crash', async () => {
    const model = new ScriptedChatModel({ content: null });
    const outcome = finishOf(await collect(loop(model)));
    expect(outcome.answer).toEqual({ intent: 'answer', answerMd: '' });
  });

  it('when the final content is JSON with intent and answer_md, then those are used', async () => {
    const model = new ScriptedChatModel({
      content: '```json\n{"intent":"prediction","answer_md":"**Satisfied**"}\n```',
    });
    const outcome = finishOf(await collect(loop(model)));
    expect(outcome.answer).toEqual({ intent: 'prediction', answerMd: '**Satisfied**' });
  });

  it('when the round bound is reached, then the turn ends with tool_limit and the last calls are not run', async () => {
    const call = { toolCalls: [{ id: 'x', name: 'sleep', arguments: '{"ms":0}' }] };
    const model = new ScriptedChatModel(call, call, call);
    const outcome = finishOf(await collect(loop(model, { maxRounds: 3 })));
    expect(outcome.answer.intent).toBe('tool_limit');
    expect(model.requests).toHaveLength(3);
    expect(outcome.actions).toHaveLength(2);
  });

  it('when streaming, then text deltas come before the finish event and join into the answer', async () => {
    const model = new ScriptedChatModel(
      { toolCalls: [{ id: 'a', name: 'sleep', arguments: '{"ms":0}' }] },
      { content: 'one two three' },
    );
    const events = await collect(loop(model, { streaming: true }));
    expect(events.map((event) => event.type)).toEqual([
      'tool-call',
      'tool-result',
      'text-delta',
      'text-delta',
      'text-delta',
      'finish',
    ]);
    const text = events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('');
    expect(text).toBe(finishOf(events).answer.answerMd);
  });

  it('when the turn finishes, then newMessages hold the tool calls, their results and the answer in order', async () => {
    const model = new ScriptedChatModel(
      { toolCalls: [{ id: 'a', name: 'sleep', arguments: '{"ms":0}' }] },
      { content: 'fine' },
    );
    const outcome = finishOf(await collect(loop(model)));
    expect(outcome.newMessages.map((message) => message.role)).toEqual(['assistant', 'tool', 'assistant']);
  });

  it('when the whole turn is whole, then it finishes with stop and no warnings', async () => {
    const outcome = finishOf(await collect(loop(new ScriptedChatModel({ content: 'fine' }))));
    expect(outcome).toMatchObject({ finishReason: 'stop', warnings: [] });
  });

  it('when the budget cuts the answer, then it is incomplete with what came, stored as incomplete', async () => {
    const model = new ScriptedChatModel({ content: 'The answer is', finishReason: 'length' });
    const outcome = finishOf(await collect(loop(model)));
    expect(outcome).toMatchObject({
      finishReason: 'length',
      answer: { intent: 'incomplete', answerMd: 'The answer is' },
    });
    expect(outcome.newMessages.at(-1)).toEqual({
      role: 'assistant',
      content: 'The answer is',
      incomplete: true,
    });
  });

  it('when reasoning spent the whole budget, then the answer explains it, streamed as text too, never empty', async () => {
    const usage = {
      promptTokens: 10,
      completionTokens: 64,
      totalTokens: 74,
      reasoningTokens: 64,
      cachedTokens: 0,
    };
    const model = new ScriptedChatModel({ content: '', finishReason: 'length', usage });
    const events = await collect(
      runToolLoop({
        messages: [{ role: 'user', content: 'go' }],
        model,
        tools,
        maxRounds: 5,
        maxToolCallsPerRound: 8,
        toolTimeoutMs: 2000,
        streaming: true,
        log,
        generation: { maxTokens: 64 },
      }),
    );
    const outcome = finishOf(events);
    expect(outcome.answer.answerMd).toBe(
      'The model used its whole budget of 64 tokens (64 on reasoning) before it wrote an answer. Ask again with a larger maxTokens or a lower reasoningEffort.',
    );
    expect(events.filter((event) => event.type === 'text-delta')).toEqual([
      { type: 'text-delta', text: outcome.answer.answerMd },
    ]);
  });

  it('when the budget cuts a tool call, then the cut call is not run', async () => {
    const model = new ScriptedChatModel({
      toolCalls: [{ id: 'a', name: 'sleep', arguments: '{"ms"' }],
      finishReason: 'length',
    });
    const outcome = finishOf(await collect(loop(model)));
    expect(outcome).toMatchObject({ finishReason: 'length', actions: [] });
  });

  it('when the output filter stops the answer, then the turn fails with content_filtered and the category', async () => {
    const model = new ScriptedChatModel({
      content: 'half',
      finishReason: 'content_filter',
      filteredCategory: 'violence',
    });
    await expect(collect(loop(model))).rejects.toMatchObject({
      status: 400,
      code: 'content_filtered',
      message: expect.stringContaining('violence'),
      details: [{ path: 'output', code: 'violence', message: 'filtered' }],
    });
  });

  it('when calls of the turn ignored parameters, then the finish carries one warning per parameter', async () => {
    const ignored = [{ param: 'temperature' as const, message: 'no temperature' }];
    const model = new ScriptedChatModel(
      { toolCalls: [{ id: 'a', name: 'sleep', arguments: '{"ms":0}' }], ignored },
      { content: 'fine', ignored },
    );
    const outcome = finishOf(await collect(loop(model)));
    expect(outcome.warnings).toEqual([
      { code: 'parameter_ignored', param: 'temperature', message: 'no temperature' },
    ]);
  });

  it('when the round bound is reached, then the finish reason is tool_limit', async () => {
    const call = { toolCalls: [{ id: 'a', name: 'sleep', arguments: '{"ms":0}' }] };
    const outcome = finishOf(await collect(loop(new ScriptedChatModel(call, call), { maxRounds: 2 })));
    expect(outcome).toMatchObject({ finishReason: 'tool_limit', answer: { intent: 'tool_limit' } });
  });
});

describe('tools the client runs', () => {
  const weather = {
    name: 'get_weather',
    description: 'The weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  };
  const clientLoop = (model: ScriptedChatModel, toolChoice?: 'required') =>
    runToolLoop({
      messages: [{ role: 'user', content: 'weather in Paris?' }],
      model,
      tools,
      clientTools: [weather],
      ...(toolChoice === undefined ? {} : { toolChoice }),
      maxRounds: 5,
      maxToolCallsPerRound: 8,
      toolTimeoutMs: 2000,
      streaming: false,
      log,
    });

  it('when the model calls a client tool, then the turn ends with that call for the client, and no server tool runs', async () => {
    const model = new ScriptedChatModel({
      toolCalls: [
        { id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { id: 's1', name: 'sleep', arguments: '{"ms":1}' },
      ],
    });
    const events = await collect(clientLoop(model));
    expect(events.map((event) => event.type)).toEqual(['finish']);
    const outcome = finishOf(events);
    expect(outcome.finishReason).toBe('tool_calls');
    expect(outcome.clientToolCalls).toEqual([
      { id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' },
    ]);
    expect(outcome.newMessages).toEqual([
      { role: 'assistant', content: null, toolCalls: outcome.clientToolCalls },
    ]);
    // The model was offered the server's tools and the client's.
    expect(model.requests[0]?.tools?.map((tool) => tool.name)).toEqual(['sleep', 'fail', 'get_weather']);
  });

  it('when a tool choice is given, then only the first model call gets it', async () => {
    const model = new ScriptedChatModel(
      { toolCalls: [{ id: 's1', name: 'sleep', arguments: '{"ms":1}' }] },
      { content: 'Done' },
    );
    const outcome = finishOf(await collect(clientLoop(model, 'required')));
    expect(outcome.answer.answerMd).toBe('Done');
    expect(model.requests.map((request) => request.toolChoice)).toEqual(['required', 'auto']);
  });
});

describe('the tokens a turn spends', () => {
  it('when the caller goes away in the middle of a streamed answer, then the prompt and what was streamed still count', async () => {
    const controller = new AbortController();
    const usages: { totalTokens: number }[] = [];
    const events = runToolLoop({
      messages: [{ role: 'user', content: 'go' }],
      model: new ScriptedChatModel({ content: 'one two three four five six' }),
      tools,
      maxRounds: 5,
      maxToolCallsPerRound: 8,
      prompt: { tokens: 1_000, maxTokens: 10_000, count: () => 0 },
      toolTimeoutMs: 2_000,
      streaming: true,
      log,
      signal: controller.signal,
      onUsage: (usage) => usages.push(usage),
    });
    for await (const event of events) {
      if (event.type === 'text-delta') {
        controller.abort();
        break;
      }
    }
    expect(usages).toHaveLength(1);
    expect(usages[0]?.totalTokens).toBeGreaterThan(1_000);
  });

  it('when the caller of a JSON turn goes away while the model thinks, then the call is aborted and the prompt still counts', async () => {
    const controller = new AbortController();
    const usages: { promptTokens: number }[] = [];
    const thinking: ChatModel = {
      complete: (_request, signal) =>
        new Promise((_resolve, reject) => {
          signal?.addEventListener('abort', () => {
            reject(signal.reason as Error);
          });
        }),
      stream: () => {
        throw new Error('not streamed');
      },
    };
    const events = runToolLoop({
      messages: [{ role: 'user', content: 'go' }],
      model: thinking,
      tools,
      maxRounds: 5,
      maxToolCallsPerRound: 8,
      prompt: { tokens: 1_000, maxTokens: 10_000, count: () => 0 },
      toolTimeoutMs: 2_000,
      streaming: false,
      log,
      signal: controller.signal,
      onUsage: (usage) => usages.push(usage),
    });
    setTimeout(() => {
      controller.abort(new Error('client disconnected'));
    }, 20);
    await expect(collect(events)).rejects.toThrow('client disconnected');
    expect(usages).toEqual([expect.objectContaining({ promptTokens: 1_000 })]);
  });

  it('when the caller goes away during a tool round, then no further model call is made', async () => {
    const controller = new AbortController();
    const model = new ScriptedChatModel(
      { toolCalls: [{ id: 'c1', name: 'sleep', arguments: '{"ms":1000}' }] },
      { content: 'never asked for' },
    );
    const events = loop(model, { signal: controller.signal });
    const seen: ChatEvent[] = [];
    await expect(
      (async () => {
        for await (const event of events) {
          seen.push(event);
          if (event.type === 'tool-call') controller.abort(new Error('client disconnected'));
        }
      })(),
    ).rejects.toThrow('client disconnected');
    expect(model.requests).toHaveLength(1);
    expect(seen.some((event) => event.type === 'finish')).toBe(false);
  });
});
