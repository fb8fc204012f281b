import { metrics, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

import { UpstreamError } from '../../../src/shared/errors';
import type { HistoryStore } from '../../../src/shared/history/history-store';
import type { ChatModel, ChatModelEvent, ChatModelResult } from '../../../src/shared/model/chat-model';
import type { CustomerScorer } from '../../../src/shared/scoring/customer-scorer';
import { createHeuristicScorer } from '../../../src/shared/scoring/predict-customer-tool';
import {
  instrumentChatModel,
  instrumentHistoryStore,
  instrumentScorer,
} from '../../../src/shared/telemetry/instrument';
import type { Telemetry } from '../../../src/shared/telemetry/telemetry';
import { startTelemetryForTests } from '../../../src/shared/telemetry/telemetry-for-tests';
import { exampleCustomer as customer } from '../../support/scoring-fixtures';
import { ScriptedChatModel } from '../../support/scripted-chat-model';

const SECRET_PROMPT = 'my account number is 4242';
const usage = { promptTokens: 12, completionTokens: 3, totalTokens: 15, reasoningTokens: 0, cachedTokens: 0 };
const request = { messages: [{ role: 'user' as const, content: SECRET_PROMPT }] };

let exporter: InMemorySpanExporter;
let telemetry: Telemetry;

beforeEach(async () => {
  exporter = new InMemorySpanExporter();
  telemetry = await startTelemetryForTests(exporter);
});

afterEach(async () => {
  await telemetry.shutdown();
});

function onlySpan(): ReadableSpan {
  const spans = exporter.getFinishedSpans();
  expect(spans).toHaveLength(1);
  const [span] = spans;
  if (span === undefined) throw new Error('no span');
  return span;
}

/** Everything a span would send, as text: nothing the user typed or the upstream said may be in it. */
function exported(span: ReadableSpan): string {
  return JSON.stringify({
    name: span.name,
    attributes: span.attributes,
    status: span.status,
    events: span.events,
  });
}

class FailingModel implements ChatModel {
  constructor(private readonly error: Error) {}
  complete(): Promise<ChatModelResult> {
    return Promise.reject(this.error);
  }
  async *stream(): AsyncGenerator<ChatModelEvent> {
    yield { type: 'text-delta', text: 'Hel' };
    await Promise.resolve();
    throw this.error;
  }
}

describe('instrumentChatModel', () => {
  test('when a model call completes, then one CLIENT span carries the deployment, token usage and finish reason', async () => {
    const model = instrumentChatModel(
      new ScriptedChatModel({ content: 'Your balance is 10', usage, deployment: 'gpt-4o-mini' }),
      { defaultDeployment: 'gpt-4o-mini', serverAddress: 'oai-test.openai.azure.com' },
    );

    await model.complete(request);

    const span = onlySpan();
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      'gen_ai.provider.name': 'azure.ai.openai',
      'gen_ai.system': 'azure.ai.openai',
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 3,
      'gen_ai.response.finish_reasons': ['stop'],
      'server.address': 'oai-test.openai.azure.com',
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(exported(span)).not.toContain('4242');
    expect(exported(span)).not.toContain('balance');
  });

  test('when a reasoning model answers, then the span carries its reported model, reasoning and cached tokens', async () => {
    const model = instrumentChatModel(
      new ScriptedChatModel({
        content: 'ok',
        usage: {
          promptTokens: 2048,
          completionTokens: 80,
          totalTokens: 2128,
          reasoningTokens: 64,
          cachedTokens: 1920,
        },
        model: 'gpt-5.4-mini-2026-03-17',
      }),
      { defaultDeployment: 'chat' },
    );

    await model.complete(request);

    expect(onlySpan().attributes).toMatchObject({
      'gen_ai.response.model': 'gpt-5.4-mini-2026-03-17',
      'gen_ai.usage.output_tokens': 80,
      'gen_ai.usage.reasoning.output_tokens': 64,
      'gen_ai.usage.cache_read.input_tokens': 1920,
    });
  });

  test('when a request picks another deployment, then the span is named after that deployment', async () => {
    const model = instrumentChatModel(new ScriptedChatModel({ deployment: 'gpt-4o' }), {
      defaultDeployment: 'gpt-4o-mini',
    });

    await model.complete({ ...request, deployment: 'gpt-4o', temperature: 0.2, maxTokens: 100 });

    expect(onlySpan().name).toBe('chat gpt-4o');
    expect(onlySpan().attributes).toMatchObject({
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.max_tokens': 100,
    });
  });

  test('when no deployment is known up front, then the span takes the deployment that answered', async () => {
    const model = instrumentChatModel(new ScriptedChatModel({ deployment: 'chat' }));

    await model.complete(request);

    expect(onlySpan().name).toBe('chat chat');
    expect(onlySpan().attributes['gen_ai.request.model']).toBe('chat');
  });

  test('when a streamed call reaches its finish event, then its span has ended with the usage', async () => {
    const model = instrumentChatModel(
      new ScriptedChatModel({ content: 'Hello there, friend', usage, finishReason: 'length' }),
      { defaultDeployment: 'chat' },
    );
    const endedSpansAt: Record<string, number[]> = { 'text-delta': [], finish: [] };

    for await (const event of model.stream(request))
      endedSpansAt[event.type]?.push(exporter.getFinishedSpans().length);

    expect(endedSpansAt['text-delta']).toEqual([0, 0, 0]);
    expect(endedSpansAt.finish).toEqual([1]);
    expect(onlySpan().attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 3,
      'gen_ai.response.finish_reasons': ['length'],
    });
    expect(exported(onlySpan())).not.toContain('friend');
  });

  test('when a model call fails, then the span has error status and the error code, not the message', async () => {
    const error = new UpstreamError(503, 'model_unavailable', 'upstream said: key sk-secret-123 is invalid');
    const model = instrumentChatModel(new FailingModel(error), { defaultDeployment: 'chat' });

    await expect(model.complete(request)).rejects.toBe(error);

    const span = onlySpan();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'model_unavailable' });
    expect(span.attributes).toMatchObject({ 'error.type': 'model_unavailable', 'app.error.status': 503 });
    expect(exported(span)).not.toContain('sk-secret-123');
  });

  test('when a streamed call fails midway, then the span ends with error status', async () => {
    const model = instrumentChatModel(new FailingModel(new TypeError('socket hang up')), {
      defaultDeployment: 'chat',
    });
    const events: string[] = [];

    await expect(async () => {
      for await (const event of model.stream(request)) events.push(event.type);
    }).rejects.toThrow('socket hang up');

    expect(events).toEqual(['text-delta']);
    expect(onlySpan().status).toEqual({ code: SpanStatusCode.ERROR, message: 'TypeError' });
  });

  test('when the client aborts and stops reading a stream, then the span ends as cancelled', async () => {
    const model = instrumentChatModel(new ScriptedChatModel({ content: 'one two three four' }), {
      defaultDeployment: 'chat',
    });
    const controller = new AbortController();

    for await (const event of model.stream(request, controller.signal)) {
      expect(event.type).toBe('text-delta');
      controller.abort();
      break;
    }

    const span = onlySpan();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toMatchObject({ 'error.type': 'cancelled', 'app.stream.completed': false });
    expect(span.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
  });

  test('when the caller aborts a call and the model throws, then the span reads cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const model = instrumentChatModel(new FailingModel(new Error('Request was aborted.')), {
      defaultDeployment: 'chat',
    });

    await expect(model.complete(request, controller.signal)).rejects.toThrow('aborted');

    expect(onlySpan().status).toEqual({ code: SpanStatusCode.ERROR, message: 'cancelled' });
  });

  test('when a model call completes, then token usage and duration are recorded as GenAI metrics', async () => {
    class TestReader extends MetricReader {
      protected onShutdown = () => Promise.resolve();
      protected onForceFlush = () => Promise.resolve();
    }
    const reader = new TestReader();
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    try {
      const model = instrumentChatModel(new ScriptedChatModel({ usage }), { defaultDeployment: 'chat' });
      await model.complete(request);

      const { resourceMetrics } = await reader.collect();
      const all = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
      const tokens = all.find((metric) => metric.descriptor.name === 'gen_ai.client.token.usage');
      const duration = all.find((metric) => metric.descriptor.name === 'gen_ai.client.operation.duration');
      const sums = Object.fromEntries(
        (tokens?.dataPoints ?? []).map((point) => [
          point.attributes['gen_ai.token.type'],
          typeof point.value === 'object' && 'sum' in point.value ? point.value.sum : undefined,
        ]),
      );
      expect(sums).toEqual({ input: 12, output: 3 });
      expect(tokens?.dataPoints[0]?.attributes).toMatchObject({ 'gen_ai.request.model': 'chat' });
      expect(duration?.descriptor.unit).toBe('s');
      expect(duration?.dataPoints).toHaveLength(1);
    } finally {
      metrics.disable();
    }
  });

  test('when telemetry is not running, then calls go straight to the model and no span is recorded', async () => {
    await telemetry.shutdown();
    const model = instrumentChatModel(new ScriptedChatModel({ content: 'plain' }));

    const result = await model.complete(request);

    expect(result.content).toBe('plain');
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });
});

