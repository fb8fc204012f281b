import {
  type CompleteCustomerFeatures,
  completeFeatures,
  type CustomerFeatures,
  NEUTRAL_RATING,
} from './customer-features';
import type { SatisfactionLabel } from './customer-scorer';

// The fallback when no endpoint is configured. Every rating counts, weighted roughly by how strongly it
// separates the classes in the data set; an on-time flight is neutral (it adds nothing), and a neutral
// passenger lands on "neutral or dissatisfied", a label the data set has.

const RATING_WEIGHTS = [
  ['seatComfort', 0.08],
  ['cleanliness', 0.06],
  ['onlineBoarding', 0.04],
  ['inflightWifiService', 0.03],
  ['inflightEntertainment', 0.03],
  ['legRoomService', 0.02],
  ['onBoardService', 0.02],
  ['inflightService', 0.01],
  ['baggageHandling', 0.01],
  ['checkinService', 0.01],
  ['easeOfOnlineBooking', 0.01],
  ['foodAndDrink', 0.01],
  ['departureArrivalTimeConvenient', 0.01],
  ['gateLocation', 0.01],
] as const satisfies readonly (readonly [keyof CompleteCustomerFeatures, number])[];

const PENALTY_PER_DELAY_HOUR = 0.05;
const MAX_PENALISED_DELAY_HOURS = 4;

export interface HeuristicPrediction {
  readonly label: SatisfactionLabel;
  /** The estimated probability of `label`. */
  readonly probability: number;
  readonly source: 'heuristic';
  readonly note: 'heuristic estimate, not a model';
}

/**
 * A deterministic estimate from the service ratings and delays, used when no Azure ML endpoint is
 * configured and by the local scoring simulator, so both give the same answer.
 *
 * @example
 * estimateSatisfaction({ age: 32, travelType: 'Business travel', seatComfort: 4, cleanliness: 5, departureDelayMinutes: 10 });
 * // { label: 'satisfied', probability: 0.68, source: 'heuristic', note: 'heuristic estimate, not a model' }
 */
export function estimateSatisfaction(input: CustomerFeatures): HeuristicPrediction {
  const { features } = completeFeatures(input);
  let score = 0.5;
  for (const [name, weight] of RATING_WEIGHTS) {
    const rating = features[name];
    // 0 means "not applicable" in the survey, so it says nothing either way.
    if (rating > 0) score += weight * (rating - NEUTRAL_RATING);
  }
  const delayHours = (features.departureDelayMinutes + features.arrivalDelayMinutes) / 60;
  score -= PENALTY_PER_DELAY_HOUR * Math.min(delayHours, MAX_PENALISED_DELAY_HOURS);
  score = Math.min(1, Math.max(0, score));

  const satisfied = score > 0.5;
  return {
    label: satisfied ? 'satisfied' : 'neutral or dissatisfied',
    probability: round(satisfied ? score : 1 - score),
    source: 'heuristic',
    note: 'heuristic estimate, not a model',
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
