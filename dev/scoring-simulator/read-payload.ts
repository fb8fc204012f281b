import { z } from 'zod';

import {
  type CompleteCustomerFeatures,
  completeCustomerFeatures,
  featureNames,
  modelColumns,
} from '../../src/shared/scoring/customer-features';
import type { PayloadShape } from '../../src/shared/scoring/payload-shapes';

/** The shape of one request as the simulator saw it (recorded in its stats). */
export type SeenShape = PayloadShape | 'unknown' | 'invalid-json';

type Row = Record<string, unknown>;

const rows = z.array(z.record(z.string(), z.unknown()));
const split = z.object({
  input_data: z.object({
    columns: z.array(z.string()),
    index: z.array(z.unknown()).optional(),
    data: z.array(z.array(z.unknown())),
  }),
});
const forms = [
  { shape: 'mlflow-split', schema: split.transform(fromSplit) },
  { shape: 'records', schema: z.object({ input_data: rows }).transform((body) => body.input_data) },
  { shape: 'data', schema: z.object({ data: rows }).transform((body) => body.data) },
  {
    shape: 'inputs',
    schema: z.object({ Inputs: z.object({ data: rows }) }).transform((body) => body.Inputs.data),
  },
] as const;

/** The request parameter each shape is read from, as a scoring script would name it. */
export const parameterOf: Readonly<Record<PayloadShape, string>> = {
  'mlflow-split': 'input_data',
  records: 'input_data',
  data: 'data',
  inputs: 'Inputs',
};

/** Recognises the payload shape of a request body and lifts its rows out as column -> value records. */
export function readPayload(text: string): { shape: SeenShape; rows?: Row[] } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { shape: 'invalid-json' };
  }
  for (const form of forms) {
    const parsed = form.schema.safeParse(body);
    if (parsed.success) return { shape: form.shape, rows: parsed.data };
  }
  return { shape: 'unknown' };
}

/** Validates rows against the model's columns, as the MLflow container's schema check does. */
export function toFeatureRows(
  rowsToCheck: readonly Row[],
): { ok: true; features: CompleteCustomerFeatures[] } | { ok: false; message: string } {
  const expected: readonly string[] = featureNames.map((name) => modelColumns[name]);
  const features: CompleteCustomerFeatures[] = [];
  for (const [index, row] of rowsToCheck.entries()) {
    const missing = expected.filter((column) => !(column in row));
    const unknown = Object.keys(row).filter((column) => !expected.includes(column));
    if (missing.length > 0 || unknown.length > 0) {
      const parts = [
        missing.length > 0 ? `missing columns: ${missing.join(', ')}` : '',
        unknown.length > 0 ? `unknown columns: ${unknown.join(', ')}` : '',
      ].filter((part) => part !== '');
      return {
        ok: false,
        message: `The input does not match the model signature (row ${index}): ${parts.join('; ')}`,
      };
    }
    const parsed = completeCustomerFeatures.safeParse(
      Object.fromEntries(featureNames.map((name) => [name, row[modelColumns[name]]])),
    );
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const feature = featureNames.find((name) => name === issue?.path[0]);
      const column = feature === undefined ? 'unknown' : modelColumns[feature];
      return {
        ok: false,
        message: `Invalid value in column '${column}' (row ${index}): ${issue?.message ?? ''}`,
      };
    }
    features.push(parsed.data);
  }
  return { ok: true, features };
}

function fromSplit(body: z.infer<typeof split>): Row[] {
  const { columns, data } = body.input_data;
  // A row with too few values leaves a column out, which toFeatureRows reports as missing.
  return data.map((values) =>
    Object.fromEntries(
      columns.flatMap((column, index) => (index < values.length ? [[column, values[index]]] : [])),
    ),
  );
}
