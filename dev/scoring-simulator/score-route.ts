import type { ServerResponse } from 'node:http';

import { estimateSatisfaction } from '../../src/shared/scoring/heuristic';
import { reply } from './http-reply';
import { parameterOf, readPayload, toFeatureRows } from './read-payload';
import type { SimulatorState } from './simulator-state';

// Azure ML's front end answers 424 when the model container fails, and passes the container's status
// and reason in these headers; the body is the container's own.
function containerError(response: ServerResponse, message: string): void {
  reply(
    response,
    424,
    { message },
    { 'ms-azureml-model-error-statuscode': '400', 'ms-azureml-model-error-reason': 'model_error' },
  );
}

/** POST /score, after any scripted reply: key check, shape check, column check, then the heuristic. */
export function score(
  state: SimulatorState,
  authorization: string | undefined,
  body: string,
  response: ServerResponse,
): void {
  const { apiKey, acceptShape } = state.config;
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (bearer === undefined || (apiKey !== undefined && bearer !== apiKey)) {
    reply(response, 401, 'key_auth_access_denied');
    return;
  }

  const payload = readPayload(body);
  if (payload.shape !== acceptShape || payload.rows === undefined) {
    containerError(response, `A value is not provided for the '${parameterOf[acceptShape]}' parameter.`);
    return;
  }
  const rows = toFeatureRows(payload.rows);
  if (!rows.ok) {
    containerError(response, rows.message);
    return;
  }
  reply(
    response,
    200,
    rows.features.map((features) => estimateSatisfaction(features).label),
  );
}
