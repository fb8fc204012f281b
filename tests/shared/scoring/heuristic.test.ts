import { estimateSatisfaction } from '../../../src/shared/scoring/heuristic';
import { exampleCustomer as example } from '../../support/scoring-fixtures';

const allRatings = (rating: number) => ({
  inflightWifiService: rating,
  departureArrivalTimeConvenient: rating,
  easeOfOnlineBooking: rating,
  gateLocation: rating,
  foodAndDrink: rating,
  onlineBoarding: rating,
  seatComfort: rating,
  inflightEntertainment: rating,
  onBoardService: rating,
  legRoomService: rating,
  baggageHandling: rating,
  checkinService: rating,
  inflightService: rating,
  cleanliness: rating,
});

describe('satisfaction heuristic', () => {
  test('when the example business traveller is scored, then the estimate is "satisfied" and labelled a heuristic', () => {
    expect(estimateSatisfaction(example)).toEqual({
      label: 'satisfied',
      probability: 0.68,
      source: 'heuristic',
      note: 'heuristic estimate, not a model',
    });
  });

  test('when the ratings are poor and the flight was hours late, then the label is "neutral or dissatisfied"', () => {
    const prediction = estimateSatisfaction({
      ...example,
      seatComfort: 1,
      cleanliness: 2,
      departureDelayMinutes: 180,
    });
    expect(prediction.label).toBe('neutral or dissatisfied');
    expect(prediction.probability).toBeGreaterThan(0.7);
  });

  test('when every rating is neutral and the flight on time, then the passenger is not counted as satisfied', () => {
    const prediction = estimateSatisfaction({ ...example, ...allRatings(3), departureDelayMinutes: 0 });
    expect(prediction).toMatchObject({ label: 'neutral or dissatisfied', probability: 0.5 });
  });

  test('when a delay grows, then the estimate never improves', () => {
    const scoreOf = (minutes: number) => {
      const prediction = estimateSatisfaction({ ...example, departureDelayMinutes: minutes });
      return prediction.label === 'satisfied' ? prediction.probability : 1 - prediction.probability;
    };
    const scores = [0, 30, 60, 120, 240, 3000].map(scoreOf);
    for (let index = 1; index < scores.length; index += 1) {
      expect(scores[index]).toBeLessThanOrEqual(scores[index - 1] ?? Number.NaN);
    }
  });

  test('when every input is at an extreme, then the probability stays within 0..1', () => {
    const best = estimateSatisfaction({
      ...example,
      ...allRatings(5),
      departureDelayMinutes: 0,
      arrivalDelayMinutes: 0,
    });
    const worst = estimateSatisfaction({
      ...example,
      ...allRatings(1),
      departureDelayMinutes: 3000,
      arrivalDelayMinutes: 3000,
    });
    expect(best).toMatchObject({ label: 'satisfied', probability: 1 });
    expect(worst).toMatchObject({ label: 'neutral or dissatisfied', probability: 1 });
  });

  test('when a rating is 0 (not applicable), then it counts as neutral rather than as the worst', () => {
    expect(estimateSatisfaction({ ...example, onlineBoarding: 0 })).toEqual(
      estimateSatisfaction({ ...example, onlineBoarding: 3 }),
    );
  });

  test('when the same customer is scored twice, then the answers are identical', () => {
    expect(estimateSatisfaction(example)).toEqual(estimateSatisfaction({ ...example }));
  });
});
