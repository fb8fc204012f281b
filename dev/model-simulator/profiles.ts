import { z } from 'zod';

/**
 * How a simulated deployment behaves, as the model behind it does on Azure today:
 * - `reasoning`: a GPT-5-family model (the default, like a new Azure deployment). It refuses
 *   `max_tokens`, a `temperature` or `top_p` other than 1, dated api-versions older than
 *   2025-04-01-preview, and `reasoning_effort` values its model lacks; it spends reasoning tokens.
 * - `classic`: a 2024-era chat model (gpt-4o-mini). It takes sampling parameters and both token limits,
 *   and refuses `reasoning_effort` and `verbosity`.
 */
export type Profile = 'reasoning' | 'classic';

export interface DeploymentSpec {
  readonly name: string;
  readonly profile: Profile;
  /** The `model` the deployment reports, e.g. gpt-5.4-mini-2026-03-17. */
  readonly model: string;
}

/** Traits of a model, read from its name as Azure reports it. */
export interface ModelTraits {
  readonly efforts: readonly string[];
  /** The effort used when a request names none. */
  readonly defaultEffort: string;
  /** GPT-5.2 and later refuse function tools with a reasoning effort other than none on chat completions. */
  readonly effortWithTools: boolean;
}

export const DEFAULT_MODELS: Readonly<Record<Profile, string>> = {
  reasoning: 'gpt-5.4-mini-2026-03-17',
  classic: 'gpt-4o-mini-2024-07-18',
};

const SPEC = /^([^:@\s]+)(?::(reasoning|classic))?(?:@([A-Za-z0-9._-]+))?$/;

/** `name`, `name:profile` or `name:profile@model`; a bare name is a reasoning deployment. */
export const deploymentSpecSchema = z
  .string()
  .trim()
  .regex(SPEC, 'must be <name>, <name>:reasoning|classic, or <name>:<profile>@<model>')
  .transform((text): DeploymentSpec => {
    const [, name = '', profileText, model] = SPEC.exec(text) ?? [];
    const profile: Profile = profileText === 'classic' ? 'classic' : 'reasoning';
    return { name, profile, model: model ?? DEFAULT_MODELS[profile] };
  });

/** The model name without its version: gpt-5.4-mini-2026-03-17 -> gpt-5.4-mini. */
export function modelNameOf(model: string): string {
  return model.replace(/-\d{4}-\d{2}-\d{2}$/, '');
}

/**
 * gpt-5, -mini, -nano (2025-08-07) take minimal..high and default to medium; gpt-5.1 to gpt-5.4 add
 * none (their default) and drop minimal; gpt-5.5 and later (and gpt-6) default to medium again. From
 * gpt-5.2 on, function tools need reasoning effort none, whether the effort was sent or is the default.
 */
export function traitsOf(model: string): ModelTraits {
  const gpt = /^gpt-(\d+)(?:\.(\d+))?/.exec(model);
  const major = Number(gpt?.[1] ?? 5);
  const minor = Number(gpt?.[2] ?? 0);
  if (major === 5 && gpt?.[2] === undefined) {
    return { efforts: ['minimal', 'low', 'medium', 'high'], defaultEffort: 'medium', effortWithTools: true };
  }
  const later = major > 5 || minor >= 5;
  return {
    efforts: ['none', 'low', 'medium', 'high', 'xhigh'],
    defaultEffort: later ? 'medium' : 'none',
    effortWithTools: major === 5 && minor < 2,
  };
}

/** Hidden tokens a reasoning model spends before it answers, by effort. */
export const REASONING_TOKENS: Readonly<Record<string, number>> = {
  none: 0,
  minimal: 16,
  low: 64,
  medium: 192,
  high: 512,
  xhigh: 1024,
};
