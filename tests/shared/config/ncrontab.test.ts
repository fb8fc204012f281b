import { ncrontabProblem, scheduleGapMs } from '../../../src/shared/config/ncrontab';

describe('NCRONTAB schedules (RECOVERY_SCHEDULE)', () => {
  it.each([
    '0 */5 * * * *',
    '*/2 * * * * *',
    '0 0 * * * *',
    '0 0 9-17 * * *',
    '0 30 9 * * 1-5',
    '0 0 7,18 * * *',
    '0 30 9 * Jan Mon',
    '0 30 9 * january monday',
    '0 0 0 1 JAN-MAR SUN,SAT',
    '5/15 * * * * *',
    '0 0-30/10 * * * *',
  ])('when the schedule is %s, which the Functions host reads, then it is accepted', (schedule) => {
    expect(ncrontabProblem(schedule)).toBeUndefined();
  });

  it.each([
    ['0 0 0 L * *', 'L'],
    ['0 0 0 ? * *', '?'],
    ['0 0 0 * * MON#1', '#'],
    ['0 0 0 1W * *', 'W'],
    ['0 0 0 * * 5L', 'L'],
  ])(
    'when the schedule is %s, which NCRONTAB has no %s for, then it is refused naming the character',
    (schedule, character) => {
      expect(ncrontabProblem(schedule)).toContain(`"${character}"`);
    },
  );

  it.each([
    ['*/5 * * * *', /six fields/],
    ['0 */5 * * * * 2027', /six fields/],
    ['@hourly', /six fields/],
    ['0 60 * * * *', /minute.*0-59/],
    ['0 0 24 * * *', /hour.*0-23/],
    ['0 0 0 0 * *', /day.*1-31/],
    ['0 0 0 * 13 *', /month.*1-12/],
    ['0 0 0 * * 7', /day-of-week.*0-6/],
    ['0 0 0 * Ju *', /month/],
    ['0 */0 * * * *', /step/],
    ['0 30-10 * * * *', /range/],
  ])('when the schedule is %s, then it is refused saying why', (schedule, reason) => {
    expect(ncrontabProblem(schedule)).toMatch(reason);
  });

  it('when the schedule can never occur (31 February), then it is refused as having no next occurrence', () => {
    expect(ncrontabProblem('0 0 0 31 2 *')).toMatch(/never occurs/);
    expect(ncrontabProblem('0 0 0 30 2 *')).toMatch(/never occurs/);
  });

  it('when a schedule runs at uneven times, then its gap is the longest one between two runs', () => {
    expect(scheduleGapMs('0 */5 * * * *')).toBe(300_000);
    expect(scheduleGapMs('*/2 * * * * *')).toBe(2_000);
    expect(scheduleGapMs('0 0,5 * * * *')).toBe(55 * 60_000);
    // Weekdays at 9: Friday to Monday is the longest wait.
    expect(scheduleGapMs('0 0 9 * * Mon-Fri')).toBe(3 * 86_400_000);
  });
});
