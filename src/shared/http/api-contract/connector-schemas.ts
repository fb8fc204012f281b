import * as z from 'zod';

import type { ConnectorRunReport } from '../../connectors/run-report';
import type { Assert, Covers, SameKeys } from './type-checks';

/** POST /api/connectors/execute: what one run did (200 whether or not the connector's code succeeded). */
export const connectorRunReportSchema = z
  .strictObject({
    ok: z.boolean().meta({ description: 'The code printed {"ok": true, ...} as its last line and exited 0' }),
    result: z
      .unknown()
      .optional()
      .meta({ description: '"result" of the last line of stdout, when it has one' }),
    error: z.string().optional().meta({
      description: 'Why ok is false: install, timeout, exit code, output limit, or the code\'s own "error"',
    }),
    stdout: z
      .string()
      .meta({ description: 'Cut at CONNECTORS_MAX_OUTPUT_BYTES; every env value is [redacted]' }),
    stderr: z
      .string()
      .meta({ description: 'Cut at CONNECTORS_MAX_OUTPUT_BYTES; every env value is [redacted]' }),
    exitCode: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'null when the code was stopped or never ran' }),
    durationMs: z.number().nonnegative(),
    timedOut: z
      .boolean()
      .meta({ description: 'Stopped at runtime.timeoutMs (capped by CONNECTORS_MAX_TIMEOUT_MS)' }),
  })
  .meta({ id: 'ConnectorRunReport' });

type _Checks = [
  Assert<Covers<z.output<typeof connectorRunReportSchema>, ConnectorRunReport>>,
  Assert<SameKeys<z.output<typeof connectorRunReportSchema>, ConnectorRunReport>>,
];
