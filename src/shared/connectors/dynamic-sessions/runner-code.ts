import type { SandboxRun } from '../connector-sandbox';
import { toInstallSpec } from '../dependencies';
import { javascriptRunner } from './javascript-runner';
import { pythonRunner } from './python-runner';

/** Where the session keeps things (code interpreter sessions see /mnt/data as their working folder). */
export const SESSION_ROOT = '/mnt/data';
export const CONNECTOR_FOLDER = `${SESSION_ROOT}/connector`;
export const RUN_FOLDER = `${SESSION_ROOT}/connector-run`;
export const RESULT_FILE = 'result.json';

/**
 * The code the session executes for one run: the runner of the run's language with the run's spec
 * inlined as base64 JSON (so no quoting of the values can break the code).
 */
export function runnerCode(run: SandboxRun): string {
  const spec = {
    entryPoint: run.entryPoint,
    dependencies: run.dependencies.map((dependency) => ({
      ...dependency,
      spec: toInstallSpec(run.language, dependency),
    })),
    env: run.env,
    context: run.context,
    timeoutMs: run.timeoutMs,
    memoryMb: run.memoryMb,
    installTimeoutMs: run.installTimeoutMs,
    maxOutputBytes: run.maxOutputBytes,
    network: run.network,
  };
  const encoded = Buffer.from(JSON.stringify(spec), 'utf8').toString('base64');
  const template = run.language === 'python' ? pythonRunner : javascriptRunner;
  return template.replace('__SPEC__', encoded);
}
