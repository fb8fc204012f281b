import type { Caller } from '../identity/caller';
import type { ConnectorRequest } from './connector-request';
import type { ConnectorSandbox } from './connector-sandbox';
import { type ConnectorRunLimits, prepareConnectorRun } from './prepare-run';
import { type ConnectorRunReport, toRunReport } from './run-report';

/**
 * Counts a run against the caller's QUOTA_CONNECTOR_RUNS_PER_DAY: called once per run, after every check
 * (a refused definition costs nothing) and before the sandbox; it throws (429 quota_exceeded) to refuse.
 */
export type ChargeConnectorRun = (caller: Caller) => Promise<void>;

export const unlimitedConnectorRuns: ChargeConnectorRun = () => Promise.resolve();

export interface ConnectorService {
  /** Checks the request, runs it in the sandbox and reports what happened (200 even when the code failed). */
  run(caller: Caller, request: ConnectorRequest): Promise<ConnectorRunReport>;
}

export function createConnectorService(deps: {
  readonly sandbox: ConnectorSandbox;
  readonly limits: ConnectorRunLimits;
  readonly chargeRun?: ChargeConnectorRun;
}): ConnectorService {
  const chargeRun = deps.chargeRun ?? unlimitedConnectorRuns;
  return {
    async run(caller, request) {
      const run = prepareConnectorRun(request, deps.limits);
      await chargeRun(caller);
      const outcome = await deps.sandbox.execute(run);
      return toRunReport(outcome, run);
    },
  };
}
