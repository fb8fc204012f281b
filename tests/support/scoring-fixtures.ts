/** The example passenger of the README ("a 32-year-old business traveller ..."), as predict_customer takes it. */
export const exampleCustomer = {
  age: 32,
  travelType: 'Business travel',
  seatComfort: 4,
  cleanliness: 5,
  departureDelayMinutes: 10,
} as const;
