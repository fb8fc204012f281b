import { Cron } from 'croner';
import * as z from 'zod/mini';

import { blankToUndefined, preprocess } from './setting';

/**
 * An NCRONTAB expression as the Functions host reads a timer schedule: six fields,
 * `{second} {minute} {hour} {day} {month} {day-of-week}`, e.g. `0 *\/5 * * * *` for every five minutes.
 * Checked with croner, which reads the same six-field form.
 */
export function isNcrontab(expression: string): boolean {
  if (expression.trim().split(/\s+/).length !== 6) return false;
  try {
    new Cron(expression, { paused: true, timezone: 'UTC' }).stop();
    return true;
  } catch {
    return false;
  }
}

export const ncrontab = (defaultValue: string) =>
  preprocess(
    blankToUndefined,
    z._default(
      z
        .string()
        .check(
          z.trim(),
          z.refine(isNcrontab, 'must be an NCRONTAB schedule of six fields, e.g. "0 */5 * * * *"'),
        ),
      defaultValue,
    ),
  );
