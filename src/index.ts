import { app } from '@azure/functions';

import { functionTable } from './functions';
import { loadConfig } from './shared/config/load-config';
import { registerFunctions } from './shared/hosting/register-functions';

// Cold start: parse every setting now, so a bad configuration fails loudly here, listing each problem,
// and not on first request. Nothing else is loaded before the functions are registered: each function's
// module, the services (telemetry first) and the SDKs they use load on first invocation.
const loaded = loadConfig();

app.setup({ enableHttpStream: true });

registerFunctions(
  app,
  functionTable,
  () => import('./shared/composition/services.js').then((module) => module.getServices(loaded)),
  loaded.values,
);
