import { z } from 'zod';

import { chatRequestSchema, fromChatRequest } from '../../../src/shared/chat/chat-request';
import { type ChatSettings, createChatService } from '../../../src/shared/chat/chat-service';
import { defineTool } from '../../../src/shared/chat/tool';
import type { ChatEvent } from '../../../src/shared/chat/tool-loop';
import { createToolRegistry } from '../../../src/shared/chat/tool-registry';
import type { TurnRequest } from '../../../src/shared/chat/turn-request';
import { AppError, NotFoundError } from '../../../src/shared/errors';
import { createHistoryWriter } from '../../../src/shared/history/history-writer';
import type { TurnRecord } from '../../../src/shared/history/turn-record';
import type { ChatMessage } from '../../../src/shared/model/chat-model';
import { InMemoryHistoryStore } from '../../support/in-memory-history-store';
import { ScriptedChatModel, type Step } from '../../support/scripted-chat-model';
import { recordingLogger } from '../../support/test-logger';

const SETTINGS: ChatSettings = {
  systemPrompt: 'You are the test assistant.',
  maxRounds: 3,
  toolTimeoutMs: 1_000,
  defaultDeployment: 'chat',
  allowedDeployments: ['chat-mini'],
  historyTokenBudget: 2_000,
  maxPromptTokens: 16_000,
  maxCompletionTokens: 2_048,
  maxToolCallsPerRound: 8,
};
const ALICE = { userId: 'alice', roles: [] };
const BOB = { userId: 'bob', roles: [] };
const STORED_ID = 'conversation-1';
const SYSTEM: ChatMessage = { role: 'system', content: SETTINGS.systemPrompt };
const averageTool = defineTool({
  name: 'average_score',
  description: 'The average churn score',
  input: z.object({}),
  run: () => Promise.resolve({ average: 0.4 }),
});
const AVERAGE_CALL = { id: 'call-1', name: 'average_score', arguments: '{}' };

function setUp(steps: Step[], settings: Partial<ChatSettings> = {}, options: { historyDown?: boolean } = {}) {
  const model = new ScriptedChatModel(...steps);
  const store = new InMemoryHistoryStore();
  const queued: TurnRecord[] = [];
  if (options.historyDown === true) store.appendTurn = () => Promise.reject(new Error('Cosmos DB is down'));
  const chat = createChatService({
    model,
    tools: createToolRegistry([averageTool]),
    settings: { ...SETTINGS, ...settings },
    store,
    writer: createHistoryWriter({
      store,
      enqueue: (turn) =>
        options.historyDown === true
          ? Promise.reject(new Error('the queue is down'))
          : Promise.resolve(void queued.push(turn)),
      timeoutMs: 1_000,
    }),
  });
  const { log } = recordingLogger('error');
  const context = (caller = ALICE) => ({ caller, log, correlationId: 'correlation-1' });
  return { model, store, chat, context, queued };
}

/** A request as the HTTP edge hands it over: parsed by the route's schema. */
const request = (body: unknown): TurnRequest =>
  fromChatRequest(chatRequestSchema({ maxMessageChars: 10_000 }).parse(body));

const storedExchange = [
  { role: 'user' as const, content: 'What is a churn score?' },
  { role: 'assistant' as const, content: 'A number between 0 and 1.' },
];

/** What an AI Chat Protocol client sends: its instructions, the conversation so far, and the new question. */
const transcript = [
  { role: 'system' as const, content: 'Answer briefly.' },
  ...storedExchange,
  { role: 'user' as const, content: 'And the average?' },
];

