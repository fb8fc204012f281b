import * as z from 'zod';

import type { Logger } from '../logging/logger';
import { toModelRow } from './customer-features';
import type { CustomerScorer, ScoringDiagnostics, ScoringOutcome } from './customer-scorer';
import { normalizePrediction } from './normalize-prediction';
import { type PayloadShape, shapesStartingWith, toPayload } from './payload-shapes';
import { isShapeRejection, requestIdOf, scoringUriHint, statusHint, toSafeText } from './scoring-diagnostics';
import { type EndpointReply, sendWithRetries } from './send-with-retries';

export type { CustomerScorer, ScoringOutcome } from './customer-scorer';

/** The Microsoft Entra scope of Azure ML online endpoints. */
export const AML_TOKEN_SCOPE = 'https://ml.azure.com/.default';

export interface AmlScorerOptions {
  /** https://<endpoint>.<region>.inference.ml.azure.com/score */
  readonly scoringUri: string;
  /** The endpoint key; without one, a Microsoft Entra token from `getToken` is sent. */
  readonly apiKey?: string | undefined;
  /** Pins a deployment (azureml-model-deployment header) instead of the endpoint's traffic split. */
  readonly deployment?: string | undefined;
  readonly timeoutMs: number;
  /** Retries of a request answered 429 or 503. */
  readonly maxRetries: number;
  readonly getToken: (scope: string) => Promise<string>;
  readonly fetch?: typeof fetch;
  readonly log: Logger;
  /** Longest wait between retries, whatever retry-after asks (default 5,000 ms). */
  readonly maxRetryDelayMs?: number;
}

/**
 * The Azure ML online endpoint adapter of `CustomerScorer`. It sends the MLflow "split" body first and,
 * when the endpoint rejects the body's form, each other known shape once; the shape that worked is
 * tried first on later calls.
 *
 * @example
 * const scorer = createAmlScorer({ scoringUri, apiKey, timeoutMs: 10_000, maxRetries: 2, getToken, log });
 * const outcome = await scorer.score(features, signal);
 * // { ok: true, prediction: { label: 'satisfied', source: 'aml' }, shape: 'mlflow-split' }
 */
export function createAmlScorer(options: AmlScorerOptions): CustomerScorer {
  let preferred: PayloadShape = 'mlflow-split';
  const uriHint = scoringUriHint(options.scoringUri);

  return {
    async score(features, signal) {
      const secrets = options.apiKey === undefined ? [] : [options.apiKey];
      const attempts = { count: 0 };
      const fail = (diagnostics: Omit<ScoringDiagnostics, 'attempts'>): ScoringOutcome => {
        const safe = {
          ...diagnostics,
          error: toSafeText(diagnostics.error, secrets),
          attempts: attempts.count,
        };
        options.log.warn('scoring failed', { ...safe });
        return { ok: false, diagnostics: safe };
      };

      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
        Accept: 'application/json',
      };
      if (options.deployment !== undefined) headers['azureml-model-deployment'] = options.deployment;
      try {
        const credential = options.apiKey ?? (await options.getToken(AML_TOKEN_SCOPE));
        secrets.push(credential);
        headers.Authorization = `Bearer ${credential}`;
      } catch (error) {
        const message = z.object({ message: z.string() }).safeParse(error).data?.message ?? String(error);
        return fail({
          error: `could not get a Microsoft Entra token for Azure ML: ${message}`,
          hint: 'set AML_API_KEY, or sign in (az login) / give the managed identity access to the endpoint',
        });
      }

      const row = toModelRow(features);
      let rejected: Omit<ScoringDiagnostics, 'attempts' | 'error'> = {};
      for (const shape of shapesStartingWith(preferred)) {
        const sent = await sendWithRetries({
          url: options.scoringUri,
          init: { method: 'POST', headers, body: JSON.stringify(toPayload(shape, row)) },
          timeoutMs: options.timeoutMs,
          maxRetries: options.maxRetries,
          maxRetryDelayMs: options.maxRetryDelayMs ?? 5_000,
          fetch: options.fetch ?? fetch,
          attempts,
          log: options.log,
          ...(signal === undefined ? {} : { signal }),
        });
        if (!sent.ok) {
          return fail({ error: sent.error, shape, ...(uriHint === undefined ? {} : { hint: uriHint }) });
        }

        const { reply } = sent;
        const replied = describeReply(reply, shape, secrets);
        if (reply.status >= 200 && reply.status < 300) {
          const normalized = normalizePrediction(reply.text);
          if (!normalized.ok) {
            return fail({
              error: `the scoring endpoint answered, but ${normalized.reason}`,
              ...replied,
              hint: 'the scoring script should return a JSON array of labels or probabilities, as MLflow deployments do',
            });
          }
          if (shape !== preferred) {
            options.log.info('scoring endpoint takes another payload shape', { shape });
          }
          preferred = shape;
          return { ok: true, prediction: normalized.prediction, shape };
        }
        if (!isShapeRejection(reply.status, reply.headers, reply.text)) {
          const hint = uriHint ?? statusHint(reply.status, reply.headers);
          return fail({
            error: `the scoring endpoint answered HTTP ${reply.status}`,
            ...replied,
            ...(hint === undefined ? {} : { hint }),
          });
        }
        options.log.info('scoring endpoint rejected the payload shape', { shape, status: reply.status });
        rejected = replied;
      }
      return fail({
        error: 'the scoring endpoint rejected every payload shape',
        ...rejected,
        hint: uriHint ?? "compare the request with the sample request on the endpoint's Consume tab",
      });
    },
  };
}

function describeReply(
  reply: EndpointReply,
  shape: PayloadShape,
  secrets: readonly string[],
): Omit<ScoringDiagnostics, 'attempts' | 'error'> {
  const requestId = requestIdOf(reply.headers);
  return {
    status: reply.status,
    ...(requestId === undefined ? {} : { requestId }),
    errorText: toSafeText(reply.text, secrets),
    shape,
  };
}
