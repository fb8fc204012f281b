import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Cron } from 'croner';
import { z } from 'zod';

import { ncrontabCron } from '../../src/shared/config/ncrontab';

/** What the host passes to a timer trigger (the @azure/functions `Timer`). */
export interface TimerInfo {
  readonly isPastDue: boolean;
  readonly schedule: { readonly adjustForDST: boolean };
  readonly scheduleStatus: { readonly last: string; readonly next: string; readonly lastUpdated: string };
}

export interface TimerListenerOptions {
  readonly name: string;
  /** NCRONTAB, six fields, in UTC. */
  readonly schedule: string;
  /** Persist the schedule status, so an occurrence missed while no host ran fires at start, past due. */
  readonly useMonitor?: boolean;
  readonly runOnStartup?: boolean;
  /** Shared by every host on the same storage account: the singleton lock and the schedule status live here. */
  readonly stateDir: string;
  readonly invoke: (timer: TimerInfo) => Promise<void>;
  readonly log: (level: 'info' | 'warn' | 'error', line: string) => void;
}

export interface TimerListener {
  /**
   * Runs the function now, outside its schedule (the host's `POST /admin/functions/<name>`), on this host,
   * after any run in progress; refused while another host holds the timer's lock.
   */
  runNow(): Promise<void>;
  /** Stops scheduling, waits for a run in progress and gives up the lock. */
  stop(): Promise<void>;
}

const LOCK_LEASE_MS = 15_000;
const LOCK_RENEW_MS = 5_000;
const statusSchema = z.object({ last: z.string(), next: z.string(), lastUpdated: z.string() });
const lockSchema = z.object({ owner: z.string(), until: z.number() });

/**
 * Runs a timer trigger with the Functions host's semantics: the NCRONTAB schedule in UTC; one instance at
 * a time across every host on the same storage (a lease on a lock, as the host's singleton listener holds
 * a blob lease; the others keep trying to take it); never two runs at once (the next occurrence is computed
 * when a run ends, so a long run skips the occurrences it covered); with `useMonitor` (the default for
 * schedules at most once a minute) the last and next occurrences are kept, and one missed while no host
 * ran fires at start with `isPastDue: true`. A failed run is not retried.
 */
