import { randomBytes } from 'node:crypto';

import type { ModelTurn } from './brain';
import type { ChatRequest } from './chat-request';
import { contentFilterResults, promptFilterResults } from './content-filter';
import { countArgumentTokens, countPromptTokens, splitIntoTokens } from './tokens';

export type FinishReason = 'stop' | 'length' | 'tool_calls';

/** One answer, decided and counted, ready to be sent whole or streamed. */
export interface Completion {
  readonly id: string;
  readonly created: number;
  readonly model: string;
  readonly turn: ModelTurn;
  /** The content split into the tokens that are streamed one per chunk (empty for tool calls). */
  readonly tokens: readonly string[];
  readonly finishReason: FinishReason;
  readonly usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

const SYSTEM_FINGERPRINT = 'fp_simulator';

/** Cuts a text answer at max_tokens with finish_reason "length", as the real model does. */
export function toCompletion(request: ChatRequest, turn: ModelTurn, model: string): Completion {
  const limit = request.max_completion_tokens ?? request.max_tokens ?? Number.POSITIVE_INFINITY;
  const allTokens = turn.kind === 'text' ? splitIntoTokens(turn.text) : [];
  const tokens = allTokens.slice(0, limit);
  const cut: ModelTurn = turn.kind === 'text' ? { kind: 'text', text: tokens.join('') } : turn;
  const completionTokens =
    turn.kind === 'text'
      ? tokens.length
      : turn.calls.reduce((total, call) => total + countArgumentTokens(call.arguments), 0);
  const promptTokens = countPromptTokens(request);
  return {
    id: `chatcmpl-${randomBytes(15).toString('base64url')}`,
    created: Math.floor(Date.now() / 1000),
    model,
    turn: cut,
    tokens,
    finishReason:
      turn.kind === 'tool-calls' ? 'tool_calls' : tokens.length < allTokens.length ? 'length' : 'stop',
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  };
}

function toolCallsOf(turn: ModelTurn): unknown[] {
  if (turn.kind === 'text') return [];
  return turn.calls.map((call) => ({
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  }));
}

export function toCompletionBody(completion: Completion): unknown {
  const { turn } = completion;
  return {
    id: completion.id,
    object: 'chat.completion',
    created: completion.created,
    model: completion.model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    prompt_filter_results: promptFilterResults(),
    choices: [
      {
        index: 0,
        finish_reason: completion.finishReason,
        logprobs: null,
        message: {
          role: 'assistant',
          content: turn.kind === 'text' ? turn.text : null,
          ...(turn.kind === 'tool-calls' ? { tool_calls: toolCallsOf(turn) } : {}),
          refusal: null,
        },
        content_filter_results: turn.kind === 'text' ? contentFilterResults() : {},
      },
    ],
    usage: completion.usage,
  };
}

/** Azure's first streamed chunk: no choices, only the prompt's filter verdicts, and blank identity fields. */
export function toPromptFilterChunk(): unknown {
  return {
    choices: [],
    created: 0,
    id: '',
    model: '',
    object: '',
    prompt_filter_results: promptFilterResults(),
  };
}

export function toChunk(
  completion: Completion,
  delta: unknown,
  finishReason: FinishReason | null = null,
): unknown {
  return {
    id: completion.id,
    object: 'chat.completion.chunk',
    created: completion.created,
    model: completion.model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices: [
      {
        index: 0,
        delta,
        finish_reason: finishReason,
        logprobs: null,
        ...(finishReason === null ? {} : { content_filter_results: contentFilterResults() }),
      },
    ],
  };
}

export function toUsageChunk(completion: Completion): unknown {
  return {
    id: completion.id,
    object: 'chat.completion.chunk',
    created: completion.created,
    model: completion.model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices: [],
    usage: completion.usage,
  };
}
