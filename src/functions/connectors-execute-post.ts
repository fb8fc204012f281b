import { authorizeConnectorRun } from '../shared/connectors/authorize';
import { connectorRequestSchema } from '../shared/connectors/connector-request';
import { defineHttpFunction } from '../shared/hosting/function-definition';
import { readJsonBody } from '../shared/http/read-json-body';

/** POST /api/connectors/execute: checks a connector definition, runs it in a sandbox, reports the run. */
export const connectorsExecutePost = defineHttpFunction({
  name: 'connectors-execute',
  route: 'connectors/execute',
  methods: ['POST'],
  handle: async (request, { services, caller, log }) => {
    const { config } = services;
    authorizeConnectorRun(caller, config);
    const schema = connectorRequestSchema({
      maxFiles: config.CONNECTORS_MAX_FILES,
      maxFileBytes: config.CONNECTORS_MAX_FILE_BYTES,
    });
    const body = await readJsonBody(request, schema, config.CONNECTORS_MAX_BODY_BYTES);
    const report = await services.connectors.run(caller, body);
    // What ran and how it ended; never its output or env (which may hold secrets).
    log.info('connector run', {
      language: body.connector.runtime.language,
      network: body.network_mode,
      ok: report.ok,
      exitCode: report.exitCode,
      timedOut: report.timedOut,
      durationMs: report.durationMs,
    });
    return { status: 200, jsonBody: report };
  },
});
