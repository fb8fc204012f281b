import * as z from 'zod';

import { type SatisfactionLabel, satisfactionLabels, type ScoringPrediction } from './customer-scorer';

// Azure ML replies come in many forms: a no-code MLflow deployment answers a bare array of labels,
// custom scoring scripts wrap it in {"predictions": ...} or {"Results": ...}, answer probabilities,
// or JSON-encode the whole reply a second time. Each form is parsed by a schema that turns it into
// the one shape below; anything else is reported, not guessed at.

interface Guess {
  readonly label: string;
  readonly probability?: number;
}

export type NormalizedReply =
  | { readonly ok: true; readonly prediction: ScoringPrediction }
  | { readonly ok: false; readonly reason: string };

const probability = z.number().min(0).max(1);
const labelText = z.string().trim().min(1);

const fromLabel = labelText.transform((label): Guess => ({ label: canonicalLabel(label) }));

// A bare number is the probability of "satisfied".
const fromProbability = probability.transform(fromSatisfiedProbability);

// scikit-learn orders probability columns by sorted class name: [neutral or dissatisfied, satisfied].
const fromProbabilityPair = z
  .tuple([probability, probability])
  .transform(([, satisfied]) => fromSatisfiedProbability(satisfied));

const fromLabelledObject = z
  .looseObject({
    label: labelText.optional(),
    prediction: labelText.optional(),
    probability: probability.optional(),
    score: probability.optional(),
  })
  .refine((item) => item.label !== undefined || item.prediction !== undefined)
  .transform((item) =>
    guess(canonicalLabel(item.label ?? item.prediction ?? ''), item.probability ?? item.score),
  );

// {"satisfied": 0.7, "neutral or dissatisfied": 0.3}: the most probable class wins.
const fromProbabilityByClass = z
  .record(z.string(), probability)
  .refine((byClass) => Object.keys(byClass).length >= 2)
  .transform((byClass) => {
    const [label, best] = Object.entries(byClass).reduce((top, entry) => (entry[1] > top[1] ? entry : top));
    return guess(canonicalLabel(label), best);
  });

const predictionItem = z.union([
  fromLabel,
  fromProbability,
  fromProbabilityPair,
  fromLabelledObject,
  fromProbabilityByClass,
]);
const predictionList = z.array(predictionItem).min(1);
const reply = z.union([
  predictionList,
  z.object({ predictions: predictionList }).transform((body) => body.predictions),
  z.object({ Results: predictionList }).transform((body) => body.Results),
]);

/**
 * Turns an Azure ML scoring reply into one prediction (of the first row).
 *
 * @example
 * normalizePrediction('["satisfied"]'); // { ok: true, prediction: { label: 'satisfied', source: 'aml' } }
 * normalizePrediction('{"predictions":[0.2]}'); // label 'neutral or dissatisfied', probability 0.8
 */
export function normalizePrediction(text: string): NormalizedReply {
  let value: unknown;
  try {
    value = JSON.parse(text);
    // Some scoring scripts return json.dumps(result), which the server encodes again.
    for (let depth = 0; typeof value === 'string' && depth < 2; depth += 1) value = JSON.parse(value);
  } catch {
    return { ok: false, reason: 'the reply is not JSON' };
  }
  const parsed = reply.safeParse(value);
  if (!parsed.success) return { ok: false, reason: 'the reply holds no prediction in a known form' };
  const [first] = parsed.data;
  if (first === undefined) return { ok: false, reason: 'the reply holds no prediction' };
  return { ok: true, prediction: { ...first, source: 'aml' } };
}

function fromSatisfiedProbability(satisfied: number): Guess {
  return satisfied >= 0.5 ? guess('satisfied', satisfied) : guess('neutral or dissatisfied', 1 - satisfied);
}

function guess(label: string, probabilityOfLabel: number | undefined): Guess {
  return probabilityOfLabel === undefined
    ? { label }
    : { label, probability: Math.round(probabilityOfLabel * 10_000) / 10_000 };
}

// "Satisfied" or "neutral_or_dissatisfied" from a retrained model still mean the data set's classes.
function canonicalLabel(label: string): string {
  const plain = label.trim().toLowerCase().replace(/[_-]+/g, ' ');
  return satisfactionLabels.find((known: SatisfactionLabel) => known === plain) ?? label.trim();
}
