import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { repoRoot } from './isolated-stack';
import { freePort } from './ports';

/**
 * The Cosmos emulator in a process of its own, so an outage can be a real freeze: SIGSTOP leaves its
 * connections open and unanswered (as a hung or partitioned service does), SIGCONT brings it back with
 * its data.
 */
export interface CosmosProcess {
  readonly settings: { COSMOS_ENDPOINT: string; COSMOS_KEY: string };
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

export async function startCosmosProcess(): Promise<CosmosProcess> {
  const port = await freePort();
  const module = join(repoRoot, 'dist', 'dev', 'stack', 'cosmos-emulator.js');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '-e',
      `require(${JSON.stringify(module)}).startCosmosEmulator(${port}).then(() => console.log('ready'))`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`the Cosmos emulator exited with ${String(code)}`));
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  return {
    settings: {
      COSMOS_ENDPOINT: `https://127.0.0.1:${port}`,
      COSMOS_KEY: randomBytes(32).toString('base64'),
    },
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    async stop() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * An app root serving this repository's build with host.json's queue settings changed (to shorten
 * redelivery in a test). The build is copied, not linked: the app finds host.json above its own files.
 */
export function appRootWithQueues(queues: Record<string, unknown>): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'fault-app-'));
  cpSync(join(repoRoot, 'dist'), join(path, 'dist'), { recursive: true });
  for (const entry of ['node_modules', 'package.json', 'data']) {
    symlinkSync(join(repoRoot, entry), join(path, entry));
  }
  const hostJson = JSON.parse(readFileSync(join(repoRoot, 'host.json'), 'utf8')) as {
    extensions: { queues: Record<string, unknown> };
  };
  hostJson.extensions.queues = { ...hostJson.extensions.queues, ...queues };
  writeFileSync(join(path, 'host.json'), JSON.stringify(hostJson, null, 2));
  return {
    path,
    remove: () => {
      rmSync(path, { recursive: true, force: true });
    },
  };
}
