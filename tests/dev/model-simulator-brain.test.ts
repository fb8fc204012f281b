import { z } from 'zod';

import { readEnvironmentOptions } from '../../dev/model-simulator/environment-options';
import { fillArguments, findArguments, violateSchema } from '../../dev/model-simulator/fill-arguments';
import { type JsonSchema, toJsonSchema } from '../../dev/model-simulator/json-schema';
import { RateLimiter } from '../../dev/model-simulator/rate-limiter';
import { splitArguments, splitIntoTokens } from '../../dev/model-simulator/tokens';

const schemaOf = (schema: z.ZodType): JsonSchema => toJsonSchema(z.toJSONSchema(schema));

describe('reading arguments from text', () => {
  const survey = z.object({
    seatComfort: z.number().int().min(0).max(5),
    departure_delay: z.number().int().min(0).optional(),
    age: z.number().int().min(0).max(120).optional(),
    travelType: z.enum(['Business travel', 'Personal Travel']).optional(),
  });
  const found = (text: string): Record<string, unknown> => findArguments(schemaOf(survey), text).values;

  test.each([
    ['seat comfort 4', 4],
    ['Seat comfort of 4 out of 5', 4],
    ['seat_comfort: 3', 3],
  ])('when the text says "%s", then seatComfort is %d', (text, expected) => {
    expect(found(text).seatComfort).toBe(expected);
  });

  test('when the number is out of range, then the property is missing', () => {
    expect(findArguments(schemaOf(survey), 'seat comfort 9')).toEqual({
      values: {},
      missing: ['seatComfort'],
    });
  });

  test('when a number comes before the words, then it is read too', () => {
    expect(found('we had 10 minutes departure delay').departure_delay).toBe(10);
  });

  test.each([['a 32-year-old'], ['she is 32 years old'], ['age 32']])(
    'when the text says "%s", then age is 32',
    (text) => {
      expect(found(text).age).toBe(32);
    },
  );

  test('when only the first word of an enum value appears, then that value is chosen', () => {
    expect(found('a business traveller').travelType).toBe('Business travel');
  });

  test('when an enum of keys is used, then the words of a key match it', () => {
    const schema = schemaOf(z.object({ trip: z.enum(['business_travel', 'personal_travel']) }));

    expect(findArguments(schema, 'Personal travel, economy').values).toEqual({ trip: 'personal_travel' });
  });

  test('when two enum values appear, then the longer one wins', () => {
    const schema = schemaOf(z.object({ class: z.enum(['Eco', 'Eco Plus', 'Business']) }));

    expect(findArguments(schema, 'flying eco plus').values).toEqual({ class: 'Eco Plus' });
  });
});

describe('filling arguments for a forced call', () => {
  const order = z.object({
    quantity: z.number().int().min(3).max(9),
    price: z.number().gt(10),
    size: z.enum(['small', 'large']),
    customer: z.object({ name: z.string().min(8), email: z.email(), id: z.uuid() }),
    tags: z.array(z.string().max(4)).min(2),
    gift: z.boolean().nullable(),
    code: z.string().max(3).optional(),
  });

  test('when the text says nothing, then placeholders still validate against the schema', () => {
    const filled = fillArguments(schemaOf(order), 'Hello there');

    const parsed = order.safeParse(filled);
    expect(parsed.error).toBeUndefined();
    expect(parsed.data).toMatchObject({ quantity: 3, size: 'small', customer: { name: 'Helloxxx' } });
  });

  test('when the text gives some values, then they are used and the rest are placeholders', () => {
    const filled = fillArguments(schemaOf(order), 'quantity 5 of the large one');

    expect(order.parse(filled)).toMatchObject({ quantity: 5, size: 'large' });
  });

  test('when the schema must be broken, then a required property has the wrong type', () => {
    const broken = violateSchema(schemaOf(order), 'quantity 5');

    expect(order.safeParse(broken).success).toBe(false);
    expect(broken).toMatchObject({ quantity: 'not integer' });
  });
});

describe('tokens', () => {
  test('when a text is split, then each token keeps its leading space and they join back exactly', () => {
    const text = 'Summary:  {"a": 1}\n done ';

    expect(splitIntoTokens(text)).toEqual(['Summary:', '  {"a":', ' 1}', '\n done ']);
    expect(splitIntoTokens(text).join('')).toBe(text);
  });

  test('when arguments are split, then there are always at least two pieces', () => {
    expect(splitArguments('{}')).toEqual(['{', '}']);
    expect(splitArguments('{"age":32}').join('')).toBe('{"age":32}');
  });
});

describe('rate limiter', () => {
  test('when a client honours retry-after-ms for a minute, then it gets the quota plus the first burst', () => {
    let now = 0;
    const limiter = new RateLimiter(120, undefined, () => now);
    let admitted = 0;
    while (now < 60_000) {
      const admission = limiter.admit(10);
      if (admission.admitted) admitted += 1;
      else now += admission.retryAfterMs;
    }

    expect(admitted).toBeGreaterThanOrEqual(120);
    expect(admitted).toBeLessThanOrEqual(120 + 20 + 1);
  });

  test('when a request needs more tokens than the bucket holds, then it passes once the bucket is full', () => {
    let now = 0;
    const limiter = new RateLimiter(undefined, 600, () => now);

    expect(limiter.admit(5_000).admitted).toBe(true);
    const refused = limiter.admit(5_000);
    expect(refused).toMatchObject({ admitted: false, limit: 'token', retryAfterMs: 10_000 });
    now += 10_000;
    expect(limiter.admit(5_000).admitted).toBe(true);
  });
});

describe('environment options', () => {
  test('when variables are set, then they become options and unset ones are left out', () => {
    const options = readEnvironmentOptions({
      SIM_MODEL_PORT: '8081',
      SIM_MODEL_DEPLOYMENTS: 'chat, gpt-4o',
      SIM_MODEL_RPM: '60',
      SIM_MODEL_FAILURE_RATE_500: '0.25',
      SIM_MODEL_FAILURE_RATE_RESET: '0.5',
      SIM_MODEL_TPM: '',
    });

    expect(options).toEqual({
      port: 8081,
      deployments: ['chat', 'gpt-4o'],
      requestsPerMinute: 60,
      failureRate500: 0.25,
      failureRateReset: 0.5,
    });
  });

  test('when a variable is malformed, then the error names it', () => {
    expect(() => readEnvironmentOptions({ SIM_MODEL_RPM: 'lots', SIM_MODEL_FAILURE_RATE_429: '2' })).toThrow(
      /SIM_MODEL_RPM[\s\S]*SIM_MODEL_FAILURE_RATE_429/,
    );
  });
});
