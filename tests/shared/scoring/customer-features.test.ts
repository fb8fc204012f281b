import { z } from 'zod';

import {
  completeFeatures,
  customerFeatures,
  toModelRow,
} from '../../../src/shared/scoring/customer-features';
import { exampleCustomer as example } from '../../support/scoring-fixtures';

const DATA_SET_COLUMNS = [
  'Gender',
  'Customer Type',
  'Age',
  'Type of Travel',
  'Class',
  'Flight Distance',
  'Inflight wifi service',
  'Departure/Arrival time convenient',
  'Ease of Online booking',
  'Gate location',
  'Food and drink',
  'Online boarding',
  'Seat comfort',
  'Inflight entertainment',
  'On-board service',
  'Leg room service',
  'Baggage handling',
  'Checkin service',
  'Inflight service',
  'Cleanliness',
  'Departure Delay in Minutes',
  'Arrival Delay in Minutes',
];

describe('customer features', () => {
  test('when the example question gives five features, then they parse', () => {
    expect(customerFeatures.safeParse(example).success).toBe(true);
  });

  test('when the chat model sees the schema, then only the five features are required and each is described', () => {
    const schema = z.toJSONSchema(customerFeatures);
    expect(schema.required).toEqual([
      'age',
      'travelType',
      'seatComfort',
      'cleanliness',
      'departureDelayMinutes',
    ]);
    const properties = Object.values(schema.properties ?? {});
    expect(properties).toHaveLength(22);
    for (const property of properties) expect(property).toHaveProperty('description');
  });

  test.each([
    ['an age over 120', { ...example, age: 121 }],
    ['a fractional age', { ...example, age: 32.5 }],
    ['a rating of 6', { ...example, seatComfort: 6 }],
    ['a negative delay', { ...example, departureDelayMinutes: -1 }],
    ['an unknown travel type', { ...example, travelType: 'Leisure' }],
    ['a class the data set does not have', { ...example, travelClass: 'First' }],
    ['a misspelled feature', { ...example, seat_comfort: 4 }],
    ['no age', { travelType: 'Business travel', seatComfort: 4, cleanliness: 5, departureDelayMinutes: 10 }],
  ])('when the arguments have %s, then they are rejected', (_case, argumentsGiven) => {
    expect(customerFeatures.safeParse(argumentsGiven).success).toBe(false);
  });

  test('when features are turned into a model row, then the columns are the data set columns in order', () => {
    expect(toModelRow(example).columns).toEqual(DATA_SET_COLUMNS);
  });

  test('when optional features are missing, then the row holds the documented neutral defaults', () => {
    const row = toModelRow(example);
    const byColumn = Object.fromEntries(row.columns.map((column, index) => [column, row.values[index]]));
    expect(byColumn).toEqual({
      Gender: 'Female',
      'Customer Type': 'Loyal Customer',
      Age: 32,
      'Type of Travel': 'Business travel',
      Class: 'Business',
      'Flight Distance': 850,
      'Inflight wifi service': 3,
      'Departure/Arrival time convenient': 3,
      'Ease of Online booking': 3,
      'Gate location': 3,
      'Food and drink': 3,
      'Online boarding': 3,
      'Seat comfort': 4,
      'Inflight entertainment': 3,
      'On-board service': 3,
      'Leg room service': 3,
      'Baggage handling': 3,
      'Checkin service': 3,
      'Inflight service': 3,
      Cleanliness: 5,
      'Departure Delay in Minutes': 10,
      'Arrival Delay in Minutes': 10,
    });
  });

  test('when a personal traveller gives no class, then Eco is assumed and reported as assumed', () => {
    const { features, assumed } = completeFeatures({ ...example, travelType: 'Personal Travel' });
    expect(features.travelClass).toBe('Eco');
    expect(assumed).toContain('travelClass');
    expect(assumed).not.toContain('age');
  });

  test('when optional features are given, then they win over the defaults and are not reported as assumed', () => {
    const { features, assumed } = completeFeatures({
      ...example,
      gender: 'Male',
      travelClass: 'Eco Plus',
      arrivalDelayMinutes: 0,
      onlineBoarding: 0,
    });
    expect(features).toMatchObject({
      gender: 'Male',
      travelClass: 'Eco Plus',
      arrivalDelayMinutes: 0,
      onlineBoarding: 0,
    });
    expect(assumed).not.toEqual(expect.arrayContaining(['gender', 'travelClass', 'arrivalDelayMinutes']));
    expect(assumed).toHaveLength(22 - 5 - 4);
  });
});
