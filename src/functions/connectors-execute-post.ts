import type { AppConfig } from '../shared/config/settings';
import { authorizeConnectorRun } from '../shared/connectors/authorize';
import { defineHttpFunction } from '../shared/hosting/http-function';
import { connectorRunReportSchema } from '../shared/http/api-contract/connector-schemas';
import { connectorRequestBody } from '../shared/http/api-contract/request-schemas';
import { bodyErrors, errorResponse, jsonResponse } from '../shared/http/api-contract/responses';

/** POST /api/connectors/execute: checks a connector definition, runs it in a sandbox, reports the run. */
export const connectorsExecutePost = defineHttpFunction({
  name: 'connectors-execute',
  route: 'connectors/execute',
  methods: ['POST'],
  tag: 'connectors',
  summary:
    'Checks a connector definition against its code, runs it in an isolated sandbox and reports the run',
  description:
    'Off unless CONNECTORS_ENABLED (404 connectors_disabled), and only for callers with the app role CONNECTORS_ALLOWED_ROLE (403), both checked before the body is read. ' +
    'Before anything runs: every connector path the code reads must exist (400 missing_connector_paths) and every environment variable it needs must be in env (400 missing_env). ' +
    'The code runs in Azure Container Apps dynamic sessions (a local simulator in development): network_mode none has no network, bridge has egress. ' +
    'The answer is 200 whether or not the code succeeded; ok says which.',
  authorize: authorizeConnectorRun,
  request: {
    body: connectorRequestBody,
    maxBodyBytes: (config: AppConfig) => config.CONNECTORS_MAX_BODY_BYTES,
  },
  responses: {
    200: jsonResponse('What the run did', connectorRunReportSchema),
    400: errorResponse(
      'The body is not valid JSON (invalid_json) or breaks the schema (validation_error: unknown language, a file path outside the folder, a bad env name ...), the entry point is not a file (missing_entry_point), a dependency is malformed (invalid_dependency), the code reads paths the definition lacks (missing_connector_paths) or variables env lacks (missing_env), or no pool serves the language or network mode (language_unavailable, network_mode_unavailable)',
    ),
    403: errorResponse('The caller lacks the app role CONNECTORS_ALLOWED_ROLE (forbidden)'),
    404: errorResponse('CONNECTORS_ENABLED is off (connectors_disabled)'),
    413: errorResponse(
      'The body is larger than CONNECTORS_MAX_BODY_BYTES (default 2 MiB) (payload_too_large)',
    ),
    415: bodyErrors[415],
    502: errorResponse(
      "The session pool refused the app's identity or request, or the runner failed (sandbox_auth_failed, sandbox_forbidden, sandbox_rejected, sandbox_runner_failed, sandbox_bad_reply)",
    ),
    503: errorResponse(
      'The session pool is busy or unreachable (sandbox_busy, sandbox_unavailable)',
      'Retry-After',
    ),
    504: errorResponse('The session pool did not answer in time (sandbox_timeout)'),
  },
  handle: async ({ body }, { services, caller, log }) => {
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