export async function startTimerListener(options: TimerListenerOptions): Promise<TimerListener> {
  // As NCRONTAB reads it: names in full, and a day and a day of week that must both match.
  const cron = ncrontabCron(options.schedule);
  const useMonitor = options.useMonitor ?? atMostOncePerMinute(cron);
  const owner = randomUUID();
  const lockFile = join(options.stateDir, 'locks', `${options.name}.json`);
  const statusFile = join(options.stateDir, 'timers', `${options.name}.json`);
  await mkdir(join(options.stateDir, 'locks'), { recursive: true });
  await mkdir(join(options.stateDir, 'timers'), { recursive: true });
  const stopping = new AbortController();
  const isStopping = () => stopping.signal.aborted;
  let running: Promise<void> = Promise.resolve();
  let holding = false;

  const run = (isPastDue: boolean, last: Date, next: Date): Promise<void> => {
    const work = running.then(async () => {
      const timer: TimerInfo = {
        isPastDue,
        schedule: { adjustForDST: false },
        scheduleStatus: {
          last: last.toISOString(),
          next: next.toISOString(),
          lastUpdated: new Date().toISOString(),
        },
      };
      try {
        await options.invoke(timer);
      } catch (error) {
        options.log('warn', `timer ${options.name}: the run failed (not retried): ${String(error)}`);
      }
    });
    running = work;
    return work;
  };

  // The lock is a file created atomically (a hard link to a written temporary file fails if it exists);
  // its holder rewrites it to renew the lease; an expired one is moved aside by exactly one taker.
  const tryLock = async (): Promise<boolean> => {
    const now = Date.now();
    const content = JSON.stringify({ owner, until: now + LOCK_LEASE_MS });
    const current = lockSchema.safeParse(await readJson(lockFile));
    if (current.success && current.data.owner === owner) {
      await writeAtomically(lockFile, content);
      return true;
    }
    if (current.success && current.data.until > now) return false;
    if (current.success) {
      const aside = `${lockFile}.expired.${owner}`;
      try {
        await rename(lockFile, aside);
      } catch {
        return false; // another host moved it first
      }
      await rm(aside, { force: true });
    }
    const temporary = `${lockFile}.${owner}`;
    await writeFile(temporary, content);
    try {
      await link(temporary, lockFile);
      return true;
    } catch {
      return false;
    } finally {
      await rm(temporary, { force: true });
    }
  };

  // The host fires runOnStartup when its listener starts, which is when it takes the singleton lock.
  let startUpPending = options.runOnStartup === true;
  const runHoldingLock = async (start: () => Promise<void>) => {
    const renewal = setInterval(() => void tryLock().catch(() => undefined), LOCK_RENEW_MS);
    try {
      await start();
    } finally {
      clearInterval(renewal);
    }
  };

  const loop = async () => {
    let last = new Date();
    while (!isStopping()) {
      holding = await tryLock().catch(() => false);
      if (!holding) {
        await sleep(LOCK_RENEW_MS + Math.random() * 1_000, stopping.signal);
        continue;
      }
      if (startUpPending) {
        startUpPending = false;
        await runHoldingLock(() => run(false, new Date(), cron.nextRun(new Date()) ?? new Date()));
      }
      const status = useMonitor ? statusSchema.safeParse(await readJson(statusFile)) : undefined;
      const now = new Date();
      let next = cron.nextRun(now) ?? undefined;
      if (status?.success === true && new Date(status.data.next) < now) {
        // An occurrence passed while no host ran this timer: it fires now, past due.
        last = new Date(status.data.next);
        await run(true, new Date(status.data.last), last);
        next = cron.nextRun(new Date()) ?? undefined;
      }
      if (next === undefined) return;
      if (useMonitor) await saveStatus(statusFile, last, next);
      // Wait for the occurrence, renewing the lock meanwhile; losing it means another host runs the timer.
      while (!isStopping() && Date.now() < next.getTime()) {
        await sleep(Math.min(LOCK_RENEW_MS, next.getTime() - Date.now()), stopping.signal);
        if (!(await tryLock().catch(() => false))) break;
      }
      if (isStopping() || Date.now() < next.getTime()) continue;
      await runHoldingLock(() => run(false, last, cron.nextRun(next) ?? next));
      last = next;
      if (useMonitor) await saveStatus(statusFile, last, cron.nextRun(new Date()) ?? next);
    }
  };

  const looping = loop().catch((error: unknown) => {
    options.log('error', `timer ${options.name}: ${String(error)}`);
  });
  return {
    async runNow() {
      // A manual run still keeps to one instance at a time: it runs on this host only with the lock.
      if (!(await tryLock().catch(() => false))) {
        options.log('warn', `timer ${options.name}: not run now: another host holds its lock`);
        throw new Error(`timer ${options.name}: another host holds its lock; try again when it is free`);
      }
      holding = true;
      await runHoldingLock(() => run(false, new Date(), cron.nextRun(new Date()) ?? new Date()));
    },
    async stop() {
      stopping.abort();
      await looping;
      await running;
      if (holding) await rm(lockFile, { force: true }).catch(() => undefined);
      cron.stop();
    },
  };
}

/** The host's default for useMonitor: on for schedules whose occurrences are at least a minute apart. */
function atMostOncePerMinute(cron: Cron): boolean {
  const [first, second] = cron.nextRuns(2, new Date());
  return first !== undefined && second !== undefined && second.getTime() - first.getTime() >= 60_000;
}

async function saveStatus(file: string, last: Date, next: Date): Promise<void> {
  const status = {
    last: last.toISOString(),
    next: next.toISOString(),
    lastUpdated: new Date().toISOString(),
  };
  await writeAtomically(file, JSON.stringify(status));
}

/** Readers see the old content or the new, never half of it. */
async function writeAtomically(file: string, content: string): Promise<void> {
  const temporary = `${file}.${randomUUID()}`;
  await writeFile(temporary, content);
  await rename(temporary, file);
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
