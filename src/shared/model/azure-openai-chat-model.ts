import type { OpenAI } from 'openai';

import { UpstreamError } from '../errors';
import type { Logger } from '../logging/logger';
import type { ChatModel, ChatModelEvent, ChatModelRequest, ReasoningEffort } from './chat-model';
import type { CircuitBreaker } from './circuit-breaker';
import type { CapabilityStore } from './model-capabilities';
import { circuitVerdict, classifyModelError, toModelAppError } from './model-errors';
import { type PreparedBody, toOpenAIBody } from './openai-messages';
import { parseCompletion } from './openai-replies';
import { readCompletionStream } from './openai-stream';
import { learnFrom, readRefusal } from './refusals';
import { type RetryPolicy, withRetries } from './retry-policy';

export interface AzureOpenAIOptions {
  /** The deployment used when a request names none. */
  readonly deployment: string;
  readonly retry: RetryPolicy;
  /** The process's client (`lazyOpenAIClient`): the v1 API or the classic path. */
  readonly client: () => Promise<OpenAI>;
  /** What each deployment takes; shared by every model of the process, so one lesson serves all. */
  readonly capabilities: CapabilityStore;
  /** Sent to reasoning deployments when a request names no effort (AZURE_OPENAI_REASONING_EFFORT). */
  readonly defaultReasoningEffort?: ReasoningEffort;
  readonly log?: Logger;
  /** Each deployment's circuit breaker, shared by the process's models; none: every call goes through. */
  readonly circuit?: (deployment: string) => CircuitBreaker;
}

// One adjustment per parameter the app may send: a request is re-sent at most this many times.
const MAX_ADJUSTMENTS = 5;

/**
 * The chat model over Azure OpenAI, through the `openai` package. Each call is shaped by what the
 * deployment takes (see CapabilityStore). When Azure refuses a parameter the app chose to send
 * (`unsupported_parameter`, `unsupported_value`), the call is sent again once without it, and the
 * deployment remembers: the next call does not send it. The client's own retries are off: retries of
 * 408/429/5xx happen here, in one layer, with a cap on the total wait, and each attempt passes the
 * deployment's circuit breaker (a deployment that keeps failing is answered 503 at once).
 *
 * @example
 * const model = createAzureOpenAIChatModel({ client, capabilities, deployment: 'chat', retry });
 * const result = await model.complete({ messages: [{ role: 'user', content: 'Hi' }], maxTokens: 2048 });
 */
export function createAzureOpenAIChatModel(
  options: AzureOpenAIOptions,
): ChatModel & { ping(signal: AbortSignal): Promise<void> } {
  const { capabilities } = options;

  const adapting = async <T>(
    deployment: string,
    request: ChatModelRequest,
    send: (prepared: PreparedBody) => Promise<T>,
  ): Promise<{ reply: T; prepared: PreparedBody }> => {
    for (let adjustments = 0; ; adjustments++) {
      const known = capabilities.get(deployment);
      const prepared = toOpenAIBody(request, deployment, known, options.defaultReasoningEffort);
      try {
        return { reply: await send(prepared), prepared };
      } catch (error) {
        const refusal = adjustments < MAX_ADJUSTMENTS ? readRefusal(error) : undefined;
        const learned = refusal === undefined ? undefined : learnFrom(known, refusal, prepared.sent);
        if (refusal === undefined || learned === undefined) throw error;
        capabilities.update(deployment, () => learned);
        options.log?.info('the model deployment refused a parameter: not sending it again', {
          deployment,
          param: refusal.param,
          code: refusal.code ?? null,
        });
      }
    }
  };

  // Every HTTP attempt passes the deployment's breaker: an open circuit fails at once, and is not retried.
  const guarded = <T>(deployment: string, attempt: () => Promise<T>): Promise<T> =>
    options.circuit === undefined ? attempt() : options.circuit(deployment).call(attempt, circuitVerdict);

  const withModelErrors = async <T>(deployment: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw toModelAppError(error, deployment);
    }
  };

  return {
    /** Lists the resource's models: proves the endpoint answers and the credential is accepted, at no token cost. */
    async ping(signal) {
      try {
        await withModelErrors(options.deployment, async () => {
          await (await options.client()).models.list({ signal });
        });
      } catch (error) {
        // Listing models names no deployment: a 404 here means the endpoint or api-version is wrong.
        if (error instanceof UpstreamError && error.code === 'model_deployment_not_found') {
          throw new UpstreamError(
            502,
            'model_endpoint_not_found',
            'Azure OpenAI answered 404; check AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_VERSION',
          );
        }
        throw error;
      }
    },

    async complete(request, signal) {
      const deployment = request.deployment ?? options.deployment;
      return withModelErrors(deployment, async () => {
        const { reply, prepared } = await adapting(deployment, request, ({ body }) =>
          withRetries(
            () =>
              guarded(deployment, async () =>
                (await options.client()).chat.completions.create(body, signal ? { signal } : {}),
              ),
            options.retry,
            classifyModelError,
            signal,
          ),
        );
        const parsed = parseCompletion(reply);
        capabilities.observeModel(deployment, parsed.model);
        return { ...parsed, deployment, ignored: prepared.ignored };
      });
    },

    async *stream(request, signal): AsyncIterable<ChatModelEvent> {
      const deployment = request.deployment ?? options.deployment;
      // Retries and adjustments cover only opening the stream: once a delta has been passed on, a failure is final.
      const { reply: stream, prepared } = await withModelErrors(deployment, () =>
        adapting(deployment, request, ({ body }) =>
          withRetries(
            () =>
              guarded(deployment, async () =>
                (await options.client()).chat.completions.create(
                  { ...body, stream: true, stream_options: { include_usage: true } },
                  signal ? { signal } : {},
                ),
              ),
            options.retry,
            classifyModelError,
            signal,
          ),
        ),
      );
      const result = yield* readCompletionStream(
        stream,
        { deployment, ignored: prepared.ignored },
        signal,
        (error) => toModelAppError(error, deployment),
      );
      capabilities.observeModel(deployment, result.model);
    },
  };
}
