import { randomBytes } from 'node:crypto';
import { Agent } from 'node:https';
import { Socket } from 'node:net';

import { CosmosClient } from '@azure/cosmos';

import { startCosmosEmulator } from '../dev/stack/cosmos-emulator';
import { freePort } from '../dev/stack/ports';
import { toTurnRecord } from '../src/shared/chat/chat-turn-record';
import { createContainerProvider } from '../src/shared/cosmos/cosmos-containers';
import { createCosmosHistoryStore } from '../src/shared/history/cosmos-history-store';
import { type BenchResult, round } from './measure';

const TURNS = Number(process.env.BENCH_HISTORY_TURNS ?? 200);

/** An HTTPS agent that counts the bytes the Cosmos client writes (the requests), to weigh one write on the wire. */
class CountingAgent extends Agent {
  sent = 0;

  override createConnection(
    ...args: Parameters<Agent['createConnection']>
  ): ReturnType<Agent['createConnection']> {
    const socket = super.createConnection(...args);
    if (socket instanceof Socket) {
      const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
      socket.write = (chunk: unknown, ...rest: unknown[]) => {
        if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) this.sent += Buffer.byteLength(chunk);
        return write(chunk, ...rest);
      };
    }
    return socket;
  }
}

/** The cost of persisting turn 2 versus turn 200 of one conversation: it must not grow with the history. */
export async function benchHistoryWriteCost(): Promise<BenchResult> {
  const emulator = await startCosmosEmulator(await freePort());
  const agent = new CountingAgent({ rejectUnauthorized: false, keepAlive: true });
  try {
    const config = { COSMOS_ENDPOINT: emulator.endpoint, COSMOS_KEY: emulator.key, COSMOS_DATABASE: 'bench' };
    // The app's client options (src/shared/cosmos/cosmos-client.ts), with the counting agent.
    const client = new CosmosClient({
      endpoint: emulator.endpoint,
      key: emulator.key,
      agent,
      connectionPolicy: { enableEndpointDiscovery: false },
    });
    const containers = createContainerProvider(() => Promise.resolve(client), config);
    const store = createCosmosHistoryStore(() => containers('conversations'), {});
    const conversationId = randomBytes(8).toString('hex');
    const turn = (index: number) =>
      toTurnRecord({
        caller: { userId: 'bench-user' },
        conversationId,
        isNew: index === 1,
        correlationId: 'bench',
        messages: [
          {
            role: 'user',
            content: `Question ${index}: how satisfied are business travellers with seat comfort?`,
          },
          {
            role: 'assistant',
            content: `Answer ${index}: ${'Most business travellers rate seat comfort 4 or 5. '.repeat(4)}`,
          },
        ],
      });
    const measure = async (index: number) => {
      agent.sent = 0;
      const { requestCharge } = await store.appendTurn(turn(index));
      return { bytes: agent.sent, requestCharge };
    };
    await store.appendTurn(turn(1));
    const second = await measure(2);
    for (let index = 3; index < TURNS; index++) await store.appendTurn(turn(index));
    const last = await measure(TURNS);
    return {
      name: 'history write cost',
      ratioOf: `request bytes to persist turn ${TURNS} / turn 2 of one conversation`,
      ratio: round(last.bytes / second.bytes),
      target: '≈ 1 (constant per turn)',
      inputs: { turns: TURNS, messagesPerTurn: 2 },
      figures: {
        turn2Bytes: second.bytes,
        lastTurnBytes: last.bytes,
        turn2RequestCharge: second.requestCharge,
        lastTurnRequestCharge: last.requestCharge,
      },
    };
  } finally {
    agent.destroy();
    await emulator.stop();
  }
}
