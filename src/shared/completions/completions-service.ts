import { z } from 'zod';

import { countPromptTokens } from '../chat/prompt-tokens';
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
  maxTokens: z.number().int().min(1).max(32_768).optional(),
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
  };
}

const SYSTEM = 'You are a helpful assistant. Answer clearly and concisely.';

/** Completions: one prompt, one answer, with the character and token counts of both. */
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
      await settings.admit?.(caller, await countPromptTokens(messages, []));
      const result = await model.complete(
        {
          messages,
          ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
          // CHAT_MAX_COMPLETION_TOKENS: the budget when none is asked for, and the cap when one is.
          maxTokens: Math.min(
            request.maxTokens ?? settings.maxCompletionTokens,
            settings.maxCompletionTokens,
          ),
        },
        signal,
      );
      settings.onUsage?.(caller, result.usage);
      const response = result.content ?? '';
      return {
        response,
        usage: {
          prompt_chars: request.prompt.length,
          response_chars: response.length,
          prompt_tokens: result.usage.promptTokens,
          completion_tokens: result.usage.completionTokens,
          total_tokens: result.usage.totalTokens,
        },
      };
    },
  };
}

export type CompletionsService = ReturnType<typeof createCompletionsService>;
