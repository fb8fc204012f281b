import type { ModelRow } from './customer-features';

/**
 * The request bodies Azure ML online endpoints take, in the order the client tries them: MLflow and
 * AutoML no-code deployments take the pandas "split" form; custom scoring scripts often take one of
 * the others.
 */
export const payloadShapes = ['mlflow-split', 'records', 'data', 'inputs'] as const;
export type PayloadShape = (typeof payloadShapes)[number];

/**
 * The request body of one row in the given shape.
 *
 * @example
 * toPayload('mlflow-split', { columns: ['Age'], values: [32] });
 * // { input_data: { columns: ['Age'], index: [0], data: [[32]] } }
 */
export function toPayload(shape: PayloadShape, row: ModelRow): Record<string, unknown> {
  switch (shape) {
    case 'mlflow-split':
      return { input_data: { columns: row.columns, index: [0], data: [row.values] } };
    case 'records':
      return { input_data: [toRecord(row)] };
    case 'data':
      return { data: [toRecord(row)] };
    case 'inputs':
      return { Inputs: { data: [toRecord(row)] } };
  }
}

/** The shapes to try, the one that worked last time first. */
export function shapesStartingWith(preferred: PayloadShape): PayloadShape[] {
  return [preferred, ...payloadShapes.filter((shape) => shape !== preferred)];
}

function toRecord(row: ModelRow): Record<string, string | number | null> {
  return Object.fromEntries(row.columns.map((column, index) => [column, row.values[index] ?? null]));
}
