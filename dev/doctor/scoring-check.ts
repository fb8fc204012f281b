import { createLogger } from '../../src/shared/logging/logger';
import { type CustomerFeatures, NEUTRAL_RATING } from '../../src/shared/scoring/customer-features';
import type { ScoringDiagnostics } from '../../src/shared/scoring/customer-scorer';
import { createAmlScorer } from '../../src/shared/scoring/scoring-client';
import { scoringUriHint } from '../../src/shared/scoring/scoring-diagnostics';
import { type CheckContext, type CheckResult, fail, failureFacts, pass, warn, withDeadline } from './check';
import { credentialName } from './service-steps';

const NAME = 'Azure ML scoring';

/** A passenger with nothing to say either way: the request proves the endpoint, not the model. */
const NEUTRAL_PASSENGER: CustomerFeatures = {
  age: 40,
  travelType: 'Business travel',
  seatComfort: NEUTRAL_RATING,
  cleanliness: NEUTRAL_RATING,
  departureDelayMinutes: 0,
};

// The scorer reports through its result; its own log lines would only repeat it.
const silent = createLogger({
  level: 'error',
  format: 'text',
  redact: (text) => text,
  sink: () => undefined,
});

/**
 * The Azure ML endpoint behind predict_customer: the URI's shape, then one real scoring request through
 * the app's own client (shape fallback included), without retries.
 *
 * @example
 * const [result] = await checkScoring(context);
 */
export async function checkScoring({ config, timeoutMs, getToken }: CheckContext): Promise<CheckResult[]> {
  const uri = config.AML_SCORING_URI;
  if (uri === undefined) {
    return [
      warn(
        NAME,
        'AML_SCORING_URI is not set: predict_customer answers with a heuristic estimate, not the model',
        "set AML_SCORING_URI (and AML_API_KEY) from the endpoint's Consume tab to use the model",
      ),
    ];
  }
  // An Azure OpenAI URL here is the classic mistake; the key is not sent to a host that is not an endpoint.
  const uriHint = scoringUriHint(uri);
  if (uriHint !== undefined) return [fail(NAME, `${uri} is not a scoring URI; not called`, uriHint)];

  const auth = credentialName('AML_API_KEY', config.AML_API_KEY);
  const scorer = createAmlScorer({
    scoringUri: uri,
    apiKey: config.AML_API_KEY,
    deployment: config.AML_DEPLOYMENT,
    timeoutMs: Math.min(config.AML_TIMEOUT_MS ?? timeoutMs, timeoutMs),
    maxRetries: 0,
    getToken,
    log: silent,
  });
  let outcome;
  try {
    outcome = await withDeadline(timeoutMs, (signal) => scorer.score(NEUTRAL_PASSENGER, signal));
  } catch (error) {
    return [
      fail(
        NAME,
        `${uri} (${auth}): ${failureFacts(error).message}`,
        'check AML_SCORING_URI and that the endpoint is reachable',
      ),
    ];
  }
  if (!outcome.ok) {
    return [
      fail(
        NAME,
        `${uri} (${auth}): ${describeFailure(outcome.diagnostics)}`,
        outcome.diagnostics.hint ??
          "check AML_SCORING_URI: the REST endpoint on the endpoint's Consume tab, reachable from this network",
      ),
    ];
  }
  const shape =
    outcome.shape === undefined || outcome.shape === 'mlflow-split'
      ? ''
      : `; it takes the '${outcome.shape}' payload shape (found by fallback)`;
  return [pass(NAME, `${uri} (${auth}) scored a test passenger: '${outcome.prediction.label}'${shape}`)];
}

function describeFailure(diagnostics: ScoringDiagnostics): string {
  const facts = [
    diagnostics.status === undefined || diagnostics.error.includes(`HTTP ${diagnostics.status}`)
      ? undefined
      : `HTTP ${diagnostics.status}`,
    diagnostics.shape === undefined ? undefined : `shape ${diagnostics.shape}`,
    diagnostics.requestId === undefined ? undefined : `request id ${diagnostics.requestId}`,
  ].filter((fact) => fact !== undefined);
  const reply = diagnostics.errorText === undefined ? '' : `; reply: ${diagnostics.errorText}`;
  return `${diagnostics.error}${facts.length > 0 ? ` (${facts.join(', ')})` : ''}${reply}`;
}
