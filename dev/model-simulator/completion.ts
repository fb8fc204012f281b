import { randomBytes } from 'node:crypto';

import type { ModelTurn } from './brain';
import type { ChatRequest } from './chat-request';
import { contentFilterResults, promptFilterResults } from './content-filter';
import { effortOf } from './profile-rules';
import { type DeploymentSpec, REASONING_TOKENS } from './profiles';
import { countArgumentTokens, countPromptTokens, splitIntoTokens } from './tokens';

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  completion_tokens_details: {
    accepted_prediction_tokens: number;
    audio_tokens: number;
    reasoning_tokens: number;
    rejected_prediction_tokens: number;
  };
  prompt_tokens_details: { audio_tokens: number; cached_tokens: number };
}

/** How the deployment answers: its profile and model, and what the request's magic phrases ask. */
export interface AnswerContext {
  readonly spec: DeploymentSpec;
  /** `[sim:reasoning-tokens:<n>]`, else the effort decides. */
  readonly reasoningTokens?: number | undefined;
  /** `[sim:output-filter]`: the answer is stopped by the output content filter. */
  readonly outputFilter?: boolean;
  /** Prompt tokens served from the prompt cache. */
  readonly cachedTokens?: number;
}

/** One answer, decided and counted, ready to be sent whole or streamed. */
export interface Completion {
  readonly id: string;
  readonly created: number;
  readonly model: string;
  readonly turn: ModelTurn;
  /** The content split into the tokens that are streamed one per chunk (empty for tool calls). */
  readonly tokens: readonly string[];
  readonly finishReason: FinishReason;
  readonly usage: Usage;
  /** The category the output filter flagged (finish_reason content_filter). */
  readonly filtered?: 'violence';
}

const SYSTEM_FINGERPRINT = 'fp_simulator';

/**
 * Counts and cuts an answer as the model would. A reasoning deployment first spends hidden reasoning
 * tokens, which count against `max_completion_tokens`: when they use it all, the answer is empty with
 * finish_reason "length". Text beyond what is left is cut there, also with "length".
 */
export function toCompletion(request: ChatRequest, turn: ModelTurn, context: AnswerContext): Completion {
  const { spec } = context;
  const reasoningModel = spec.profile === 'reasoning';
  const limit =
    request.max_completion_tokens ?? (reasoningModel ? null : request.max_tokens) ?? Number.POSITIVE_INFINITY;
  const wanted = reasoningModel
    ? (context.reasoningTokens ?? REASONING_TOKENS[effortOf(spec, request)] ?? 0)
    : 0;
  const reasoning = Math.min(wanted, limit);
  const left = limit - reasoning;
  const allTokens = turn.kind === 'text' ? splitIntoTokens(turn.text) : [];
  const argumentTokens =
    turn.kind === 'text'
      ? 0
      : turn.calls.reduce((total, call) => total + countArgumentTokens(call.arguments), 0);
  const exhausted = left <= 0 || (turn.kind === 'tool-calls' && argumentTokens > left);
  // The output filter cuts a text answer halfway, and withholds tool calls altogether.
  const filtered = context.outputFilter === true && !exhausted;
  const kept = exhausted ? 0 : filtered ? Math.floor(allTokens.length / 2) : Math.min(allTokens.length, left);
  const tokens = allTokens.slice(0, kept);
  const answered: ModelTurn =
    turn.kind === 'text' || exhausted || filtered ? { kind: 'text', text: tokens.join('') } : turn;
  const finishReason: FinishReason = exhausted
    ? 'length'
    : filtered
      ? 'content_filter'
      : answered.kind === 'tool-calls'
        ? 'tool_calls'
        : tokens.length < allTokens.length
          ? 'length'
          : 'stop';
  const completionTokens = reasoning + (answered.kind === 'text' ? tokens.length : argumentTokens);
  const promptTokens = countPromptTokens(request);
  return {
    id: `chatcmpl-${randomBytes(15).toString('base64url')}`,
    created: Math.floor(Date.now() / 1000),
    model: spec.model,
    turn: answered,
    tokens,
    finishReason,
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      completion_tokens_details: {
        accepted_prediction_tokens: 0,
        audio_tokens: 0,
        reasoning_tokens: reasoning,
        rejected_prediction_tokens: 0,
      },
      prompt_tokens_details: { audio_tokens: 0, cached_tokens: context.cachedTokens ?? 0 },
    },
    ...(filtered ? { filtered: 'violence' as const } : {}),
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
        content_filter_results: turn.kind === 'text' ? contentFilterResults(completion.filtered) : {},
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
        ...(finishReason === null
          ? {}
          : { content_filter_results: contentFilterResults(completion.filtered) }),
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
