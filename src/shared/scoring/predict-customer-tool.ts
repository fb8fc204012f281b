import { z } from 'zod';

import { defineTool, type Tool } from '../chat/tool';
import { completeFeatures, customerFeatures } from './customer-features';
import type { CustomerScorer } from './customer-scorer';
import { estimateSatisfaction } from './heuristic';

const DESCRIPTION =
  'Predicts whether an airline passenger will be "satisfied" or "neutral or dissatisfied", from the ' +
  'passenger and flight features of the airline passenger satisfaction survey. Only age, travelType, ' +
  'seatComfort, cleanliness and departureDelayMinutes are required; other features take neutral defaults, ' +
  'and the result lists which were assumed. On failure the result has error "scoring_failed" and diagnostics ' +
  'to explain to the user.';

const failedScoring = z.object({
  error: z.literal('scoring_failed'),
  diagnostics: z.looseObject({ errorText: z.string().optional() }),
});

/**
 * The `predict_customer` chat tool. An upstream failure is returned to the model as
 * `{ error: 'scoring_failed', diagnostics }`, never thrown.
 *
 * @example
 * const tool = createPredictCustomerTool(createHeuristicScorer());
 * await tool.run({ age: 32, travelType: 'Business travel', seatComfort: 4, cleanliness: 5, departureDelayMinutes: 10 }, context);
 * // { prediction: { label: 'satisfied', probability: 0.68, source: 'heuristic', ... }, assumed: ['gender', ...] }
 */
export function createPredictCustomerTool(scorer: CustomerScorer): Tool<typeof customerFeatures> {
  return defineTool({
    name: 'predict_customer',
    description: DESCRIPTION,
    input: customerFeatures,
    run: async (features, context) => {
      const outcome = await scorer.score(features, context.signal);
      if (!outcome.ok) return { error: 'scoring_failed', diagnostics: outcome.diagnostics };
      return { prediction: outcome.prediction, assumed: completeFeatures(features).assumed };
    },
    // The endpoint's own reply (errorText) goes to the model only; the user sees status, ids and the hint.
    shownToUser: (result) => {
      const failed = failedScoring.safeParse(result);
      if (!failed.success) return result;
      const { errorText: _upstream, ...diagnostics } = failed.data.diagnostics;
      return { error: 'scoring_failed', diagnostics };
    },
  });
}

/**
 * The scorer used when AML_SCORING_URI is unset: the deterministic heuristic, in process, labelled as
 * such in every prediction.
 *
 * @example
 * const outcome = await createHeuristicScorer().score(features);
 * // { ok: true, prediction: { label: 'satisfied', probability: 0.68, source: 'heuristic', note: 'heuristic estimate, not a model' } }
 */
export function createHeuristicScorer(): CustomerScorer {
  return {
    score: (features) => Promise.resolve({ ok: true, prediction: estimateSatisfaction(features) }),
  };
}
