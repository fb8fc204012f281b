import { type ChildProcess, spawn } from 'node:child_process';
import { join, sep } from 'node:path';

import { ensurePortFree, waitFor } from './ports';

export interface LocalHostProcess {
  readonly url: string;
  /** Everything the host printed so far (when started with output: 'capture'). */
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL at once: a crash. */
  kill(): Promise<number | null>;
  readonly exited: Promise<number | null>;
}

// The built host: beside this module's folder in the build, under dist/ when this runs from the sources (ts-jest).
const HOST_SCRIPT = __dirname.includes(`${sep}dist${sep}`)
  ? join(__dirname, '..', 'local-host', 'main.js')
  : join(__dirname, '..', '..', 'dist', 'dev', 'local-host', 'main.js');

/**
 * Runs the built local host (dist/dev/local-host/main.js) as a child
 * process in `appRoot`, the app it serves, and waits until /api/health answers.
 */
export async function spawnLocalHost(options: {
  appRoot: string;
  port: number;
  env: Readonly<Record<string, string | undefined>>;
  output: 'inherit' | 'capture';
  readyTimeoutMs?: number;
}): Promise<LocalHostProcess> {
  // Otherwise another process on the port could answer the readiness check in this host's place.
  await ensurePortFree(options.port, 'PORT');
  const child: ChildProcess = spawn(process.execPath, [HOST_SCRIPT], {
    cwd: options.appRoot,
    env: { ...options.env, PORT: String(options.port) },
    stdio: options.output === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let hasExited = false;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      hasExited = true;
      resolve(code);
    }),
  );
  const url = `http://127.0.0.1:${options.port}`;
  const end = async (signal: NodeJS.Signals) => {
    if (hasExited) return exited;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  try {
    await waitFor(
      async () => (await fetch(`${url}/api/health`)).status === 200,
      options.readyTimeoutMs ?? 60_000,
      'The local host',
      () => (hasExited ? new Error(`the local host exited during start:\n${output.trim()}`) : undefined),
    );
  } catch (error) {
    await end('SIGKILL');
    throw error;
  }
  return { url, output: () => output, stop: () => end('SIGTERM'), kill: () => end('SIGKILL'), exited };
}
