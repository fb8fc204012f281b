import { app } from '@azure/functions';

import { functionTable } from './functions';
import { loadConfig } from './shared/config/load-config';
import { installProcessHandlers } from './shared/hosting/process-handlers';
import { registerFunctions } from './shared/hosting/register-functions';
import { consoleSink, createLogger } from './shared/logging/logger';
import { createRedactor } from './shared/logging/redactor';

// Cold start: parse every setting now, so a bad configuration fails loudly here, listing each problem,
// and not on first request. Nothing else is loaded before the functions are registered: each function's
// module, the services (telemetry first) and the SDKs they use load on first invocation.
const loaded = loadConfig();

// One invocation's unhandled rejection is logged with its correlation id, not the end of every other one.
// The services (and their logger) load on first invocation; this logger works from now on, to the console,
// which the Functions host collects from the worker.
installProcessHandlers(
  createLogger({
    level: loaded.values.LOG_LEVEL,
    format: loaded.values.LOG_FORMAT,
    redact: createRedactor(loaded.values),
    sink: consoleSink,
  }),
);

app.setup({ enableHttpStream: true });

registerFunctions(
  app,
  functionTable,
  () => import('./shared/composition/services.js').then((module) => module.getServices(loaded)),
  loaded.values,
);
