import type { AppConfig } from '../config/settings';
import { type ConnectorService, createConnectorService } from '../connectors/connector-service';
import { createDynamicSessionsSandbox } from '../connectors/dynamic-sessions/dynamic-sessions-sandbox';
import { DYNAMIC_SESSIONS_SCOPE } from '../connectors/dynamic-sessions/sessions-client';
import type { Logger } from '../logging/logger';
import type { QuotaMeter } from '../quota/quota-meter';

type ConnectorSettings = Pick<
  AppConfig,
  | 'CONNECTORS_SESSIONS_PYTHON_ENDPOINT'
  | 'CONNECTORS_SESSIONS_PYTHON_EGRESS_ENDPOINT'
  | 'CONNECTORS_SESSIONS_JAVASCRIPT_ENDPOINT'
  | 'CONNECTORS_SESSIONS_JAVASCRIPT_EGRESS_ENDPOINT'
  | 'CONNECTORS_SESSIONS_API_VERSION'
  | 'CONNECTORS_SESSIONS_TOKEN'
  | 'CONNECTORS_MAX_TIMEOUT_MS'
  | 'CONNECTORS_MAX_MEMORY_MB'
  | 'CONNECTORS_INSTALL_TIMEOUT_MS'
  | 'CONNECTORS_MAX_OUTPUT_BYTES'
>;

/** The pools of one language: `none` has egress disabled, `bridge` enabled. */
const pools = (none: string | undefined, bridge: string | undefined) => ({
  ...(none === undefined ? {} : { none }),
  ...(bridge === undefined ? {} : { bridge }),
});

/**
 * The connector runner as the settings describe it: the dynamic sessions sandbox over the configured
 * pools, signed in with the managed identity (or, locally, the simulator's fixed token).
 */
export function createConnectorServiceFromSettings(
  config: ConnectorSettings,
  getToken: (scope: string) => Promise<string>,
  log: Logger,
  quotas: Pick<QuotaMeter, 'consume'>,
): ConnectorService {
  const fixedToken = config.CONNECTORS_SESSIONS_TOKEN;
  const sandbox = createDynamicSessionsSandbox({
    apiVersion: config.CONNECTORS_SESSIONS_API_VERSION,
    getToken:
      fixedToken === undefined ? () => getToken(DYNAMIC_SESSIONS_SCOPE) : () => Promise.resolve(fixedToken),
    log,
    pools: {
      python: pools(
        config.CONNECTORS_SESSIONS_PYTHON_ENDPOINT,
        config.CONNECTORS_SESSIONS_PYTHON_EGRESS_ENDPOINT,
      ),
      javascript: pools(
        config.CONNECTORS_SESSIONS_JAVASCRIPT_ENDPOINT,
        config.CONNECTORS_SESSIONS_JAVASCRIPT_EGRESS_ENDPOINT,
      ),
    },
  });
  return createConnectorService({
    sandbox,
    chargeRun: (caller) => quotas.consume(caller, 'connector_runs_per_day', 1),
    limits: {
      maxTimeoutMs: config.CONNECTORS_MAX_TIMEOUT_MS,
      maxMemoryMb: config.CONNECTORS_MAX_MEMORY_MB,
      installTimeoutMs: config.CONNECTORS_INSTALL_TIMEOUT_MS,
      maxOutputBytes: config.CONNECTORS_MAX_OUTPUT_BYTES,
    },
  });
}
