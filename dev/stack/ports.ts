import { createServer } from 'node:net';

import { ConfigError } from '../../src/shared/errors';

/** Fails with a message naming the port and the setting that moves it when something already listens there. */
export async function ensurePortFree(port: number, setting: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new ConfigError([`${setting}: port ${port} is already in use; set ${setting} to a free port`])
          : error,
      );
    });
    probe.listen(port, '127.0.0.1', () =>
      probe.close(() => {
        resolve();
      }),
    );
  });
}

/** A port the OS says is free right now (tests start servers on these). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => {
        resolve(port);
      });
    });
  });
}

/**
 * Polls `check` (a failed check counts as "not yet") until it passes or time runs out; `fatal` reports a
 * condition that makes waiting pointless, such as the process having exited.
 */
export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  fatal: () => Error | undefined = () => undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const error = fatal();
    if (error !== undefined) throw error;
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not become ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
