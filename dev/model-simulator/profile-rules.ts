import {
  apiVersionTooOld,
  invalidStrictSchema,
  toolsWithReasoningEffort,
  unsupportedEffort,
  unsupportedParameter,
  unsupportedSamplingValue,
} from './azure-errors';
import type { ChatRequest } from './chat-request';
import type { Reply } from './http-io';
import { type DeploymentSpec, modelNameOf, traitsOf } from './profiles';
import { strictSchemaProblem } from './strict-schema';

/** Reasoning models need this api-version or later on the classic path. */
export const MINIMUM_REASONING_API_VERSION = '2025-04-01-preview';

const DATED = /^(\d{4}-\d{2}-\d{2})/;

/** A dated api-version older than the deployment's model takes; `v1` and undated values pass. */
export function refuseApiVersion(spec: DeploymentSpec, apiVersion: string): Reply | undefined {
  if (spec.profile !== 'reasoning') return undefined;
  const date = DATED.exec(apiVersion)?.[1];
  const minimum = DATED.exec(MINIMUM_REASONING_API_VERSION)?.[1] ?? '';
  return date !== undefined && date < minimum
    ? apiVersionTooOld(modelNameOf(spec.model), MINIMUM_REASONING_API_VERSION)
    : undefined;
}

/** The effort a reasoning model spends: the request's, else its model's default. */
export function effortOf(spec: DeploymentSpec, chat: ChatRequest): string {
  return chat.reasoning_effort ?? traitsOf(spec.model).defaultEffort;
}

/** What the deployment's model refuses in this body, in the order the service checks it. */
export function refuseParameters(spec: DeploymentSpec, chat: ChatRequest): Reply | undefined {
  const strict = refuseStrictTools(chat);
  if (strict !== undefined) return strict;
  if (spec.profile === 'classic') {
    if ((chat.reasoning_effort ?? null) !== null) return unsupportedParameter('reasoning_effort');
    if ((chat.verbosity ?? null) !== null) return unsupportedParameter('verbosity');
    return undefined;
  }
  if ((chat.max_tokens ?? null) !== null) return unsupportedParameter('max_tokens', 'max_completion_tokens');
  for (const param of ['temperature', 'top_p'] as const) {
    const value = chat[param];
    if (value !== undefined && value !== null && value !== 1) return unsupportedSamplingValue(param, value);
  }
  const traits = traitsOf(spec.model);
  const effort = chat.reasoning_effort;
  if (effort !== undefined && effort !== null && !traits.efforts.includes(effort)) {
    return unsupportedEffort(effort, traits.efforts);
  }
  const offersTools = (chat.tools ?? []).length > 0 && chat.tool_choice !== 'none';
  if (offersTools && !traits.effortWithTools && effortOf(spec, chat) !== 'none') {
    return toolsWithReasoningEffort(modelNameOf(spec.model), '/v1/chat/completions');
  }
  return undefined;
}

function refuseStrictTools(chat: ChatRequest): Reply | undefined {
  for (const [index, tool] of (chat.tools ?? []).entries()) {
    if (tool.function.strict !== true) continue;
    const problem = strictSchemaProblem(tool.function.parameters ?? {});
    if (problem !== undefined) return invalidStrictSchema(tool.function.name, index, problem);
  }
  return undefined;
}
