import type { AzureOpenAI } from 'openai';

import { ensureError, UpstreamError } from '../errors';
import { loadOpenAI } from '../lazy-modules';
import {
  addUsage,
  type ChatModel,
  type ChatModelEvent,
  type ChatModelResult,
  emptyUsage,
} from './chat-model';
import { classifyModelError, toModelAppError } from './model-errors';
import { toOpenAIBody } from './openai-messages';
import {
  parseChunk,
  parseCompletion,
  type ParsedToolCallDelta,
  toFinishReason,
  toUsage,
} from './openai-replies';
import { type RetryPolicy, withRetries } from './retry-policy';

export interface AzureOpenAIClientOptions {
  readonly endpoint: string;
  readonly apiVersion: string;
  readonly timeoutMs: number;
  /** Key auth; without it, `tokenProvider` gives Microsoft Entra tokens. */
  readonly apiKey?: string;
  readonly tokenProvider?: () => Promise<string>;
}

export interface AzureOpenAIOptions extends AzureOpenAIClientOptions {
  readonly deployment: string;
  readonly retry: RetryPolicy;
  /** A shared client (one per process); by default the model builds its own from the options above. */
  readonly client?: () => AzureOpenAI;
}

/**
 * The process's AzureOpenAI client, built on first use. Its own retries are off: the models that use it
 * retry in one layer, each with its own policy.
 */
export function lazyAzureOpenAIClient(options: AzureOpenAIClientOptions): () => AzureOpenAI {
  let client: AzureOpenAI | undefined;
  return () => {
    if (client !== undefined) return client;
    const { AzureOpenAI: Client } = loadOpenAI();
    const auth =
      options.apiKey !== undefined
        ? { apiKey: options.apiKey }
        : { azureADTokenProvider: options.tokenProvider ?? missingCredential };
    client = new Client({
      endpoint: options.endpoint,
      apiVersion: options.apiVersion,
      timeout: options.timeoutMs,
      maxRetries: 0,
      ...auth,
    });
    return client;
  };
}

/**
 * The chat model over Azure OpenAI, through the `openai` package's AzureOpenAI client. The client's own
 * retries are off: retries happen here, in one layer, with a cap on the total wait.
 *
 * @example
 * const model = createAzureOpenAIChatModel({ endpoint, apiVersion: '2024-10-21', deployment: 'chat', ... });
 * const result = await model.complete({ messages: [{ role: 'user', content: 'Hi' }] });
 */
export function createAzureOpenAIChatModel(
  options: AzureOpenAIOptions,
): ChatModel & { ping(signal: AbortSignal): Promise<void> } {
  const getClient = options.client ?? lazyAzureOpenAIClient(options);

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
          await getClient().models.list({ signal });
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
        const reply = await withRetries(
          () =>
            getClient().chat.completions.create(toOpenAIBody(request, deployment), signal ? { signal } : {}),
          options.retry,
          classifyModelError,
          signal,
        );
        return { ...parseCompletion(reply), deployment };
      });
    },

    async *stream(request, signal): AsyncIterable<ChatModelEvent> {
      const deployment = request.deployment ?? options.deployment;
      // Retries cover only opening the stream: once a delta has been passed on, a failure is final.
      const stream = await withModelErrors(deployment, () =>
        withRetries(
          () =>
            getClient().chat.completions.create(
              { ...toOpenAIBody(request, deployment), stream: true, stream_options: { include_usage: true } },
              signal ? { signal } : {},
            ),
          options.retry,
          classifyModelError,
          signal,
        ),
      );
      const assembled = new ToolCallAssembler();
      let content = '';
      let sawContent = false;
      let finishReason: ChatModelResult['finishReason'] = 'unknown';
      let usage = emptyUsage;
      try {
        for await (const raw of stream) {
          const chunk = parseChunk(raw);
          if (chunk.usage) usage = addUsage(emptyUsage, toUsage(chunk.usage));
          for (const choice of chunk.choices) {
            if (choice.finish_reason) finishReason = toFinishReason(choice.finish_reason);
            const delta = choice.delta;
            if (!delta) continue;
            if (delta.content) {
              sawContent = true;
              content += delta.content;
              yield { type: 'text-delta', text: delta.content };
            }
            for (const call of delta.tool_calls ?? []) assembled.add(call);
          }
        }
      } catch (error) {
        throw toModelAppError(error, deployment);
      }
      // The SDK ends a stream quietly when it is aborted: that is a cut-off answer, not a finished one.
      if (signal?.aborted === true) throw ensureError(signal.reason);
      yield {
        type: 'finish',
        result: {
          content: sawContent ? content : null,
          toolCalls: assembled.calls(),
          finishReason,
          usage,
          deployment,
        },
      };
    },
  };
}

/** Tool calls arrive in pieces: the first delta of a call has its id and name, later ones add argument text. */
class ToolCallAssembler {
  readonly #calls = new Map<number, { id: string; name: string; arguments: string }>();

  add(delta: ParsedToolCallDelta) {
    const call = this.#calls.get(delta.index) ?? { id: '', name: '', arguments: '' };
    if (delta.id) call.id = delta.id;
    if (delta.function?.name) call.name = delta.function.name;
    if (delta.function?.arguments) call.arguments += delta.function.arguments;
    this.#calls.set(delta.index, call);
  }

  calls() {
    return [...this.#calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
  }
}

function missingCredential(): Promise<string> {
  return Promise.reject(new Error('CredentialUnavailable: no token provider configured'));
}
