import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';

import type { ModelSimulatorOptions } from '../../dev/model-simulator';
import { type LocalHostProcess, spawnLocalHost } from '../../dev/stack/local-host-process';
import { freePort } from '../../dev/stack/ports';
import { type Stack, startStack } from '../../dev/stack/start-stack';
import { parseSettings } from '../../src/shared/config/load-config';
import { settings } from '../../src/shared/config/settings';

/** The repository root, from dev/stack in the sources or dist/dev/stack in the build. */
export const repoRoot = resolve(__dirname, __dirname.includes(`${sep}dist${sep}`) ? '../../..' : '../..');

export interface IsolatedStack extends Stack {
  /** Starts (or restarts) the built local host against this stack; extra settings override the stack's. */
  startHost(extra?: Record<string, string>): Promise<LocalHostProcess>;
  readonly host: () => LocalHostProcess;
  /**
   * Starts one more host on its own port against the same stack: a second instance of the app, as Flex
   * Consumption runs when it scales out. Stopped with the stack.
   */
  startAnotherHost(extra?: Record<string, string>): Promise<LocalHostProcess>;
}

export interface IsolatedStackOptions {
  readonly settings?: Record<string, string>;
  readonly model?: ModelSimulatorOptions;
  /**
   * The app the host serves: a folder holding package.json (whose `main` is loaded), host.json and
   * whatever `main` needs, such as an unpacked deployment package. The caller owns it. Default: a
   * fresh folder linking to this repository's build.
   */
  readonly appRoot?: string;
}

/**
 * For tests and benchmarks: Azurite (queues only), the Cosmos emulator and, unless given endpoints, the
 * simulators, all on free ports; then the built local host in an isolated app root (no local.settings.json
 * or .env of the developer's can leak in).
 */
export async function startIsolatedStack(options: IsolatedStackOptions = {}): Promise<IsolatedStack> {
  const given = options.settings ?? {};
  const config = parseSettings(settings, { env: given, file: {}, dotenv: {} }).values;
  const dev = {
    PORT: await freePort(),
    LOCAL_HOST_QUEUE_LEASE_SECONDS: 4,
    AZURITE_BLOB_PORT: 0,
    AZURITE_QUEUE_PORT: await freePort(),
    AZURITE_TABLE_PORT: 0,
    COSMOS_EMULATOR_PORT: await freePort(),
    MODEL_SIMULATOR_PORT: 0,
    MODEL_SIMULATOR_DEPLOYMENTS: [],
    SCORING_SIMULATOR_PORT: 0,
    SANDBOX_SIMULATOR_PORT: 0,
  };
  const stack = await startStack({
    config,
    dev,
    queueOnly: true,
    ...(options.model ? { model: options.model } : {}),
  });
  const appRoot = options.appRoot ?? linkedAppRoot();
  let host: LocalHostProcess | undefined;
  const others: LocalHostProcess[] = [];
  const spawn = async (port: number, extra: Record<string, string>) =>
    spawnLocalHost({
      appRoot,
      port,
      output: 'capture',
      env: {
        PATH: process.env.PATH,
        LOCAL_HOST_QUEUE_LEASE_SECONDS: String(dev.LOCAL_HOST_QUEUE_LEASE_SECONDS),
        ...stack.env,
        ...given,
        ...extra,
      },
    });
  return {
    ...stack,
    host: () => {
      if (host === undefined) throw new Error('the host is not started');
      return host;
    },
    async startHost(extra = {}) {
      host = await spawn(dev.PORT, extra);
      return host;
    },
    async startAnotherHost(extra = {}) {
      const another = await spawn(await freePort(), extra);
      others.push(another);
      return another;
    },
    async stop() {
      await Promise.all([host?.stop(), ...others.map((other) => other.stop())]);
      await stack.stop();
      if (options.appRoot === undefined) rmSync(appRoot, { recursive: true, force: true });
    },
  };
}

/** A fresh folder that serves this repository's build: links to dist, node_modules, host.json ... */
function linkedAppRoot(): string {
  const appRoot = mkdtempSync(join(tmpdir(), 'app-root-'));
  for (const entry of ['dist', 'node_modules', 'host.json', 'package.json', 'data']) {
    symlinkSync(join(repoRoot, entry), join(appRoot, entry));
  }
  return appRoot;
}

/** Fetches JSON (or text, when the body is not JSON). */
export async function getJson(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the test will say so
  }
  return { status: response.status, headers: response.headers, body };
}

/** POSTs a JSON body (or a raw string) and reads the answer as getJson does. */
export function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  return getJson(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