describe('instrumentScorer', () => {
  test('when scoring succeeds, then a "score customer" span carries ok and the source', async () => {
    const scorer = instrumentScorer(createHeuristicScorer());

    const outcome = await scorer.score(customer);

    expect(outcome.ok).toBe(true);
    const span = onlySpan();
    expect(span.name).toBe('score customer');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({ 'app.scoring.ok': true, 'app.scoring.source': 'heuristic' });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(exported(span)).not.toContain('Business travel');
  });

  test('when scoring fails, then the span has error status, the HTTP status and attempts, not the endpoint text', async () => {
    const failing: CustomerScorer = {
      score: () =>
        Promise.resolve({
          ok: false,
          diagnostics: {
            error: 'endpoint said: bad key abc123',
            status: 401,
            attempts: 2,
            requestId: 'req-7',
          },
        }),
    };

    const outcome = await instrumentScorer(failing).score(customer);

    expect(outcome.ok).toBe(false);
    const span = onlySpan();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'scoring_failed' });
    expect(span.attributes).toMatchObject({
      'app.scoring.ok': false,
      'app.scoring.status': 401,
      'app.scoring.attempts': 2,
      'app.scoring.request_id': 'req-7',
    });
    expect(exported(span)).not.toContain('abc123');
  });
});

describe('instrumentHistoryStore', () => {
  const store: HistoryStore = {
    getConversation: () => Promise.resolve(undefined),
    recentMessages: () => Promise.resolve([]),
    listConversations: () => Promise.resolve({ items: [] }),
    listMessages: () => Promise.resolve({ items: [] }),
    appendTurn: () => Promise.resolve({ written: 3, requestCharge: 21.5 }),
    deleteConversation: () => Promise.resolve(true),
  };
  const turn = {
    version: 1 as const,
    correlationId: 'abc',
    userId: 'user-1',
    conversationId: 'c1',
    turnId: '00000000-0000-4000-8000-000000000000',
    isNewConversation: true,
    title: 'Hello',
    createdAt: new Date().toISOString(),
    messages: [{ role: 'user' as const, content: SECRET_PROMPT }],
  };

  test('when each method is called, then each has a "cosmos <method>" span with the database attributes', async () => {
    const history = instrumentHistoryStore(store, { database: 'chat', container: 'conversations' });

    await history.getConversation('user-1', 'c1');
    await history.recentMessages('user-1', 'c1', 20);
    await history.listConversations('user-1', { size: 10 });
    await history.listMessages('user-1', 'c1', { size: 10 });
    await history.appendTurn(turn);
    await history.deleteConversation('user-1', 'c1');

    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name)).toEqual([
      'cosmos getConversation',
      'cosmos recentMessages',
      'cosmos listConversations',
      'cosmos listMessages',
      'cosmos appendTurn',
      'cosmos deleteConversation',
    ]);
    for (const span of spans) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes).toMatchObject({
        'db.system': 'cosmosdb',
        'db.system.name': 'azure.cosmosdb',
        'db.namespace': 'chat',
        'db.collection.name': 'conversations',
        'db.operation.name': span.name.replace('cosmos ', ''),
      });
      expect(exported(span)).not.toContain('user-1');
      expect(exported(span)).not.toContain('4242');
    }
    expect(spans[4]?.attributes).toMatchObject({
      'azure.cosmosdb.operation.request_charge': 21.5,
      'app.history.written': 3,
    });
  });

  test('when Cosmos DB is unavailable, then the span has error status and the error code', async () => {
    const history = instrumentHistoryStore({
      ...store,
      getConversation: () =>
        Promise.reject(new UpstreamError(503, 'storage_unavailable', 'Cosmos DB is unavailable')),
    });

    await expect(history.getConversation('user-1', 'c1')).rejects.toThrow('Cosmos DB is unavailable');

    expect(onlySpan().status).toEqual({ code: SpanStatusCode.ERROR, message: 'storage_unavailable' });
  });
});
