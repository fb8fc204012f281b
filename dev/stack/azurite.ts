import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

import { ensurePortFree, waitFor } from './ports';

export interface AzuriteOptions {
  readonly blobPort: number;
  readonly queuePort: number;
  readonly tablePort: number;
  /** Only the queue service (tests need nothing else). */
  readonly queueOnly?: boolean;
}

export interface Azurite {
  readonly connectionString: string;
  readonly queueEndpoint: string;
  /**
   * Freezes Azurite (SIGSTOP): its connections stay open and unanswered, as a hung storage service's do,
   * and a request sent meanwhile may still be carried out once it is thawed (SIGCONT, `resume`).
   */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

const ACCOUNT = 'devstoreaccount1';

/**
 * Starts Azurite in memory with telemetry off. The account gets a random key for this run
 * (AZURITE_ACCOUNTS), so no fixed storage key is ever written into code or settings.
 */
export async function startAzurite(options: AzuriteOptions): Promise<Azurite> {
  await ensurePortFree(options.queuePort, 'AZURITE_QUEUE_PORT');
  if (options.queueOnly !== true) {
    await ensurePortFree(options.blobPort, 'AZURITE_BLOB_PORT');
    await ensurePortFree(options.tablePort, 'AZURITE_TABLE_PORT');
  }
  const key = randomBytes(32).toString('base64');
  const entry = require.resolve(
    options.queueOnly === true ? 'azurite/dist/src/queue/main.js' : 'azurite/dist/src/azurite.js',
  );
  const ports =
    options.queueOnly === true
      ? ['--queuePort', String(options.queuePort)]
      : [
          '--blobPort',
          String(options.blobPort),
          '--queuePort',
          String(options.queuePort),
          '--tablePort',
          String(options.tablePort),
        ];
  const child: ChildProcess = spawn(
    process.execPath,
    [
      entry,
      '--inMemoryPersistence',
      '--disableTelemetry',
      '--silent',
      '--skipApiVersionCheck',
      '--loose',
      ...ports,
    ],
    { env: { ...process.env, AZURITE_ACCOUNTS: `${ACCOUNT}:${key}` }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  try {
    await waitFor(
      () => canConnect(options.queuePort),
      30_000,
      'Azurite',
      () =>
        hasExited ? new Error(`Azurite exited during start: ${output.trim().slice(0, 500)}`) : undefined,
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }

  const queueEndpoint = `http://127.0.0.1:${options.queuePort}/${ACCOUNT}`;
  const blob =
    options.queueOnly === true ? '' : `BlobEndpoint=http://127.0.0.1:${options.blobPort}/${ACCOUNT};`;
  const table =
    options.queueOnly === true ? '' : `TableEndpoint=http://127.0.0.1:${options.tablePort}/${ACCOUNT};`;
  return {
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${key};QueueEndpoint=${queueEndpoint};${blob}${table}`,
    queueEndpoint,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    async stop() {
      if (!hasExited) {
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}
