import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadConfig, parseSettings } from '../../src/shared/config/load-config';
import { readSources } from '../../src/shared/config/sources';
import { ConfigError } from '../../src/shared/errors';
import { lazyCredential } from '../../src/shared/identity/azure-credential';
import { createQueueServiceClient } from '../../src/shared/queues/queue-service';
import { devSettings, WEB_APP_DIR } from '../dev-settings';
import { startBusyProbe } from './busy-probe';
import { registrations, setSystemLog } from './functions-core';
import { readHostConfig } from './host-config';
import { createHttpHost, type FunctionsLibrary, httpFunctionsOf, type ServedFunction } from './http-server';
import { installFunctionsCore } from './install-core';
import { type QueueListener, startQueueListener } from './queue-listener';
import { startTimerListener, type TimerListener } from './timer-listener';

/**
 * The local Functions host: loads the app from package.json `main` exactly as the Azure host does,
 * serves its HTTP functions on PORT and runs its queue triggers against the configured storage.
 */
async function main(): Promise<void> {
  const appRoot = process.cwd();
  const sources = readSources(appRoot);
  const config = loadConfig(sources).values;
  const dev = parseSettings(devSettings, sources);
  if (dev.problems.length > 0) throw new ConfigError(dev.problems);
  const hostConfig = readHostConfig(appRoot);

  const write = (level: string, line: string) =>
    (level === 'error' || level === 'warn' || level === 'warning' ? process.stderr : process.stdout).write(
      `${line}\n`,
    );
  setSystemLog((level, _category, message) => {
    if (level === 'warning' || level === 'error') write(level, `[host] ${message}`);
  });

  // As the Node.js worker does: an uncaught exception ends the process (the app may log it first).
  process.on('uncaughtException', (error: unknown) => {
    write(
      'error',
      `[host] worker uncaught exception: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(1);
  });
  installFunctionsCore();
  const packageJson = JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as { main: string };
  const entryPoint = join(appRoot, packageJson.main);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- like the host: the app is loaded by path from package.json main
  require(entryPoint);
  // The app's copy of the library, resolved as the app resolves it.
  const library = createRequire(entryPoint)('@azure/functions') as FunctionsLibrary;
  const { InvocationContext } = library;

  const served: ServedFunction[] = httpFunctionsOf(registrations, hostConfig.routePrefix);
  const timers = new Map<string, TimerListener>();
  const webAppRoot = join(appRoot, WEB_APP_DIR);
  const server = createHttpHost(registrations, {
    library,
    webAppRoot: existsSync(join(webAppRoot, 'index.html')) ? webAppRoot : undefined,
    served: () => served,
    runNow: (name) => timers.get(name)?.runNow(),
    eventLoop: startBusyProbe(),
    routePrefix: hostConfig.routePrefix,
    allowedOrigins: config.CORS_ALLOWED_ORIGINS,
    log: (level, line) => write(level, `[host] ${line}`),
    invocationLog: write,
  });
  const port = dev.values.PORT;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new ConfigError([`PORT: port ${port} is already in use; set PORT to a free port`])
          : error,
      );
    });
    server.listen(port, '127.0.0.1', resolve);
  });

  const listeners: QueueListener[] = [];
  const queueFunctions = registrations.flatMap((registration) => {
    const trigger = Object.values(registration.bindings).find((binding) => binding.type === 'queueTrigger');
    return trigger === undefined ? [] : [{ registration, trigger }];
  });
  if (queueFunctions.length > 0) {
    const queueService = await createQueueServiceClient(config, lazyCredential(config));
    for (const { registration, trigger } of queueFunctions) {
      listeners.push(
        await startQueueListener({
          queueService,
          queueName: String(trigger.queueName),
          settings: hostConfig.queues,
          leaseMs: dev.values.LOCAL_HOST_QUEUE_LEASE_SECONDS * 1000,
          log: (level, line) => write(level, `[host] ${line}`),
          invoke: async (payload, metadata) => {
            const context = new InvocationContext({
              invocationId: randomUUID(),
              functionName: registration.name,
              triggerMetadata: { ...metadata },
              options: {
                trigger: { ...trigger, name: trigger.name ?? 'queueItem' },
                extraInputs: [],
                extraOutputs: [],
              },
              logHandler: (level, ...args) => write(level, args.map(String).join(' ')),
            });
            await registration.handler(payload, context);
          },
        }),
      );
      served.push({ name: registration.name, trigger: 'queueTrigger', queueName: String(trigger.queueName) });
    }
  }
  // Timer state (the singleton lock, the schedule status) is shared by every host on the same storage
  // account, as the host keeps it in that account.
  const stateDir = join(
    tmpdir(),
    'local-functions-host',
    createHash('sha256')
      .update(config.AzureWebJobsStorage ?? config.AzureWebJobsStorage__accountName ?? appRoot)
      .digest('hex')
      .slice(0, 16),
  );
  for (const registration of registrations) {
    const trigger = Object.values(registration.bindings).find((binding) => binding.type === 'timerTrigger');
    if (trigger === undefined) continue;
    const schedule = String(trigger.schedule);
    timers.set(
      registration.name,
      await startTimerListener({
        name: registration.name,
        schedule,
        stateDir,
        ...(typeof trigger.useMonitor === 'boolean' ? { useMonitor: trigger.useMonitor } : {}),
        ...(typeof trigger.runOnStartup === 'boolean' ? { runOnStartup: trigger.runOnStartup } : {}),
        log: (level, line) => write(level, `[host] ${line}`),
        invoke: async (timer) => {
          const context = new InvocationContext({
            invocationId: randomUUID(),
            functionName: registration.name,
            options: {
              trigger: { ...trigger, name: trigger.name ?? 'myTimer' },
              extraInputs: [],
              extraOutputs: [],
            },
            logHandler: (level, ...args) => write(level, args.map(String).join(' ')),
          });
          await registration.handler(timer, context);
        },
      }),
    );
    served.push({ name: registration.name, trigger: 'timerTrigger', schedule });
  }
  for (const { name } of registrations.filter(
    (registration) => !served.some((item) => item.name === registration.name),
  )) {
    write('warn', `[host] ${name}: this local host does not support its trigger type; it is not served`);
  }

  write('info', `[host] listening on http://127.0.0.1:${port}/${hostConfig.routePrefix}`);
  for (const item of served) {
    const what =
      item.trigger === 'httpTrigger'
        ? `${(item.methods ?? []).join(',')} /${item.route ?? ''}`
        : item.trigger === 'timerTrigger'
          ? `timer ${item.schedule ?? ''}`
          : `queue ${item.queueName ?? ''}`;
    write('info', `[host]   ${item.name}: ${what}`);
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    write('info', `[host] ${signal}: stopping`);
    server.closeAllConnections();
    server.close();
    void Promise.allSettled([
      ...listeners.map((listener) => listener.stop()),
      ...[...timers.values()].map((timer) => timer.stop()),
    ]).then(() => process.exit(0));
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.on('SIGINT', () => {
    stop('SIGINT');
  });
  process.on('SIGTERM', () => {
    stop('SIGTERM');
  });
}

main().catch((error: unknown) => {
  // A configuration problem is the user's to fix: print it plainly, without a stack trace.
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : `local host failed to start: ${String(error)}`}\n`,
  );
  process.exit(1);
});
