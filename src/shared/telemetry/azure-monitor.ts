/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-unsafe-assignment -- see below */
import type { AzureMonitorDistro } from './telemetry';

// @azure/monitor-opentelemetry, in a module of its own that `startTelemetry` imports only when a
// connection string is set: the distro is ~1,700 files (about 5 MB in the deployment bundle, where
// this module is a chunk of its own) and takes most of a second to load. `require`, not `import`,
// so that the build and the bundle load its CommonJS build, as they do every other package the app
// loads on first use (see lazy-modules.ts).
export const azureMonitor: AzureMonitorDistro = require('@azure/monitor-opentelemetry');
