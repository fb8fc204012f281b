import type { IncomingHttpHeaders } from 'node:http';

import { isAuthorized, resourceNotFound, unauthorized } from './azure-errors';
import type { Reply } from './http-io';
import type { ResolvedOptions } from './options';

// A fixed date keeps the listing identical between runs.
const CREATED = 1_704_067_200;

/** `GET /openai/models`: every deployment as a model, which is what the app's deep health check reads. */
export function listModels(
  options: ResolvedOptions,
  headers: IncomingHttpHeaders,
  apiVersion: string | undefined,
): Reply {
  if (apiVersion === undefined) return resourceNotFound();
  if (!isAuthorized(headers, options.apiKey)) return unauthorized();
  const data = options.deployments.map(({ name }) => ({
    id: name,
    object: 'model',
    created: CREATED,
    owned_by: 'system',
    status: 'succeeded',
    capabilities: {
      chat_completion: true,
      completion: false,
      embeddings: false,
      fine_tune: false,
      inference: true,
    },
  }));
  return { status: 200, body: { object: 'list', data } };
}
