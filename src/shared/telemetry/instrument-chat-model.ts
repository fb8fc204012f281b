import type { Attributes, Span } from '@opentelemetry/api';

import type { ChatModel, ChatModelEvent, ChatModelRequest, ChatModelResult } from '../model/chat-model';
import { app, AZURE_OPENAI_PROVIDER, ERROR_TYPE, genAi, SERVER_ADDRESS } from './attributes';
import { recordModelCall } from './gen-ai-metrics';
import { errorAttributes, inClientSpan, markFailed, tracer } from './spans';
import { type OpenTelemetryApi, telemetryApi } from './telemetry-api';

export interface ChatModelTelemetryOptions {
  /** The deployment used when a request names none (AZURE_OPENAI_DEPLOYMENT): span names need it. */
  readonly defaultDeployment?: string | undefined;
  /** The Azure OpenAI endpoint's host name, reported as server.address. */
  readonly serverAddress?: string | undefined;
}

const OPERATION = 'chat';

/**
 * A chat model that reports each `complete` and `stream` call as a CLIENT span `chat <deployment>`
 * with the GenAI attributes (deployment, token usage, finish reason) and metrics. Prompts and answers
 * are never recorded. Without telemetry, calls go straight to `model`.
 *
 * @example
 * const model = instrumentChatModel(createAzureOpenAIChatModel(options), { defaultDeployment: 'chat' });
 */
export function instrumentChatModel(model: ChatModel, options: ChatModelTelemetryOptions = {}): ChatModel {
  return {
    complete: (request, signal) => {
      const api = telemetryApi();
      if (api === undefined) return model.complete(request, signal);
      const call = startCall(request, options);
      const describeError = (error: unknown) => failureAttributes(error, signal);
      return inClientSpan(
        api,
        call.name,
        call.attributes,
        async (span) => {
          try {
            const result = await model.complete(request, signal);
            finish(api, span, call, result);
            return result;
          } catch (error) {
            recordModelCall(
              api,
              { ...call.metricAttributes, ...describeError(error) },
              call.startedAt,
              undefined,
            );
            throw error;
          }
        },
        describeError,
      );
    },
    stream: (request, signal) => {
      const api = telemetryApi();
      if (api === undefined) return model.stream(request, signal);
      return tracedStream(api, model, request, signal, options);
    },
  };
}

interface Call {
  readonly name: string;
  readonly attributes: Attributes;
  readonly metricAttributes: Attributes;
  readonly deployment: string | undefined;
  readonly startedAt: number;
}

function startCall(request: ChatModelRequest, options: ChatModelTelemetryOptions): Call {
  const deployment = request.deployment ?? emptyToUndefined(options.defaultDeployment);
  const metricAttributes: Attributes = {
    [genAi.operationName]: OPERATION,
    [genAi.providerName]: AZURE_OPENAI_PROVIDER,
    ...(deployment === undefined ? {} : { [genAi.requestModel]: deployment }),
    ...(options.serverAddress === undefined ? {} : { [SERVER_ADDRESS]: options.serverAddress }),
  };
  return {
    name: deployment === undefined ? OPERATION : `${OPERATION} ${deployment}`,
    attributes: {
      ...metricAttributes,
      [genAi.system]: AZURE_OPENAI_PROVIDER,
      ...(request.temperature === undefined ? {} : { [genAi.requestTemperature]: request.temperature }),
      ...(request.maxTokens === undefined ? {} : { [genAi.requestMaxTokens]: request.maxTokens }),
    },
    metricAttributes,
    deployment,
    startedAt: performance.now(),
  };
}

function finish(api: OpenTelemetryApi, span: Span, call: Call, result: ChatModelResult): void {
  if (call.deployment === undefined) {
    span.updateName(`${OPERATION} ${result.deployment}`);
    span.setAttribute(genAi.requestModel, result.deployment);
  }
  span.setAttributes({
    [genAi.usageInputTokens]: result.usage.promptTokens,
    [genAi.usageOutputTokens]: result.usage.completionTokens,
    [genAi.usageReasoningTokens]: result.usage.reasoningTokens,
    [genAi.usageCacheReadTokens]: result.usage.cachedTokens,
    [genAi.responseFinishReasons]: [result.finishReason],
    ...(result.model === undefined ? {} : { [genAi.responseModel]: result.model }),
  });
  const metricAttributes =
    call.deployment === undefined
      ? { ...call.metricAttributes, [genAi.requestModel]: result.deployment }
      : call.metricAttributes;
  recordModelCall(api, metricAttributes, call.startedAt, result.usage);
}

// The span covers the whole stream: it ends at the finish event, on an error, or when the consumer
// stops early (client gone). Each step runs in the span's context, so SDK spans nest under it.
async function* tracedStream(
  api: OpenTelemetryApi,
  model: ChatModel,
  request: ChatModelRequest,
  signal: AbortSignal | undefined,
  options: ChatModelTelemetryOptions,
): AsyncGenerator<ChatModelEvent, void, undefined> {
  const call = startCall(request, options);
  const span = tracer(api).startSpan(call.name, { kind: api.SpanKind.CLIENT, attributes: call.attributes });
  const inSpan = api.trace.setSpan(api.context.active(), span);
  const iterator = api.context.with(inSpan, () => model.stream(request, signal)[Symbol.asyncIterator]());
  let ended = false;
  let failed = false;
  let exhausted = false;
  try {
    for (;;) {
      const step = await api.context.with(inSpan, () => iterator.next());
      if (step.done === true) {
        exhausted = true;
        break;
      }
      if (step.value.type === 'finish' && !ended) {
        finish(api, span, call, step.value.result);
        span.end();
        ended = true;
      }
      yield step.value;
    }
  } catch (error) {
    if (!ended) {
      const attributes = failureAttributes(error, signal);
      markFailed(api, span, attributes);
      recordModelCall(api, { ...call.metricAttributes, ...attributes }, call.startedAt, undefined);
      failed = true;
    }
    throw error;
  } finally {
    if (!exhausted) await iterator.return?.();
    if (!ended) {
      if (!failed) {
        span.setAttribute(app.streamCompleted, false);
        if (signal?.aborted === true) markFailed(api, span, CANCELLED);
      }
      span.end();
    }
  }
}

const CANCELLED: Attributes = { [ERROR_TYPE]: 'cancelled' };

/** A call the caller aborted (client gone, timeout) reads as cancelled, whatever the SDK threw. */
function failureAttributes(error: unknown, signal: AbortSignal | undefined): Attributes {
  return signal?.aborted === true ? CANCELLED : errorAttributes(error);
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
