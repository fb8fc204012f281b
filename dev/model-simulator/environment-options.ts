import { z } from 'zod';

import type { ModelSimulatorOptions } from './options';

// An empty variable means "not set", so `SIM_MODEL_RPM=` in a .env file keeps the default.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
const number = z.coerce.number<string>();

const environmentSchema = z.object({
  SIM_MODEL_PORT: optional(number.pipe(z.number().int().min(0).max(65535))),
  SIM_MODEL_HOST: optional(z.string()),
  SIM_MODEL_API_KEY: optional(z.string()),
  SIM_MODEL_DEPLOYMENTS: optional(
    z
      .string()
      .transform((list) => list.split(',').map((name) => name.trim()))
      .pipe(z.array(z.string().min(1, 'a deployment name is empty')).min(1)),
  ),
  SIM_MODEL_TTFT_MS: optional(number.pipe(z.number().min(0))),
  SIM_MODEL_TOKEN_DELAY_MS: optional(number.pipe(z.number().min(0))),
  SIM_MODEL_RPM: optional(number.pipe(z.number().positive())),
  SIM_MODEL_TPM: optional(number.pipe(z.number().positive())),
  SIM_MODEL_FAILURE_RATE_429: optional(number.pipe(z.number().min(0).max(1))),
  SIM_MODEL_FAILURE_RATE_500: optional(number.pipe(z.number().min(0).max(1))),
  SIM_MODEL_FAILURE_RATE_RESET: optional(number.pipe(z.number().min(0).max(1))),
  SIM_MODEL_RETRY_AFTER_MS: optional(number.pipe(z.number().min(0))),
  SIM_MODEL_SEED: optional(number.pipe(z.number().int())),
});

/** Reads the `SIM_MODEL_*` variables; throws one message that names every bad variable. */
export function readEnvironmentOptions(environment: NodeJS.ProcessEnv): ModelSimulatorOptions {
  const result = environmentSchema.safeParse(environment);
  if (!result.success) throw new Error(`Invalid model simulator settings:\n${z.prettifyError(result.error)}`);
  const settings = result.data;
  return withoutUndefined({
    port: settings.SIM_MODEL_PORT,
    host: settings.SIM_MODEL_HOST,
    apiKey: settings.SIM_MODEL_API_KEY,
    deployments: settings.SIM_MODEL_DEPLOYMENTS,
    timeToFirstTokenMs: settings.SIM_MODEL_TTFT_MS,
    perTokenDelayMs: settings.SIM_MODEL_TOKEN_DELAY_MS,
    requestsPerMinute: settings.SIM_MODEL_RPM,
    tokensPerMinute: settings.SIM_MODEL_TPM,
    failureRate429: settings.SIM_MODEL_FAILURE_RATE_429,
    failureRate500: settings.SIM_MODEL_FAILURE_RATE_500,
    failureRateReset: settings.SIM_MODEL_FAILURE_RATE_RESET,
    injectedRetryAfterMs: settings.SIM_MODEL_RETRY_AFTER_MS,
    seed: settings.SIM_MODEL_SEED,
  });
}

type Defined<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

// Unset variables leave the option out, so the simulator's defaults apply.
function withoutUndefined<T extends object>(object: T): Defined<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Defined<T>;
}
