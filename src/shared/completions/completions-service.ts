import * as z from 'zod';

import {
  type AnswerFinishReason,
  budgetSpentMessage,
  type ParameterWarning,
  toWarnings,
} from '../chat/answer-status';
import { generationFields } from '../chat/chat-request';
import { countPromptTokens } from '../chat/prompt-tokens';
import { ContentFilteredError } from '../errors';
import type { Caller } from '../identity/caller';
import type { ChatMessage, ChatModel, Usage } from '../model/chat-model';

export const PROMPT_MAX_CHARS = 4000;

export const completionsRequestSchema = z.object({
  prompt: z
    .string({
      error: (issue) => (issue.input === undefined ? "'prompt' is required" : "'prompt' must be a string"),
    })
    .refine((prompt) => prompt.trim() !== '', "'prompt' is required")
    .refine(
      (prompt) => prompt.length <= PROMPT_MAX_CHARS,
      `'prompt' must be at most ${PROMPT_MAX_CHARS} characters`,
    ),
  temperature: z.number().min(0).max(2).optional(),
  ...generationFields,
});

export type CompletionsRequest = z.output<typeof completionsRequestSchema>;

export interface CompletionsAnswer {
  readonly response: string;
  readonly usage: {
    readonly prompt_chars: number;
    readonly response_chars: number;
    readonly prompt_tokens: number;
    readonly completion_tokens: number;
    readonly total_tokens: number;
    readonly reasoning_tokens: number;
    readonly cached_tokens: number;
  };
  /** `length`: the response was cut short by the token budget. */
  readonly finishReason: Extract<AnswerFinishReason, 'stop' | 'length'>;
  readonly warnings?: readonly ParameterWarning[];
}

const SYSTEM = 'You are a helpful assistant. Answer clearly and concisely.';

/**
 * Completions: one prompt, one answer, with character and token counts, and whether the answer is whole.
 * An answer the budget cut before any text explains that instead of being empty.
 */
export function createCompletionsService(
  model: ChatModel,
  settings: {
    maxCompletionTokens: number;
    /** Refuses a prompt before the model call (the tokens quota), knowing its tokens. */
    admit?: (caller: Caller, promptTokens: number) => Promise<void>;
    /** Told the usage Azure reports. */
    onUsage?: (caller: Caller, usage: Usage) => void;
  },
) {
  return {
    async complete(
      caller: Caller,
      request: CompletionsRequest,
      signal?: AbortSignal,
    ): Promise<CompletionsAnswer> {
      const messages: ChatMessage[] = [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: request.prompt },
      ];
      const promptTokens = await countPromptTokens(messages, []);
      await settings.admit?.(caller, promptTokens);
      // CHAT_MAX_COMPLETION_TOKENS: the budget when none is asked for, and the cap when one is.
      const maxTokens = Math.min(
        request.maxTokens ?? settings.maxCompletionTokens,
        settings.maxCompletionTokens,
      );
      const result = await model
        .complete(
          {
            messages,
            maxTokens,
            ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
            ...(request.reasoningEffort === undefined ? {} : { reasoningEffort: request.reasoningEffort }),
            ...(request.verbosity === undefined ? {} : { verbosity: request.verbosity }),
          },
          signal,
        )
        .catch((error: unknown) => {
          // A caller who left has still spent the prompt (Azure reports no usage then): no way around the quota.
          if (signal?.aborted === true) settings.onUsage?.(caller, promptOnly(promptTokens));
          throw error;
        });
      settings.onUsage?.(caller, result.usage);
      if (result.finishReason === 'content_filter') throw new ContentFilteredError(result.filteredCategory);
      const cut = result.finishReason === 'length';
      const text = result.content ?? '';
      const response = cut && text.trim() === '' ? budgetSpentMessage(maxTokens, result.usage) : text;
      const warnings = toWarnings(result.ignored);
      return {
        response,
        usage: {
          prompt_chars: request.prompt.length,
          response_chars: response.length,
          prompt_tokens: result.usage.promptTokens,
          completion_tokens: result.usage.completionTokens,
          total_tokens: result.usage.totalTokens,
          reasoning_tokens: result.usage.reasoningTokens,
          cached_tokens: result.usage.cachedTokens,
        },
        finishReason: cut ? 'length' : 'stop',
        ...(warnings.length === 0 ? {} : { warnings }),
      };
    },
  };
}

const promptOnly = (promptTokens: number): Usage => ({
  promptTokens,
  completionTokens: 0,
  totalTokens: promptTokens,
  reasoningTokens: 0,
  cachedTokens: 0,
});

export type CompletionsService = ReturnType<typeof createCompletionsService>;
