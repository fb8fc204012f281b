import * as z from 'zod';

// The features of the public "airline passenger satisfaction" survey data set, which the AutoML
// classifier behind AML_SCORING_URI was trained on. Only five are required so that a question like
// "will a 32-year-old business traveller with seat comfort 4 be satisfied?" can be answered; the rest
// are optional and filled with the documented neutral defaults in `completeFeatures`.
//
// Optional fields use `.optional()`, not `.default()`: zod's JSON Schema (what the chat model sees)
// lists a field with a default as required, so the model would think it must ask for all 22.

/** The middle of the 1-5 scale: an unknown rating neither helps nor hurts. */
export const NEUTRAL_RATING = 3;

/** About the data set's median flight distance, in miles. */
export const TYPICAL_FLIGHT_DISTANCE = 850;

const rating = (what: string) =>
  z
    .number()
    .int()
    .min(0)
    .max(5)
    .describe(`Passenger's rating of ${what}, 0-5 (0 = not applicable, 5 = best)`);

const optionalRating = (what: string) =>
  rating(what)
    .optional()
    .describe(`Passenger's rating of ${what}, 0-5 (0 = not applicable, 5 = best); default ${NEUTRAL_RATING}`);

export const customerFeatures = z.strictObject({
  age: z.number().int().min(0).max(120).describe('Passenger age in years'),
  travelType: z.enum(['Business travel', 'Personal Travel']).describe('Purpose of the flight'),
  seatComfort: rating('seat comfort'),
  cleanliness: rating('cleanliness'),
  departureDelayMinutes: z.number().min(0).max(3000).describe('Departure delay in minutes (0 if on time)'),

  gender: z
    .enum(['Male', 'Female'])
    .optional()
    .describe('Passenger gender; default Female (the larger group)'),
  customerType: z
    .enum(['Loyal Customer', 'disloyal Customer'])
    .optional()
    .describe('Whether the passenger is a loyal customer; default Loyal Customer (most passengers)'),
  travelClass: z
    .enum(['Business', 'Eco', 'Eco Plus'])
    .optional()
    .describe('Travel class; default Business for business travel, Eco for personal travel'),
  flightDistance: z
    .number()
    .min(0)
    .max(20000)
    .optional()
    .describe(`Flight distance in miles; default ${TYPICAL_FLIGHT_DISTANCE}`),
  inflightWifiService: optionalRating('the inflight wifi service'),
  departureArrivalTimeConvenient: optionalRating('how convenient the departure/arrival time was'),
  easeOfOnlineBooking: optionalRating('the ease of online booking'),
  gateLocation: optionalRating('the gate location'),
  foodAndDrink: optionalRating('the food and drink'),
  onlineBoarding: optionalRating('online boarding'),
  inflightEntertainment: optionalRating('the inflight entertainment'),
  onBoardService: optionalRating('the on-board service'),
  legRoomService: optionalRating('the leg room'),
  baggageHandling: optionalRating('baggage handling'),
  checkinService: optionalRating('the check-in service'),
  inflightService: optionalRating('the inflight service'),
  arrivalDelayMinutes: z
    .number()
    .min(0)
    .max(3000)
    .optional()
    .describe('Arrival delay in minutes; default the departure delay'),
});

export type CustomerFeatures = z.infer<typeof customerFeatures>;

/** Every feature present: what the model and the heuristic score. */
export const completeCustomerFeatures = customerFeatures.required();
export type CompleteCustomerFeatures = z.infer<typeof completeCustomerFeatures>;

