import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startTimerListener, type TimerInfo } from '../../dev/local-host/timer-listener';
import { waitFor } from '../../dev/stack/ports';

const quiet = () => undefined;

describe('the local host timer trigger', () => {
  let stateDir: string;
  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'timer-state-'));
  });
  afterEach(() => {
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('when a run takes longer than the interval, then runs never overlap and the occurrences it covered are skipped', async () => {
    let running = 0;
    let most = 0;
    const starts: number[] = [];
    const timer = await startTimerListener({
      name: 'slow',
      schedule: '* * * * * *',
      stateDir,
      log: quiet,
      invoke: async () => {
        running += 1;
        most = Math.max(most, running);
        starts.push(Date.now());
        await new Promise((resolve) => setTimeout(resolve, 2_500));
        running -= 1;
      },
    });
    await waitFor(() => Promise.resolve(starts.length >= 2), 15_000, 'two runs');
    await timer.stop();
    expect(most).toBe(1);
    expect((starts[1] ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(2_500);
  }, 30_000);

  it('when the schedule names its day and day of week, then both must match, as in NCRONTAB, and names are read in full', async () => {
    // Friday the 13th: with cron's "either" rule this would be the next Friday or the next 13th.
    const timer = await startTimerListener({
      name: 'friday-13',
      schedule: '0 0 0 13 * Friday',
      useMonitor: true,
      stateDir,
      log: quiet,
      invoke: () => Promise.resolve(),
    });
    const statusFile = join(stateDir, 'timers', 'friday-13.json');
    await waitFor(() => Promise.resolve(existsSync(statusFile)), 10_000, 'the schedule status');
    await timer.stop();
    const next = new Date((JSON.parse(readFileSync(statusFile, 'utf8')) as { next: string }).next);
    expect({ day: next.getUTCDate(), weekday: next.getUTCDay() }).toEqual({ day: 13, weekday: 5 });
  });

  it('when two hosts share the storage, then one instance at a time runs the timer', async () => {
    const runs = { a: 0, b: 0 };
    const start = (name: 'a' | 'b') =>
      startTimerListener({
        name: 'shared',
        schedule: '* * * * * *',
        stateDir,
        log: quiet,
        invoke: () => {
          runs[name] += 1;
          return Promise.resolve();
        },
      });
    const [a, b] = await Promise.all([start('a'), start('b')]);
    await waitFor(() => Promise.resolve(runs.a + runs.b >= 4), 15_000, 'four runs');
    await Promise.all([a.stop(), b.stop()]);
    expect(Math.min(runs.a, runs.b)).toBe(0);
  }, 30_000);

  it('when an occurrence passed while no host ran, then it fires at start with isPastDue', async () => {
    mkdirSync(join(stateDir, 'timers'), { recursive: true });
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    writeFileSync(
      join(stateDir, 'timers', 'hourly.json'),
      JSON.stringify({
        last: hourAgo,
        next: new Date(Date.now() - 60_000).toISOString(),
        lastUpdated: hourAgo,
      }),
    );
    const seen: TimerInfo[] = [];
    const timer = await startTimerListener({
      name: 'hourly',
      schedule: '0 0 * * * *',
      stateDir,
      log: quiet,
      invoke: (info) => Promise.resolve(void seen.push(info)),
    });
    await waitFor(() => Promise.resolve(seen.length >= 1), 10_000, 'the past-due run');
    await timer.stop();
    expect(seen[0]?.isPastDue).toBe(true);
    expect(seen[0]?.scheduleStatus.last).toBe(hourAgo);
  }, 30_000);

  it('when another host holds the lock, then runOnStartup and a manual run wait for it: one instance at a time', async () => {
    const runs = { a: 0, b: 0 };
    const start = (name: 'a' | 'b') =>
      startTimerListener({
        name: 'guarded',
        schedule: '0 0 0 * * *', // daily: only the startup and manual runs happen here
        runOnStartup: true,
        stateDir,
        log: quiet,
        invoke: () => Promise.resolve(void (runs[name] += 1)),
      });
    const a = await start('a');
    const b = await start('b').catch(async (error: unknown) => {
      await a.stop();
      throw error;
    });
    try {
      await waitFor(() => Promise.resolve(runs.a === 1), 10_000, 'the startup run on the lock holder');
      await expect(b.runNow()).rejects.toThrow(/another host/);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(runs.b).toBe(0);
      await a.stop(); // gives up the lock: b takes it, and its start-up run happens then
      await waitFor(() => Promise.resolve(runs.b === 1), 15_000, 'the startup run once b holds the lock');
      await b.runNow();
      expect(runs).toEqual({ a: 1, b: 2 });
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 40_000);
});
