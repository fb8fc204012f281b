import { authorizeConnectorRun } from '../shared/connectors/authorize';
import { connectorRequestSchema } from '../shared/connectors/connector-request';
import { defineHttpFunction } from '../shared/hosting/function-definition';
import { readJsonBody } from '../shared/http/read-json-body';

/** POST /api/connectors/execute: checks a connector definition, runs it in a sandbox, reports the run. */
export const connectorsExecutePost = defineHttpFunction({
  name: 'connectors-execute',
  route: 'connectors/execute',
  methods: ['POST'],
  handle: async (request, { services, caller }) => {
    const { config } = services;
    authorizeConnectorRun(caller, config);
    const schema = connectorRequestSchema({
      maxFiles: config.CONNECTORS_MAX_FILES,
      maxFileBytes: config.CONNECTORS_MAX_FILE_BYTES,
    });
    const body = await readJsonBody(request, schema, config.CONNECTORS_MAX_BODY_BYTES);
    return { status: 200, jsonBody: await services.connectors.run(caller, body) };
  },
});
