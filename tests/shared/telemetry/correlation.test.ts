import { ReadableStream } from 'node:stream/web';
import { setTimeout as sleep } from 'node:timers/promises';

import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';

import { createHeuristicScorer } from '../../../src/shared/scoring/predict-customer-tool';
import {
  bindToInvocation,
  currentCorrelationId,
  parseTraceParent,
  runWithCorrelation,
} from '../../../src/shared/telemetry/correlation';
import { instrumentChatModel, instrumentScorer } from '../../../src/shared/telemetry/instrument';
import type { Telemetry } from '../../../src/shared/telemetry/telemetry';
import { startTelemetryForTests } from '../../../src/shared/telemetry/telemetry-for-tests';
import { exampleCustomer as customer } from '../../support/scoring-fixtures';
import { ScriptedChatModel } from '../../support/scripted-chat-model';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PARENT_SPAN_ID = 'b7ad6b7169203331';
const request = { messages: [{ role: 'user' as const, content: 'hi' }] };

let exporter: InMemorySpanExporter;
let telemetry: Telemetry;

beforeEach(async () => {
  exporter = new InMemorySpanExporter();
  telemetry = await startTelemetryForTests(exporter);
});

afterEach(async () => {
  await telemetry.shutdown();
});

/** One invocation's work: a model call, a streamed call, a scoring call and a hand-made span, across awaits. */
async function invocationWork(): Promise<void> {
  const model = instrumentChatModel(new ScriptedChatModel({ content: 'a b' }, { content: 'c d' }), {
    defaultDeployment: 'chat',
  });
  await model.complete(request);
  await sleep(5);
  for await (const _event of model.stream(request));
  await instrumentScorer(createHeuristicScorer()).score(customer);
  trace.getTracer('test').startActiveSpan('custom step', (span) => {
    span.end();
  });
}

describe('runWithCorrelation', () => {
  test('when spans start inside runWithCorrelation, then every one carries app.correlation_id', async () => {
    await runWithCorrelation('abc', invocationWork);

    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name)).toEqual([
      'chat chat',
      'chat chat',
      'score customer',
      'custom step',
    ]);
    for (const span of spans) expect(span.attributes['app.correlation_id']).toBe('abc');
  });

  test('when two invocations run at once, then each span carries its own correlation id', async () => {
    await Promise.all([
      runWithCorrelation('first', invocationWork),
      runWithCorrelation('second', invocationWork),
    ]);

    const ids = exporter.getFinishedSpans().map((span) => span.attributes['app.correlation_id']);
    expect(ids.filter((id) => id === 'first')).toHaveLength(4);
    expect(ids.filter((id) => id === 'second')).toHaveLength(4);
  });

  test('when a span starts outside runWithCorrelation, then it has no correlation id', async () => {
    await invocationWork();

    for (const span of exporter.getFinishedSpans())
      expect(span.attributes['app.correlation_id']).toBeUndefined();
  });

  test("when the invocation has the host's traceparent, then its spans join the host's trace", async () => {
    await runWithCorrelation('abc', invocationWork, {
      traceParent: `00-${TRACE_ID}-${PARENT_SPAN_ID}-01`,
    });

    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(4);
    for (const span of spans) {
      expect(span.spanContext().traceId).toBe(TRACE_ID);
      expect(span.parentSpanContext?.spanId).toBe(PARENT_SPAN_ID);
    }
  });

  test('when there is no traceparent, then each span starts a trace of its own', async () => {
    await runWithCorrelation('abc', invocationWork, { traceParent: undefined });

    const traceIds = new Set(exporter.getFinishedSpans().map((span) => span.spanContext().traceId));
    expect(traceIds.size).toBe(4);
  });

  test('when a streamed body is pulled after the handler returned, then its bound steps keep the correlation id and trace', async () => {
    const model = instrumentChatModel(new ScriptedChatModel({ content: 'a' }, { content: 'b' }), {
      defaultDeployment: 'chat',
    });
    async function* frames() {
      await model.complete(request);
      yield 'first round';
      await model.complete(request);
      yield 'second round';
    }

    // Like streamedResponse: the handler builds a pull-based body; the Functions library reads it later.
    const body = await runWithCorrelation(
      'abc',
      () => {
        const iterator = bindToInvocation(frames())[Symbol.asyncIterator]();
        return Promise.resolve(
          new ReadableStream<string>(
            {
              async pull(controller) {
                const next = await iterator.next();
                if (next.done === true) controller.close();
                else controller.enqueue(next.value);
              },
            },
            { highWaterMark: 0 },
          ),
        );
      },
      { traceParent: `00-${TRACE_ID}-${PARENT_SPAN_ID}-01` },
    );
    await sleep(5);
    const chunks: string[] = [];
    for await (const chunk of body) chunks.push(chunk);

    expect(chunks).toEqual(['first round', 'second round']);
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(2);
    for (const span of spans) {
      expect(span.attributes['app.correlation_id']).toBe('abc');
      expect(span.spanContext().traceId).toBe(TRACE_ID);
    }
  });

  test('when telemetry is not running, then bindToInvocation returns the items as they are', async () => {
    await telemetry.shutdown();
    const items = (async function* () {
      yield await Promise.resolve(1);
    })();

    expect(bindToInvocation(items)).toBe(items);
  });

  test('when telemetry is not running, then the handler still runs under its correlation id (for the process-level handlers)', async () => {
    await telemetry.shutdown();

    const seen = await runWithCorrelation('abc', () => Promise.resolve(currentCorrelationId()));

    expect(seen).toBe('abc');
    expect(currentCorrelationId()).toBeUndefined();
  });

  test('when a handler throws, then the error reaches the caller unchanged', async () => {
    const error = new Error('boom');

    await expect(runWithCorrelation('abc', () => Promise.reject(error))).rejects.toBe(error);
  });
});

describe('parseTraceParent', () => {
  test('when the traceparent is valid, then it becomes a remote span context', () => {
    expect(parseTraceParent(`00-${TRACE_ID}-${PARENT_SPAN_ID}-01`)).toEqual({
      traceId: TRACE_ID,
      spanId: PARENT_SPAN_ID,
      traceFlags: 1,
      isRemote: true,
    });
  });

  test.each([
    ['missing', undefined],
    ['null', null],
    ['empty', ''],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${PARENT_SPAN_ID}-01`],
    ['an all-zero span id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['version ff', `ff-${TRACE_ID}-${PARENT_SPAN_ID}-01`],
    ['extra fields in version 00', `00-${TRACE_ID}-${PARENT_SPAN_ID}-01-extra`],
    ['upper-case hex', `00-${TRACE_ID.toUpperCase()}-${PARENT_SPAN_ID}-01`],
    ['a short trace id', `00-${TRACE_ID.slice(1)}-${PARENT_SPAN_ID}-01`],
  ])('when the traceparent is %s, then it is ignored', (_case, value) => {
    expect(parseTraceParent(value)).toBeUndefined();
  });

  test('when a later version adds fields, then the known fields are still read', () => {
    expect(parseTraceParent(`01-${TRACE_ID}-${PARENT_SPAN_ID}-00-future`)?.traceFlags).toBe(0);
  });
});
