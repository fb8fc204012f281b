import { Cron } from 'croner';
import { z } from 'zod';

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
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z
      .string()
      .trim()
      .refine(isNcrontab, 'must be an NCRONTAB schedule of six fields, e.g. "0 */5 * * * *"')
      .default(defaultValue),
  );
