import { randomBytes } from 'node:crypto';
import type { Server } from 'node:https';

import cosmosServer from '@vercel/cosmosdb-server';

import { ConfigError } from '../../src/shared/errors';

export interface CosmosEmulator {
  readonly endpoint: string;
  /** A random key for this run: the emulator accepts any key; the app still goes down its key path. */
  readonly key: string;
  /** Stops answering (every connection is reset) but keeps the data, to simulate an outage. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts @vercel/cosmosdb-server (HTTPS, self-signed certificate, in memory) in this process. */
export async function startCosmosEmulator(port: number): Promise<CosmosEmulator> {
  const server: Server = cosmosServer();
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        reject(
          error.code === 'EADDRINUSE'
            ? new ConfigError([
                `COSMOS_EMULATOR_PORT: port ${port} is already in use; set COSMOS_EMULATOR_PORT to a free port`,
              ])
            : error,
        );
      };
      server.once('error', onError);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', onError);
        resolve();
      });
    });
  const close = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) {
        resolve();
        return;
      }
      server.close(() => {
        resolve();
      });
      server.closeAllConnections();
    });
  // The emulator keeps its data in an account it recreates on every 'listening' event, so an outage must
  // not close the server: while paused, every connection is reset instead.
  let paused = false;
  server.on('connection', (socket: import('node:net').Socket) => {
    if (paused) socket.destroy();
  });
  await listen();
  return {
    endpoint: `https://127.0.0.1:${port}`,
    key: randomBytes(32).toString('base64'),
    pause: () => {
      paused = true;
      server.closeAllConnections();
      return Promise.resolve();
    },
    resume: () => {
      paused = false;
      return Promise.resolve();
    },
    stop: close,
  };
}
