import type { Cron } from 'croner';
import * as z from 'zod/mini';

import { blankToUndefined, preprocess } from './setting';

// What the Functions host's NCRONTAB reads, and nothing more: six fields of values, `*`, ranges `a-b`,
// lists `a,b` and steps `/n`; English month and day names (case-insensitive) where NCRONTAB has names.
// Croner, which computes the occurrences, also reads Quartz's L, W, # and ?: the host refuses those.
const FIELDS = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: [
      'january',
      'february',
      'march',
      'april',
      'may',
      'june',
      'july',
      'august',
      'september',
      'october',
      'november',
      'december',
    ],
  },
  {
    name: 'day-of-week',
    min: 0,
    max: 6,
    names: ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'],
  },
] as const;

const QUARTZ_ONLY = /[LW#?]/i;
// Enough runs to see the longest gap of a schedule that runs at uneven times (e.g. only in office hours).
const GAP_SAMPLE_RUNS = 200;

/**
 * Why an expression is not an NCRONTAB schedule the Functions host would run, or undefined when it is one:
 * six fields `{second} {minute} {hour} {day} {month} {day-of-week}`, e.g. `0 *\/5 * * * *` for every
 * five minutes, that occurs at least once.
 *
 * @example
 * ncrontabProblem('0 0 0 L * *'); // 'uses "L" in its day field, which NCRONTAB does not have ...'
 */
export function ncrontabProblem(expression: string): string | undefined {
  const read = readSchedule(expression);
  if ('problem' in read) return read.problem;
  if (cronOf(read.croner).nextRun() === null) return 'never occurs (no date matches it, e.g. 31 February)';
  return undefined;
}

/** The longest time between two runs of a valid schedule, in ms (over its next 200 runs). */
export function scheduleGapMs(expression: string): number {
  const runs = ncrontabCron(expression).nextRuns(GAP_SAMPLE_RUNS, new Date(Date.UTC(2026, 0, 1)));
  let longest = 0;
  for (const [index, run] of runs.entries()) {
    const previous = runs[index - 1];
    if (previous !== undefined) longest = Math.max(longest, run.getTime() - previous.getTime());
  }
  return longest;
}

/**
 * A valid schedule as a (paused) croner job, to compute its occurrences as the Functions host does, in UTC.
 *
 * @example
 * ncrontabCron('0 0 0 13 * Friday').nextRun(); // the next Friday the 13th
 */
export function ncrontabCron(expression: string): Cron {
  const read = readSchedule(expression);
  if ('problem' in read) throw new Error(`not an NCRONTAB schedule: ${read.problem}`);
  return cronOf(read.croner);
}

/** A schedule as croner reads it, with NCRONTAB's rule that both day and day-of-week must match. */
function cronOf(expression: string): Cron {
  return new (croner().Cron)(expression, { paused: true, utcOffset: 0, domAndDow: true });
}

/** The schedule in croner's numeric form, or why it is not NCRONTAB. */
function readSchedule(expression: string): { croner: string } | { problem: string } {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== FIELDS.length)
    return {
      problem: `must have six fields, {second} {minute} {hour} {day} {month} {day-of-week}, e.g. "0 */5 * * * *" (it has ${fields.length})`,
    };
  const numeric: string[] = [];
  for (const [index, spec] of FIELDS.entries()) {
    const field = fields[index] ?? '';
    // Words that are names are NCRONTAB's; a Quartz letter or sign left over is not.
    const quartz = QUARTZ_ONLY.exec(field.replace(/[a-z]{3,}/gi, (word) => (isName(spec, word) ? '' : word)));
    if (quartz !== null)
      return {
        problem: `uses "${quartz[0].toUpperCase()}" in its ${spec.name} field, which NCRONTAB does not have (only numbers${'names' in spec ? ', names' : ''}, *, ranges a-b, lists a,b and steps /n)`,
      };
    const parsed = parseField(field, spec);
    if ('problem' in parsed) return { problem: `${spec.name} field "${field}": ${parsed.problem}` };
    numeric.push(parsed.croner);
  }
  return { croner: numeric.join(' ') };
}

type FieldSpec = (typeof FIELDS)[number];

/** One field with names as numbers, or why it is not NCRONTAB. */
function parseField(field: string, spec: FieldSpec): { croner: string } | { problem: string } {
  const items: string[] = [];
  for (const item of field.split(',')) {
    const match = /^(\*|[^-/]+(?:-[^-/]+)?)(?:\/(.*))?$/.exec(item);
    if (match === null)
      return { problem: `"${item}" is not a value, a range a-b or * (with an optional /step)` };
    const [, base = '', step] = match;
    if (step !== undefined && !/^[1-9]\d{0,5}$/.test(step))
      return { problem: `the step "/${step}" must be a positive whole number` };
    let numeric = '*';
    if (base !== '*') {
      const [low = '', high = low] = base.split('-');
      const first = valueOf(low, spec);
      const last = valueOf(high, spec);
      if (typeof first === 'string') return { problem: first };
      if (typeof last === 'string') return { problem: last };
      if (first > last) return { problem: `the range "${base}" must go from low to high` };
      // NCRONTAB reads "a/n" as from a to the field's maximum, every n.
      numeric =
        first === last ? (step === undefined ? String(first) : `${first}-${spec.max}`) : `${first}-${last}`;
    }
    items.push(step === undefined ? numeric : `${numeric}/${step}`);
  }
  return { croner: items.join(',') };
}

/** A field's value as a number, or why it is none. */
function valueOf(value: string, spec: FieldSpec): number | string {
  const range = `${spec.min}-${spec.max}`;
  if (/^\d{1,2}$/.test(value)) {
    const number = Number(value);
    return number >= spec.min && number <= spec.max ? number : `"${value}" is outside ${range}`;
  }
  if ('names' in spec) {
    const index = spec.names.findIndex((name) => isNameOf(name, value));
    if (index >= 0) return index + spec.min;
    return `"${value}" is neither a number in ${range} nor an English name (three letters or more, e.g. ${spec.names[1].slice(0, 3)})`;
  }
  return `"${value}" is not a number in ${range}`;
}

function isName(spec: FieldSpec, word: string): boolean {
  return 'names' in spec && spec.names.some((name) => isNameOf(name, word));
}

// NCRONTAB takes any prefix of a name; three letters or more keep "Ju" (June or July?) out.
function isNameOf(name: string, value: string): boolean {
  return value.length >= 3 && name.startsWith(value.toLowerCase());
}

export const ncrontab = (defaultValue: string) =>
  preprocess(
    blankToUndefined,
    z._default(
      z.string().check(
        z.trim(),
        z.superRefine((expression, context) => {
          const problem = ncrontabProblem(expression);
          if (problem !== undefined)
            context.issues.push({
              code: 'custom',
              message: `not an NCRONTAB schedule: ${problem}`,
              input: expression,
            });
        }),
      ),
      defaultValue,
    ),
  );

/**
 * Croner, loaded when a schedule's occurrences are first needed: a start at the default schedule needs
 * none, so the package's entry does not evaluate it before the functions are registered (cold start).
 */
function croner(): typeof import('croner') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/no-unsafe-assignment -- a synchronous load on first use; typed by the import type
  const loaded: typeof import('croner') = require('croner');
  return loaded;
}
