import { type ScoringSimulator, startScoringSimulator } from '../../../dev/scoring-simulator';
import type { ToolContext } from '../../../src/shared/chat/tool';
import { createLogger } from '../../../src/shared/logging/logger';
import type { CustomerScorer } from '../../../src/shared/scoring/customer-scorer';
import {
  createHeuristicScorer,
  createPredictCustomerTool,
} from '../../../src/shared/scoring/predict-customer-tool';
import { createAmlScorer } from '../../../src/shared/scoring/scoring-client';
import { exampleCustomer as example } from '../../support/scoring-fixtures';

const log = createLogger({ level: 'error', format: 'text', redact: (text) => text, sink: () => undefined });
const context: ToolContext = { signal: new AbortController().signal, log };

describe('predict_customer tool', () => {
  test('when the model sends the example question, then the arguments pass the input schema', () => {
    const tool = createPredictCustomerTool(createHeuristicScorer());
    expect(tool.name).toBe('predict_customer');
    expect(tool.input.safeParse(example).success).toBe(true);
  });

  test.each([
    [
      'a missing required feature',
      { age: 32, travelType: 'Business travel', seatComfort: 4, cleanliness: 5 },
    ],
    ['a rating out of range', { ...example, cleanliness: 9 }],
    ['a string where a number belongs', { ...example, age: 'thirty-two' }],
    ['an unknown argument', { ...example, mood: 'happy' }],
  ])('when the model sends %s, then the input schema rejects the arguments', (_case, argumentsGiven) => {
    const tool = createPredictCustomerTool(createHeuristicScorer());
    expect(tool.input.safeParse(argumentsGiven).success).toBe(false);
  });

  test('when no endpoint is configured, then the heuristic answers and the assumed features are listed', async () => {
    const result = await createPredictCustomerTool(createHeuristicScorer()).run(example, context);
    expect(result).toMatchObject({
      prediction: {
        label: 'satisfied',
        probability: 0.68,
        source: 'heuristic',
        note: 'heuristic estimate, not a model',
      },
    });
    expect(result).toHaveProperty(
      'assumed',
      expect.arrayContaining(['gender', 'travelClass', 'arrivalDelayMinutes']),
    );
  });

  test('when the scorer reports a failure, then the tool returns it as scoring_failed instead of throwing', async () => {
    const failing: CustomerScorer = {
      score: () =>
        Promise.resolve({
          ok: false,
          diagnostics: { error: 'the scoring endpoint answered HTTP 404', status: 404, attempts: 1 },
        }),
    };
    await expect(createPredictCustomerTool(failing).run(example, context)).resolves.toEqual({
      error: 'scoring_failed',
      diagnostics: { error: 'the scoring endpoint answered HTTP 404', status: 404, attempts: 1 },
    });
  });

  describe('with the scoring simulator', () => {
    let simulator: ScoringSimulator;
    beforeAll(async () => {
      simulator = await startScoringSimulator({ apiKey: 'right-key-123' });
    });
    afterAll(async () => {
      await simulator.close();
    });

    const scorer = (apiKey: string) =>
      createAmlScorer({
        scoringUri: simulator.url,
        apiKey,
        timeoutMs: 2_000,
        maxRetries: 0,
        getToken: () => Promise.reject(new Error('unused')),
        log,
      });

    test.each([
      ['the example customer', example],
      ['an unhappy customer', { ...example, seatComfort: 1, cleanliness: 2, departureDelayMinutes: 240 }],
      ['a neutral customer', { ...example, seatComfort: 3, cleanliness: 3, departureDelayMinutes: 0 }],
    ])(
      'when the endpoint answers for %s, then its label agrees with the in-process heuristic',
      async (_case, features) => {
        const fromEndpoint = await createPredictCustomerTool(scorer('right-key-123')).run(features, context);
        const fromHeuristic = await createHeuristicScorer().score(features);
        if (!fromHeuristic.ok) throw new Error('the heuristic cannot fail');
        expect(fromEndpoint).toMatchObject({
          prediction: { label: fromHeuristic.prediction.label, source: 'aml' },
        });
      },
    );

    test('when the endpoint refuses the key, then the tool resolves with scoring_failed and a hint', async () => {
      const result = await createPredictCustomerTool(scorer('wrong-key-123')).run(example, context);
      expect(result).toMatchObject({ error: 'scoring_failed', diagnostics: { status: 401 } });
      expect(result).toHaveProperty('diagnostics.hint', expect.stringMatching(/AML_API_KEY/));
    });
  });
});
