import type { QueuedMessage, QueueInspector } from '../../../src/shared/recovery/poison-queues';
import { createRecoveryService } from '../../../src/shared/recovery/recovery-service';
import { redrivePoisonQueues } from '../../../src/shared/recovery/redrive-poison';
import { recordingLogger } from '../../support/test-logger';

/** Queues in memory: a received message is hidden until it is removed (as for the length of a run). */
function memoryQueues() {
  const queues = new Map<string, QueuedMessage[]>();
  const hidden: { queue: string; id: string; hideSeconds: number }[] = [];
  let next = 0;
  const inspector: QueueInspector = {
    receive: (queue, count) => {
      const waiting = queues.get(queue) ?? [];
      const taken = waiting.splice(0, count);
      queues.set(queue, waiting);
      return Promise.resolve(taken);
    },
    remove: () => Promise.resolve(),
    hide: (queue, message, hideSeconds) =>
      Promise.resolve(void hidden.push({ queue, id: message.id, hideSeconds })),
  };
  const put = (queue: string, payload: unknown, insertedOn = new Date(0)) => {
    next += 1;
    queues.set(queue, [
      ...(queues.get(queue) ?? []),
      { id: `m${next}`, popReceipt: 'r', insertedOn, payload },
    ]);
  };
  return { inspector, put, hidden };
}

describe('re-driving poison queues', () => {
  const NOW = Date.parse('2026-12-02T03:00:00Z');
  const setUp = (dependenciesUp = true, afterMs = 60_000) => {
    const { inspector, put, hidden } = memoryQueues();
    const { log, lines } = recordingLogger();
    const sent: { queue: string; payload: unknown }[] = [];
    const run = () =>
      redrivePoisonQueues({
        inspector,
        send: (queue, payload) => Promise.resolve(void sent.push({ queue, payload })),
        undrained: ['history-writes'],
        all: ['history-writes', 'batch-items'],
        afterMs,
        maxRedrives: 2,
        dependenciesUp: () => Promise.resolve(dependenciesUp),
        log,
        now: () => NOW,
      });
    return { put, sent, run, hidden, lines };
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

  it('when a message is recent, then it stays, hidden until it has waited long enough', async () => {
    const { put, sent, run, hidden } = setUp(true, 900_000);
    put('history-writes-poison', { turnId: 'recent' }, new Date(NOW - 100_000));
    expect((await run()).kept).toBe(1);
    expect(sent).toEqual([]);
    expect(hidden).toEqual([{ queue: 'history-writes-poison', id: 'm1', hideSeconds: 800 }]);
  });

  it('when a message is due in less time than a run hides what it receives, then it is hidden only until it is due', async () => {
    const { put, run, hidden } = setUp(true, 1_000);
    put('history-writes-poison', { turnId: 'almost' }, new Date(NOW - 400));
    expect((await run()).kept).toBe(1);
    // Not the receive's two minutes: the next run after a second re-drives it.
    expect(hidden).toEqual([{ queue: 'history-writes-poison', id: 'm1', hideSeconds: 1 }]);
  });

  it('when a message was re-driven too often, can never succeed or is not JSON, then it is logged with why and moved to <queue>-dead, never re-driven', async () => {
    const { put, sent, run, lines } = setUp();
    put('history-writes-poison', { turnId: 'often', _redriven: 2 });
    put('history-writes-poison', {
      turnId: 'invalid',
      _poisoned: { retryable: false, reason: 'not a turn' },
    });
    put('history-writes-poison', 'not even JSON');
    const report = await run();
    expect(report).toMatchObject({ redriven: {}, dead: { 'history-writes-dead': 3 }, kept: 0 });
    expect(sent).toEqual([
      { queue: 'history-writes-dead', payload: { turnId: 'often', _redriven: 2 } },
      {
        queue: 'history-writes-dead',
        payload: { turnId: 'invalid', _poisoned: { retryable: false, reason: 'not a turn' } },
      },
      { queue: 'history-writes-dead', payload: 'not even JSON' },
    ]);
    const log = lines.join('\n');
    expect(log).toContain('moved to history-writes-dead: re-driven 2 times (POISON_MAX_REDRIVES)');
    expect(log).toContain(
      'moved to history-writes-dead: its queue function found it can never succeed: not a turn',
    );
    expect(log).toContain('moved to history-writes-dead: not a JSON object');
  });

  it('when a dependency is still down, then nothing leaves a poison queue, but -poison-poison still goes back to -poison', async () => {
    const { put, sent, run } = setUp(false);
    put('history-writes-poison', { turnId: 't1' });
    put('batch-items-poison-poison', { jobId: 'j1', items: [] });
    await run();
    expect(sent).toEqual([{ queue: 'batch-items-poison', payload: { jobId: 'j1', items: [] } }]);
  });

  it('when more messages that never succeed than one run looks at sit ahead of a good one, then within a few runs the good one is re-driven and the others are in <queue>-dead', async () => {
    // A queue with visibility: what a run receives stays hidden for the time it asked for, as in Azure.
    let now = NOW;
    const queues = new Map<string, (QueuedMessage & { visibleAt: number })[]>();
    const of = (queue: string) => queues.get(queue) ?? queues.set(queue, []).get(queue) ?? [];
    const inspector: QueueInspector = {
      receive: (queue, count, hideSeconds) => {
        const visible = of(queue)
          .filter((message) => message.visibleAt <= now)
          .slice(0, count);
        for (const message of visible) message.visibleAt = now + hideSeconds * 1000;
        return Promise.resolve(visible);
      },
      remove: (queue, message) => {
        const messages = of(queue);
        messages.splice(
          messages.findIndex((candidate) => candidate.id === message.id),
          1,
        );
        return Promise.resolve();
      },
      hide: (queue, message, hideSeconds) => {
        const found = of(queue).find((candidate) => candidate.id === message.id);
        if (found !== undefined) found.visibleAt = now + hideSeconds * 1000;
        return Promise.resolve();
      },
    };
    const put = (queue: string, id: string, payload: unknown) =>
      of(queue).push({ id, popReceipt: 'r', insertedOn: new Date(0), payload, visibleAt: 0 });
    for (let index = 0; index < 300; index++) put('history-writes-poison', `bad${index}`, 'not json');
    put('history-writes-poison', 'good', { turnId: 't' });
    const sent: { queue: string; payload: unknown }[] = [];
    const { log, lines } = recordingLogger();
    for (let run = 0; run < 3; run++) {
      await redrivePoisonQueues({
        inspector,
        send: (queue, payload) => {
          sent.push({ queue, payload });
          put(queue, `copy${sent.length}`, payload);
          return Promise.resolve();
        },
        undrained: ['history-writes'],
        all: [],
        afterMs: 60_000,
        maxRedrives: 3,
        dependenciesUp: () => Promise.resolve(true),
        log,
        now: () => now,
      });
      now += 5 * 60_000; // the next occurrence of the schedule
    }
    expect(sent.filter((message) => message.queue === 'history-writes')).toEqual([
      { queue: 'history-writes', payload: { turnId: 't', _redriven: 1 } },
    ]);
    expect(sent.filter((message) => message.queue === 'history-writes-dead')).toHaveLength(300);
    expect(of('history-writes-poison')).toEqual([]);
    expect(lines.join('\n')).toContain('moved to history-writes-dead: not a JSON object');
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
