import type { CustomerFeatures } from './customer-features';
import type { PayloadShape } from './payload-shapes';

/** The data set's classes, in sorted order: the column order of a scikit-learn probability pair. */
export const satisfactionLabels = ['neutral or dissatisfied', 'satisfied'] as const;
export type SatisfactionLabel = (typeof satisfactionLabels)[number];

export interface ScoringPrediction {
  /** The predicted class: one of `satisfactionLabels`, unless a custom model answers with its own labels. */
  readonly label: string;
  /** The probability of `label`, 0..1, when the model gives one. */
  readonly probability?: number;
  readonly source: 'aml' | 'heuristic';
  readonly note?: string;
}

/** Why a scoring call failed, for the chat model to explain. Never holds the key or a token. */
export interface ScoringDiagnostics {
  readonly error: string;
  readonly status?: number;
  readonly requestId?: string;
  /** The endpoint's reply, cut to 2,000 characters. */
  readonly errorText?: string;
  /** The payload shape of the last request sent. */
  readonly shape?: PayloadShape;
  /** HTTP requests made, retries and shape fallbacks included. */
  readonly attempts: number;
  readonly hint?: string;
}

export type ScoringOutcome =
  | { readonly ok: true; readonly prediction: ScoringPrediction; readonly shape?: PayloadShape }
  | { readonly ok: false; readonly diagnostics: ScoringDiagnostics };

/**
 * Scores one customer. Upstream failures are outcomes, not exceptions, so a tool can hand them to the
 * chat model.
 *
 * @example
 * const outcome = await scorer.score({ age: 32, travelType: 'Business travel', seatComfort: 4, cleanliness: 5, departureDelayMinutes: 10 });
 * if (outcome.ok) console.log(outcome.prediction.label);
 */
export interface CustomerScorer {
  score(features: CustomerFeatures, signal?: AbortSignal): Promise<ScoringOutcome>;
}
