import type { BatchJob, BatchStore } from '../../../src/shared/batch/batch-store';
import { createJobQuotas } from '../../../src/shared/batch/job-quotas';
import { QuotaExceededError } from '../../../src/shared/errors';
import type { QuotaMeter } from '../../../src/shared/quota/quota-meter';

const job = (jobId: string, overrides: Partial<BatchJob> = {}): BatchJob => ({
  jobId,
  userId: 'owner-1',
  schema: { type: 'object' },
  total: 2,
  createdAt: new Date().toISOString(),
  requestHash: 'h',
  extraction: { mode: 'validated', reason: 'test' },
  fannedOut: true,
  ...overrides,
});

/** A batch store holding jobs and how many of their items have an outcome; nothing else is called. */
function storeWith(jobs: Record<string, { job: BatchJob; done: number }>): BatchStore {
  return new Proxy({} as BatchStore, {
    get(_target, name) {
      if (name === 'getJob') return (jobId: string) => Promise.resolve(jobs[jobId]?.job);
      if (name === 'counts')
        return (jobId: string) => Promise.resolve({ succeeded: jobs[jobId]?.done ?? 0, failed: 0 });
      throw new Error(`the fake batch store has no ${String(name)}`);
    },
  });
}

/** A meter that records what it was asked, and lets the test decide holds with the repair check. */
function recordingMeter(options: { itemsLeft: number }) {
  const calls: string[] = [];
  const meter = {
    hold: async (_caller, _name, holder, stillActive) => {
      calls.push(`hold ${holder}`);
      calls.push(`old job done: ${String(!(await stillActive('old', new Date(0).toISOString())))}`);
    },
    consume: (_caller, _name, amount) => {
      calls.push(`consume ${amount}`);
      return amount > options.itemsLeft
        ? Promise.reject(new QuotaExceededError('batch_items_per_day', 'over', 60))
        : Promise.resolve();
    },
    release: (_userId, _name, holder) => {
      calls.push(`release ${holder}`);
      return Promise.resolve();
    },
  } as Partial<QuotaMeter> as QuotaMeter;
  return { meter, calls };
}

const owner = { userId: 'owner-1', roles: [] };

describe('the batch job quotas', () => {
  it('when a job is admitted, then it takes a slot, counts its items, and the repair check sees a finished job as done', async () => {
    const { meter, calls } = recordingMeter({ itemsLeft: 10 });
    const quotas = createJobQuotas(storeWith({ old: { job: job('old'), done: 2 } }), meter);
    await quotas.admit(owner, 'new', 3);
    expect(calls).toEqual(['hold new', 'old job done: true', 'consume 3']);
  });

  it('when its items are over what is left, then the slot it took is given back', async () => {
    const { meter, calls } = recordingMeter({ itemsLeft: 2 });
    const quotas = createJobQuotas(storeWith({}), meter);
    await expect(quotas.admit(owner, 'new', 3)).rejects.toThrow(QuotaExceededError);
    expect(calls.at(-1)).toBe('release new');
  });

  it.each([
    ['still running', { job: job('old'), done: 1 }, false],
    [
      'never fanned out and 11 minutes old (abandoned)',
      {
        job: job('old', { fannedOut: false, createdAt: new Date(Date.now() - 11 * 60_000).toISOString() }),
        done: 0,
      },
      true,
    ],
    ['being fanned out right now', { job: job('old', { fannedOut: false }), done: 0 }, false],
  ])(
    'when the holder of a slot is a job %s, then the repair check says done=%s',
    async (_name, entry, done) => {
      const { meter, calls } = recordingMeter({ itemsLeft: 10 });
      await createJobQuotas(storeWith({ old: entry }), meter).admit(owner, 'new', 1);
      expect(calls[1]).toBe(`old job done: ${String(done)}`);
    },
  );

  it('when the slot holder has no job document and was taken long ago, then it is a leak the repair drops', async () => {
    const { meter, calls } = recordingMeter({ itemsLeft: 10 });
    await createJobQuotas(storeWith({}), meter).admit(owner, 'new', 1);
    expect(calls[1]).toBe('old job done: true');
  });

  it('when a slice completes a job, then its slot is released; an unfinished job keeps it', async () => {
    const { meter, calls } = recordingMeter({ itemsLeft: 10 });
    const quotas = createJobQuotas(
      storeWith({ full: { job: job('full'), done: 2 }, half: { job: job('half'), done: 1 } }),
      meter,
    );
    await quotas.release('full');
    await quotas.release('half');
    expect(calls).toEqual(['release full']);
  });
});
