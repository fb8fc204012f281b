import type { QueuedMessage, QueueInspector } from '../../../src/shared/recovery/poison-queues';
import { createRecoveryService } from '../../../src/shared/recovery/recovery-service';
import { redrivePoisonQueues } from '../../../src/shared/recovery/redrive-poison';
import { recordingLogger } from '../../support/test-logger';

/** Queues in memory: a received message is hidden until it is removed (as for the length of a run). */
function memoryQueues() {
  const queues = new Map<string, QueuedMessage[]>();
  let next = 0;
  const inspector: QueueInspector = {
    receive: (queue, count) => {
      const waiting = queues.get(queue) ?? [];
      const taken = waiting.splice(0, count);
      queues.set(queue, waiting);
      return Promise.resolve(taken);
    },
    remove: () => Promise.resolve(),
  };
  const put = (queue: string, payload: unknown, insertedOn = new Date(0)) => {
    next += 1;
    queues.set(queue, [
      ...(queues.get(queue) ?? []),
      { id: `m${next}`, popReceipt: 'r', insertedOn, payload },
    ]);
  };
  return { inspector, put };
}

describe('re-driving poison queues', () => {
  const NOW = Date.parse('2026-12-02T03:00:00Z');
  const setUp = (dependenciesUp = true) => {
    const { inspector, put } = memoryQueues();
    const sent: { queue: string; payload: unknown }[] = [];
    const run = () =>
      redrivePoisonQueues({
        inspector,
        send: (queue, payload) => Promise.resolve(void sent.push({ queue, payload })),
        undrained: ['history-writes'],
        all: ['history-writes', 'batch-items'],
        afterMs: 60_000,
        maxRedrives: 2,
        dependenciesUp: () => Promise.resolve(dependenciesUp),
        log: recordingLogger().log,
        now: () => NOW,
      });
    return { put, sent, run };
  };

  it('when a message has waited long enough, then it goes back onto its queue with its re-drive counted', async () => {
    const { put, sent, run } = setUp();
    put('history-writes-poison', { turnId: 't1' });
    put('history-writes-poison', { turnId: 't2', _redriven: 1 });
    const report = await run();
    expect(sent).toEqual([
      { queue: 'history-writes', payload: { turnId: 't1', _redriven: 1 } },
      { queue: 'history-writes', payload: { turnId: 't2', _redriven: 2 } },
    ]);
    expect(report.redriven).toEqual({ 'history-writes-poison': 2 });
  });

  it('when a message is recent, was re-driven too often or can never succeed, then it stays', async () => {
    const { put, sent, run } = setUp();
    put('history-writes-poison', { turnId: 'recent' }, new Date(NOW - 1_000));
    put('history-writes-poison', { turnId: 'often', _redriven: 2 });
    put('history-writes-poison', {
      turnId: 'invalid',
      _poisoned: { retryable: false, reason: 'not a turn' },
    });
    put('history-writes-poison', 'not even JSON');
    expect((await run()).kept).toBe(4);
    expect(sent).toEqual([]);
  });

  it('when a dependency is still down, then nothing leaves a poison queue, but -poison-poison still goes back to -poison', async () => {
    const { put, sent, run } = setUp(false);
    put('history-writes-poison', { turnId: 't1' });
    put('batch-items-poison-poison', { jobId: 'j1', items: [] });
    await run();
    expect(sent).toEqual([{ queue: 'batch-items-poison', payload: { jobId: 'j1', items: [] } }]);
  });

  it('when one part of the recovery run fails, then the other still runs and the failure is logged', async () => {
    const { log, lines } = recordingLogger();
    let swept = false;
    const recovery = createRecoveryService({
      redrivePoison: () => Promise.reject(new Error('Cosmos DB is unavailable')),
      sweepJobs: () => {
        swept = true;
        return Promise.resolve({ open: 0 });
      },
    });
    const result = await recovery.run(log);
    expect(swept).toBe(true);
    expect(result).toEqual({ poison: undefined, jobs: { open: 0 } });
    expect(lines.join('\n')).toMatch(/re-driving poison queues did not finish/);
  });
});
