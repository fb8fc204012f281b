import { normalizePrediction } from '../../../src/shared/scoring/normalize-prediction';

describe('normalizePrediction', () => {
  test.each([
    ['a bare array of labels (MLflow)', '["satisfied"]', { label: 'satisfied' }],
    ['a label in another case', '["Neutral or Dissatisfied"]', { label: 'neutral or dissatisfied' }],
    ['a label with underscores', '["neutral_or_dissatisfied"]', { label: 'neutral or dissatisfied' }],
    ['a probability of "satisfied" above 0.5', '[0.8]', { label: 'satisfied', probability: 0.8 }],
    [
      'a probability of "satisfied" below 0.5',
      '[0.2]',
      { label: 'neutral or dissatisfied', probability: 0.8 },
    ],
    ['a probability of exactly 0.5', '[0.5]', { label: 'satisfied', probability: 0.5 }],
    ['a 0/1 class', '[1]', { label: 'satisfied', probability: 1 }],
    ['a probability pair', '[[0.3, 0.7]]', { label: 'satisfied', probability: 0.7 }],
    [
      'a probability pair leaning to dissatisfied',
      '[[0.9, 0.1]]',
      { label: 'neutral or dissatisfied', probability: 0.9 },
    ],
    [
      'probabilities by class',
      '[{"satisfied": 0.35, "neutral or dissatisfied": 0.65}]',
      { label: 'neutral or dissatisfied', probability: 0.65 },
    ],
    [
      'a labelled object',
      '[{"label": "satisfied", "probability": 0.91}]',
      { label: 'satisfied', probability: 0.91 },
    ],
    [
      'a "prediction" object',
      '[{"prediction": "satisfied", "score": 0.6}]',
      { label: 'satisfied', probability: 0.6 },
    ],
    ['a {"predictions": [...]} envelope', '{"predictions": ["satisfied"]}', { label: 'satisfied' }],
    [
      'a {"Results": [...]} envelope',
      '{"Results": [0.1]}',
      { label: 'neutral or dissatisfied', probability: 0.9 },
    ],
    ['a JSON-encoded string', JSON.stringify('["satisfied"]'), { label: 'satisfied' }],
    [
      'a doubly encoded envelope',
      JSON.stringify(JSON.stringify('{"predictions": [0.75]}')),
      { label: 'satisfied', probability: 0.75 },
    ],
    ['a label the data set does not have', '["maybe"]', { label: 'maybe' }],
    ['several rows (the first is ours)', '["satisfied", "neutral or dissatisfied"]', { label: 'satisfied' }],
  ])('when the reply is %s, then it is read as a prediction', (_case, text, expected) => {
    expect(normalizePrediction(text)).toEqual({ ok: true, prediction: { ...expected, source: 'aml' } });
  });

  test.each([
    ['empty', ''],
    ['not JSON', '<html>Bad gateway</html>'],
    ['an empty array', '[]'],
    ['an empty envelope', '{"predictions": []}'],
    ['a probability over 1', '[1.7]'],
    ['an object without a prediction', '{"status": "ok"}'],
    ['a bare string that is not JSON', JSON.stringify('satisfied')],
    ['null', 'null'],
    ['an object without a label', '[{"probability": 0.4}]'],
  ])('when the reply is %s, then it is reported as unreadable', (_case, text) => {
    const normalized = normalizePrediction(text);
    expect(normalized.ok).toBe(false);
    if (!normalized.ok) expect(normalized.reason).toMatch(/reply/);
  });
});