/** The data set's column names, in the order the AutoML model was trained on. */
export const modelColumns = {
  gender: 'Gender',
  customerType: 'Customer Type',
  age: 'Age',
  travelType: 'Type of Travel',
  travelClass: 'Class',
  flightDistance: 'Flight Distance',
  inflightWifiService: 'Inflight wifi service',
  departureArrivalTimeConvenient: 'Departure/Arrival time convenient',
  easeOfOnlineBooking: 'Ease of Online booking',
  gateLocation: 'Gate location',
  foodAndDrink: 'Food and drink',
  onlineBoarding: 'Online boarding',
  seatComfort: 'Seat comfort',
  inflightEntertainment: 'Inflight entertainment',
  onBoardService: 'On-board service',
  legRoomService: 'Leg room service',
  baggageHandling: 'Baggage handling',
  checkinService: 'Checkin service',
  inflightService: 'Inflight service',
  cleanliness: 'Cleanliness',
  departureDelayMinutes: 'Departure Delay in Minutes',
  arrivalDelayMinutes: 'Arrival Delay in Minutes',
} as const satisfies Record<keyof CustomerFeatures, string>;

export type FeatureName = keyof typeof modelColumns;
export type ModelColumn = (typeof modelColumns)[FeatureName];

/** The feature names in the model's column order (object keys keep their insertion order). */
export const featureNames: readonly FeatureName[] = Object.keys(modelColumns).filter(
  (key): key is FeatureName => key in modelColumns,
);

export interface ModelRow {
  readonly columns: readonly ModelColumn[];
  readonly values: readonly (string | number)[];
}

/**
 * Fills the optional features with their neutral defaults, and names which ones were assumed so the
 * chat model can tell the user.
 *
 * @example
 * const { features, assumed } = completeFeatures({ age: 32, travelType: 'Business travel', seatComfort: 4, cleanliness: 5, departureDelayMinutes: 10 });
 * features.travelClass; // 'Business'
 * assumed.includes('travelClass'); // true
 */
export function completeFeatures(features: CustomerFeatures): {
  features: CompleteCustomerFeatures;
  assumed: FeatureName[];
} {
  const complete: CompleteCustomerFeatures = {
    ...features,
    gender: features.gender ?? 'Female',
    customerType: features.customerType ?? 'Loyal Customer',
    travelClass: features.travelClass ?? (features.travelType === 'Business travel' ? 'Business' : 'Eco'),
    flightDistance: features.flightDistance ?? TYPICAL_FLIGHT_DISTANCE,
    inflightWifiService: features.inflightWifiService ?? NEUTRAL_RATING,
    departureArrivalTimeConvenient: features.departureArrivalTimeConvenient ?? NEUTRAL_RATING,
    easeOfOnlineBooking: features.easeOfOnlineBooking ?? NEUTRAL_RATING,
    gateLocation: features.gateLocation ?? NEUTRAL_RATING,
    foodAndDrink: features.foodAndDrink ?? NEUTRAL_RATING,
    onlineBoarding: features.onlineBoarding ?? NEUTRAL_RATING,
    inflightEntertainment: features.inflightEntertainment ?? NEUTRAL_RATING,
    onBoardService: features.onBoardService ?? NEUTRAL_RATING,
    legRoomService: features.legRoomService ?? NEUTRAL_RATING,
    baggageHandling: features.baggageHandling ?? NEUTRAL_RATING,
    checkinService: features.checkinService ?? NEUTRAL_RATING,
    inflightService: features.inflightService ?? NEUTRAL_RATING,
    // Arrival delay follows departure delay closely in the data set.
    arrivalDelayMinutes: features.arrivalDelayMinutes ?? features.departureDelayMinutes,
  };
  return { features: complete, assumed: featureNames.filter((name) => features[name] === undefined) };
}

/**
 * The model's columns and one row of values, in the training order, with defaults filled in.
 *
 * @example
 * const { columns, values } = toModelRow(features);
 * // columns[0] === 'Gender', values[0] === 'Female'
 */
export function toModelRow(features: CustomerFeatures): ModelRow {
  const complete = completeFeatures(features).features;
  return {
    columns: featureNames.map((name) => modelColumns[name]),
    values: featureNames.map((name) => complete[name]),
  };
}
