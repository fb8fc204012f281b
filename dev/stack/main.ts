import { existsSync } from 'node:fs';
import { join } from 'node:path';

import Table from 'cli-table3';

import { parseSettings } from '../../src/shared/config/load-config';
import { settings } from '../../src/shared/config/settings';
import { readSources } from '../../src/shared/config/sources';
import { ConfigError } from '../../src/shared/errors';
import { devSettings, WEB_APP_DIR } from '../dev-settings';
import { readEnvironmentOptions } from '../model-simulator/environment-options';
import { type LocalHostProcess, spawnLocalHost } from './local-host-process';
import { ensurePortFree } from './ports';
import { startStack } from './start-stack';

/** `npm start`: the local stand-ins for every unset dependency, then the local Functions host. */
async function main(): Promise<void> {
  const appRoot = process.cwd();
  const sources = readSources(appRoot);
  const app = parseSettings(settings, sources);
  const dev = parseSettings(devSettings, sources);
  const problems = [...app.problems, ...dev.problems];
  if (problems.length > 0) throw new ConfigError(problems);
  await ensurePortFree(dev.values.PORT, 'PORT');

  // SIM_MODEL_TTFT_MS and SIM_MODEL_TOKEN_DELAY_MS pace the simulator's answers the way a deployment
  // streams them (by default it answers at once), e.g. for `npm run smoke`'s streaming check.
  const { timeToFirstTokenMs, perTokenDelayMs } = readEnvironmentOptions(process.env);
  const model = {
    ...(timeToFirstTokenMs === undefined ? {} : { timeToFirstTokenMs }),
    ...(perTokenDelayMs === undefined ? {} : { perTokenDelayMs }),
  };
  const stack = await startStack({ config: app.values, dev: dev.values, model });
  const running: { host?: LocalHostProcess } = {};
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await running.host?.stop();
    await stack.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  const host = await spawnLocalHost({
    appRoot,
    port: dev.values.PORT,
    env: { ...process.env, ...stack.env },
    output: 'inherit',
  });
  running.host = host;
  void host.exited.then((code) => stop(code ?? 1));

  const table = new Table({ head: ['service', 'url', 'local or real'], style: { head: [], border: [] } });
  const webApp = existsSync(join(appRoot, WEB_APP_DIR, 'index.html'))
    ? `${host.url}/`
    : 'not built: npm run build';
  table.push(
    ['Web app', webApp, 'local'],
    ['Functions host', `${host.url}/api`, 'local'],
    ...stack.rows.map((row) => [row.service, row.url, row.kind]),
  );
  process.stdout.write(
    `\n${table.toString()}\n\nReady: open ${host.url}/ in a browser, or try curl ${host.url}/api/health — Ctrl-C stops everything.\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : `npm start failed: ${String(error)}`}\n`,
  );
  process.exit(1);
});