describe('chat service', () => {
  it('when a new conversation starts, then the model gets the system prompt and the message, and the turn is stored as a new conversation', async () => {
    const { chat, context, model, store } = setUp([{ content: 'Hello, Alice.' }]);
    const answer = await chat.answer(request({ message: 'Hi' }), context());
    expect(answer).toMatchObject({ intent: 'answer', answerMd: 'Hello, Alice.' });
    expect(model.requests[0]?.messages).toEqual([SYSTEM, { role: 'user', content: 'Hi' }]);
    expect(store.turns).toHaveLength(1);
    expect(store.turns[0]).toMatchObject({
      userId: 'alice',
      conversationId: answer.conversationId,
      isNewConversation: true,
      correlationId: 'correlation-1',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello, Alice.' },
      ],
    });
  });

  it('when a stored conversation is continued, then the model gets its history before the new message', async () => {
    const { chat, context, model, store } = setUp([{ content: 'Yes, 0.7 is high.' }]);
    store.seed('alice', STORED_ID, storedExchange);
    const answer = await chat.answer(
      request({ message: 'Is 0.7 high?', conversationId: STORED_ID }),
      context(),
    );
    expect(answer.conversationId).toBe(STORED_ID);
    expect(model.requests[0]?.messages).toEqual([
      SYSTEM,
      ...storedExchange,
      { role: 'user', content: 'Is 0.7 high?' },
    ]);
    expect(store.turns[0]).toMatchObject({ conversationId: STORED_ID, isNewConversation: false });
  });

  it('when the stored history is longer than the token budget, then only the newest messages that fit are sent', async () => {
    const { chat, context, model, store } = setUp([{ content: 'ok' }], { historyTokenBudget: 60 });
    store.seed('alice', STORED_ID, [
      { role: 'user', content: `old question ${'x'.repeat(400)}` },
      { role: 'assistant', content: 'old answer' },
      { role: 'user', content: 'recent question' },
      { role: 'assistant', content: 'recent answer' },
    ]);
    await chat.answer(request({ message: 'next', conversationId: STORED_ID }), context());
    expect(model.requests[0]?.messages).toEqual([
      SYSTEM,
      { role: 'assistant', content: 'old answer' },
      { role: 'user', content: 'recent question' },
      { role: 'assistant', content: 'recent answer' },
      { role: 'user', content: 'next' },
    ]);
  });

  it("when a caller names another user's conversation, then it is not found and the model is not called", async () => {
    const { chat, context, model, store } = setUp([{ content: 'never' }]);
    store.seed('alice', STORED_ID, storedExchange);
    const refused = chat.answer(request({ message: 'Show me', conversationId: STORED_ID }), context(BOB));
    await expect(refused).rejects.toBeInstanceOf(NotFoundError);
    await expect(refused).rejects.toMatchObject({ status: 404 });
    expect(model.requests).toEqual([]);
    expect(store.turns).toEqual([]);
  });

  it('when an AI Chat Protocol client resends the whole transcript, then only what follows the last assistant message is new', async () => {
    const { chat, context, model, store } = setUp([{ content: 'Around 0.4.' }]);
    store.seed('alice', STORED_ID, storedExchange);
    await chat.answer(
      request({
        messages: transcript,
        sessionState: { conversationId: STORED_ID },
      }),
      context(),
    );
    // The stored history stands for the resent part: nothing is sent or stored twice.
    expect(model.requests[0]?.messages).toEqual([
      SYSTEM,
      { role: 'system', content: 'Answer briefly.' },
      ...storedExchange,
      { role: 'user', content: 'And the average?' },
    ]);
    expect(store.turns[0]?.messages).toEqual([
      { role: 'user', content: 'And the average?' },
      { role: 'assistant', content: 'Around 0.4.' },
    ]);
  });

  it('when a transcript starts a new conversation, then all of it is sent and stored, except the system messages', async () => {
    const { chat, context, model, store } = setUp([{ content: 'Noted.' }]);
    await chat.answer(
      request({
        messages: transcript,
      }),
      context(),
    );
    expect(model.requests[0]?.messages).toHaveLength(5);
    expect(store.turns[0]?.messages.map((message) => message.content)).toEqual([
      'What is a churn score?',
      'A number between 0 and 1.',
      'And the average?',
      'Noted.',
    ]);
  });

  it('when a stream is cut off by the client, then the turn is stored with the text so far, marked incomplete', async () => {
    const { chat, context, store } = setUp([{ content: 'The first words and then more' }]);
    const { conversationId, events } = await chat.stream(request({ message: 'Tell me' }), context());
    const seen: ChatEvent[] = [];
    for await (const event of events) {
      seen.push(event);
      if (seen.length === 2) break; // the client went away
    }
    expect(store.turns).toHaveLength(1);
    expect(store.turns[0]).toMatchObject({
      conversationId,
      messages: [
        { role: 'user', content: 'Tell me' },
        { role: 'assistant', content: 'The first', incomplete: true },
      ],
    });
  });

  it('when the model fails mid-stream, then the caller gets the error and the turn is stored incomplete', async () => {
    const { chat, context, store } = setUp([
      { content: 'Partial answer', streamError: new Error('connection reset') },
    ]);
    const { events } = await chat.stream(request({ message: 'Tell me' }), context());
    const texts: string[] = [];
    await expect(
      (async () => {
        for await (const event of events) if (event.type === 'text-delta') texts.push(event.text);
      })(),
    ).rejects.toThrow('connection reset');
    expect(texts.join('')).toBe('Partial answer');
    expect(store.turns[0]?.messages).toEqual([
      { role: 'user', content: 'Tell me' },
      { role: 'assistant', content: 'Partial answer', incomplete: true },
    ]);
  });

  it('when a streamed turn finishes, then it is stored once, complete', async () => {
    const { chat, context, store } = setUp([{ content: 'All of it' }]);
    const { events } = await chat.stream(request({ message: 'Tell me' }), context());
    const types: string[] = [];
    for await (const event of events) types.push(event.type);
    expect(types.at(-1)).toBe('finish');
    expect(store.turns).toHaveLength(1);
    expect(store.turns[0]?.messages).toEqual([
      { role: 'user', content: 'Tell me' },
      { role: 'assistant', content: 'All of it' },
    ]);
  });

  it('when neither Cosmos DB nor the history queue takes a finished turn, then the caller gets a 503 instead of an answer that would be lost', async () => {
    const { chat, context } = setUp(
      [{ content: 'Never kept' }, { content: 'Never kept either' }],
      {},
      {
        historyDown: true,
      },
    );
    await expect(chat.answer(request({ message: 'Tell me' }), context())).rejects.toMatchObject({
      status: 503,
      code: 'storage_unavailable',
      retryable: true,
    });
    const { events } = await chat.stream(request({ message: 'Tell me' }), context());
    const types: string[] = [];
    await expect(
      (async () => {
        for await (const event of events) types.push(event.type);
      })(),
    ).rejects.toMatchObject({ code: 'storage_unavailable' });
    expect(types).not.toContain('finish');
    expect(types).toContain('text-delta');
  });

  it('when a turn calls a tool, then the call and its result are stored and sent again when the conversation continues', async () => {
    const { chat, context, model, store } = setUp([
      { toolCalls: [AVERAGE_CALL] },
      { content: 'The average is 0.4.' },
      { content: 'It was 0.4.' },
    ]);
    const first = await chat.answer(request({ message: 'What is the average?' }), context());
    expect(first.actions.map((action) => action.result)).toEqual([{ average: 0.4 }]);
    expect(store.turns[0]?.messages.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'assistant',
    ]);
    await chat.answer(request({ message: 'Repeat it', conversationId: first.conversationId }), context());
    expect(model.requests[2]?.messages).toEqual([
      SYSTEM,
      { role: 'user', content: 'What is the average?' },
      { role: 'assistant', content: '', toolCalls: [AVERAGE_CALL] },
      { role: 'tool', toolCallId: 'call-1', content: '{"average":0.4}' },
      { role: 'assistant', content: 'The average is 0.4.' },
      { role: 'user', content: 'Repeat it' },
    ]);
  });

  it('when a JSON turn fails after a tool round, then nothing is stored: the caller simply asks again', async () => {
    const { chat, context, store, queued } = setUp([
      { toolCalls: [AVERAGE_CALL] },
      { error: new Error('model unavailable') },
    ]);
    await expect(chat.answer(request({ message: 'Hi' }), context())).rejects.toThrow('model unavailable');
    expect(store.turns).toEqual([]);
    expect(queued).toEqual([]);
  });

  it('when the caller asks for a model outside the allowlist, then it is refused before the model is called', async () => {
    const { chat, context, model } = setUp([{ content: 'never' }]);
    const refused = chat.answer(request({ message: 'Hi', model: 'gpt-expensive' }), context());
    await expect(refused).rejects.toBeInstanceOf(AppError);
    await expect(refused).rejects.toMatchObject({ status: 400, code: 'model_not_allowed' });
    expect(model.requests).toEqual([]);
  });

  it('when the caller asks for an allowed model, then the turn runs on that deployment with their settings', async () => {
    const { chat, context, model } = setUp([{ content: 'ok' }]);
    await chat.answer(
      request({ message: 'Hi', model: 'chat-mini', temperature: 0.2, maxTokens: 50 }),
      context(),
    );
    expect(model.requests[0]).toMatchObject({ deployment: 'chat-mini', temperature: 0.2, maxTokens: 50 });
  });
});
