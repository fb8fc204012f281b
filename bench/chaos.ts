import { appRootWithQueues, startCosmosProcess } from '../dev/stack/fault-stack';
import { startIsolatedStack } from '../dev/stack/isolated-stack';
import { type BenchResult, round } from './measure';

const TURNS = 20;
const ITEMS = 100;
const OUTAGE_MS = 45_000;
const STORM_MS = 60_000;
const SCHEMA = {
  type: 'object',
  properties: { company_name: { type: 'string' }, stock_symbol: { type: 'string' } },
  required: ['company_name', 'stock_symbol'],
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Chaos: TURNS chat turns (one every 2 s, each in a new conversation) and an ITEMS-item batch job while
 * the Cosmos emulator is frozen (SIGSTOP) for OUTAGE_MS and the model answers a 429/500 storm (30% each)
 * for STORM_MS; maxDequeueCount x visibilityTimeout is shortened to 3 x 2 s, far under the outage. It
 * counts turns accepted (200), stored, lost and duplicated, items done and done twice, and how long
 * after the outage everything settled. Lost and duplicated must be 0.
 */
export async function benchChaos(): Promise<BenchResult> {
  const cosmos = await startCosmosProcess();
  const app = appRootWithQueues({ maxDequeueCount: 3, visibilityTimeout: '00:00:02' });
  const stack = await startIsolatedStack({ settings: cosmos.settings, appRoot: app.path });
  try {
    const host = await stack.startHost({
      LOG_LEVEL: 'warn',
      QUEUE_RETRY_BASE_SECONDS: '1',
      QUEUE_RETRY_MAX_SECONDS: '8',
      RECOVERY_SCHEDULE: '*/5 * * * * *',
      BATCH_STUCK_AFTER_SECONDS: '60',
      AZURE_OPENAI_CIRCUIT_COOLDOWN_SECONDS: '3',
    });
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${host.url}/api/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const get = async (path: string) => {
      const response = await fetch(`${host.url}/api/${path}`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    const job = await post('batch-jobs', {
      items: Array.from({ length: ITEMS }, (_, index) => `Company ${index} trades as C${index}.`),
      schema: SCHEMA,
    });
    if (job.status !== 202) throw new Error(`the job was answered ${job.status}`);
    const jobId = String(job.body.jobId);
    stack.model?.configure({ failureRate429: 0.3, failureRate500: 0.3, injectedRetryAfterMs: 500 });
    const stormEnds = sleep(STORM_MS).then(() => {
      stack.model?.configure({ failureRate429: 0, failureRate500: 0 });
    });
    await sleep(1_000);
    cosmos.pause();
    const outageEnds = sleep(OUTAGE_MS).then(() => {
      cosmos.resume();
      return Date.now();
    });
    const turns = await Promise.all(
      Array.from({ length: TURNS }, async (_, index) => {
        await sleep(index * 2_000);
        const message = `chaos turn ${index}`;
        const answer = await post('chat', { message });
        return { message, status: answer.status, conversationId: answer.body.conversationId };
      }),
    );
    const recoveredAt = await outageEnds;
    await stormEnds;

    const accepted = turns.filter((turn) => turn.status === 200 && typeof turn.conversationId === 'string');
    const storedTimes = async () =>
      Promise.all(
        accepted.map(async (turn) => {
          const conversation = await get(`conversations/${String(turn.conversationId)}`);
          const messages = (conversation.body.messages ?? []) as { role: string; content: string }[];
          return messages.filter((stored) => stored.role === 'user' && stored.content === turn.message)
            .length;
        }),
      );
    const jobDone = async () => (await get(`batch-jobs/${jobId}`)).body.pending === 0;
    const deadline = Date.now() + 300_000;
    let counts = await storedTimes();
    while (Date.now() < deadline && (counts.some((count) => count === 0) || !(await jobDone()))) {
      await sleep(1_000);
      counts = await storedTimes();
    }
    const settledSeconds = (Date.now() - recoveredAt) / 1000;
    const status = (await get(`batch-jobs/${jobId}`)).body as {
      succeeded: number;
      failed: number;
      pending: number;
    };
    const indexes: number[] = [];
    let token: string | undefined;
    do {
      const query = token === undefined ? '' : `&continuationToken=${encodeURIComponent(token)}`;
      const page = (await get(`batch-jobs/${jobId}/results?pageSize=100${query}`)).body as {
        items: { index: number }[];
        continuationToken?: string;
      };
      indexes.push(...page.items.map((item) => item.index));
      token = page.continuationToken;
    } while (token !== undefined);

    const stored = counts.filter((count) => count >= 1).length;
    const lost = accepted.length - stored + status.pending;
    const duplicated = counts.filter((count) => count > 1).length + (indexes.length - new Set(indexes).size);
    return {
      name: 'chaos',
      ratioOf: '(lost + duplicated) / accepted work, after a Cosmos DB outage and a model 429/500 storm',
      ratio: round((lost + duplicated) / (accepted.length + ITEMS), 3),
      target: '0',
      inputs: {
        turns: TURNS,
        items: ITEMS,
        cosmosOutageSeconds: OUTAGE_MS / 1000,
        modelStormSeconds: STORM_MS / 1000,
        modelStorm: '30% 429, 30% 500',
        queues: 'maxDequeueCount 3 x visibilityTimeout 2 s',
      },
      figures: {
        turnsAccepted: accepted.length,
        turnsRefused503: turns.filter((turn) => turn.status === 503).length,
        turnsStored: stored,
        itemsSucceeded: status.succeeded,
        itemsFailed: status.failed,
        lost,
        duplicated,
        settledSecondsAfterOutage: round(settledSeconds, 1),
      },
    };
  } finally {
    cosmos.resume();
    await stack.stop();
    await cosmos.stop();
    app.remove();
  }
}
