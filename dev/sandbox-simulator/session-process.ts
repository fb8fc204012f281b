import { spawn } from 'node:child_process';

import type { Isolation, SandboxLimits } from './isolation';

export interface ProcessOutcome {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
}

/** Kept of each stream of the session's own process (the runner inside writes its report to a file). */
const MAX_CAPTURE_BYTES = 1_048_576;

/**
 * Runs one execution's code in a fresh sandboxed process (bubblewrap + prlimit), with the code on stdin
 * and a wall-clock timeout that kills the whole process group.
 */
export function runInSandbox(options: {
  isolation: Isolation;
  sessionDir: string;
  network: boolean;
  interpreter: readonly string[];
  code: string;
  timeoutMs: number;
  limits: SandboxLimits;
}): Promise<ProcessOutcome> {
  const argv = options.isolation.command({
    sessionDir: options.sessionDir,
    network: options.network,
    limits: options.limits,
    argv: [...options.interpreter, '-'],
  });
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(argv[0] ?? '', argv.slice(1), {
      detached: true,
      env: {},
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const kept = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    const sizes = { stdout: 0, stderr: 0 };
    const collect = (name: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const room = MAX_CAPTURE_BYTES - sizes[name];
      if (room > 0) kept[name].push(chunk.subarray(0, room));
      sizes[name] += chunk.byteLength;
    };
    child.stdout.on('data', collect('stdout'));
    child.stderr.on('data', collect('stderr'));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.code);
    let timedOut = false;
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    const finish = (exitCode: number | null, spawnError?: Error) => {
      clearTimeout(timer);
      killGroup(); // anything the code left behind in its group goes too
      resolve({
        stdout: Buffer.concat(kept.stdout).toString('utf8'),
        stderr: spawnError === undefined ? Buffer.concat(kept.stderr).toString('utf8') : spawnError.message,
        exitCode,
        timedOut,
        durationMs: Math.round(performance.now() - started),
      });
    };
    child.once('error', (error) => {
      finish(null, error);
    });
    child.once('close', (code) => {
      finish(code);
    });
  });
}
