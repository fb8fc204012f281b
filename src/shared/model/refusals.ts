import * as z from 'zod';

import { loadedOpenAI } from '../lazy-modules';
import type { Capabilities, Feature } from './model-capabilities';

/** A 400 in which Azure refused one parameter or value of the request. */
export interface Refusal {
  readonly param: string;
  readonly code: string | undefined;
  /** Azure's text: read to tell refusals apart, never repeated to a caller. */
  readonly message: string;
}

/** What a request body carried, so a refusal can be matched to what the app chose to send. */
export interface SentParameters {
  readonly tokenLimit: 'max_completion_tokens' | 'max_tokens' | undefined;
  readonly temperature: boolean;
  readonly reasoningEffort: string | undefined;
  readonly verbosity: boolean;
  readonly tools: boolean;
  readonly developerRole: boolean;
  /** A function was sent with `strict: true` (structured outputs). */
  readonly strictTools: boolean;
}

const errorBody = z.object({
  message: z.string().catch(''),
  param: z.string().nullish().catch(undefined),
  code: z.string().nullish().catch(undefined),
});

/** The refused parameter of a 400, named in `param` or in "Unrecognized request argument supplied: x". */
export function readRefusal(error: unknown): Refusal | undefined {
  const openai = loadedOpenAI();
  if (openai === undefined || !(error instanceof openai.APIError) || error.status !== 400) return undefined;
  const body = errorBody.safeParse(error.error);
  if (!body.success) return undefined;
  const { message, param, code } = body.data;
  const named = param ?? /Unrecognized request argument supplied: (\w+)/.exec(message)?.[1];
  return named === undefined ? undefined : { param: named, code: code ?? undefined, message };
}

const refuse = (capabilities: Capabilities, feature: Feature): Capabilities => ({
  ...capabilities,
  refused: new Set([...capabilities.refused, feature]),
});

/**
 * What a refusal teaches about the deployment, or undefined when it concerns nothing the app chose to
 * send (then it is a real error). Each answer changes the capabilities, so a request is adjusted for
 * each parameter at most once.
 */
export function learnFrom(
  capabilities: Capabilities,
  refusal: Refusal,
  sent: SentParameters,
): Capabilities | undefined {
  const { param } = refusal;
  if (param === 'max_tokens' && sent.tokenLimit === 'max_tokens') {
    return { ...capabilities, tokenLimit: 'max_completion_tokens' };
  }
  if (param === 'max_completion_tokens' && sent.tokenLimit === 'max_completion_tokens') {
    return { ...capabilities, tokenLimit: 'max_tokens' };
  }
  if ((param === 'temperature' || param === 'top_p') && sent.temperature) {
    return refuse({ ...capabilities, family: capabilities.family ?? 'reasoning' }, 'temperature');
  }
  if (param === 'verbosity' && sent.verbosity) return refuse(capabilities, 'verbosity');
  if (/^messages\.?\[?\d+\]?\.role$/.test(param) && sent.developerRole) {
    return refuse(capabilities, 'developer_role');
  }
  // An older api-version or model without structured outputs: the functions go non-strict (and are validated).
  if (/^tools\.?\[?\d+\]?\.function\.strict$|^strict$/.test(param) && sent.strictTools) {
    return refuse(capabilities, 'strict_tools');
  }
  if (param !== 'reasoning_effort') return undefined;
  const effort = sent.reasoningEffort;
  // Models that reason by default refuse function tools even when no effort was sent: they need none.
  if (sent.tools && effort !== 'none' && capabilities.effortWithTools && /tool/i.test(refusal.message)) {
    return { ...capabilities, effortWithTools: false };
  }
  if (effort === undefined) return undefined;
  if (refusal.code === 'unsupported_value' || refusal.code === 'invalid_value') {
    return capabilities.refusedEfforts.has(effort)
      ? undefined
      : { ...capabilities, refusedEfforts: new Set([...capabilities.refusedEfforts, effort]) };
  }
  return refuse({ ...capabilities, family: capabilities.family ?? 'classic' }, 'reasoning_effort');
}
