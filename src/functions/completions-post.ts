import { completionsRequestSchema } from '../shared/completions/completions-service';
import { defineHttpFunction } from '../shared/hosting/function-definition';
import { readJsonBody } from '../shared/http/read-json-body';

/** POST /api/completions: one prompt, one answer (seed 001). */
export const completionsPost = defineHttpFunction({
  name: 'completions',
  route: 'completions',
  methods: ['POST'],
  handle: async (request, { services }) => {
    const body = await readJsonBody(request, completionsRequestSchema, services.config.HTTP_MAX_BODY_BYTES);
    return { jsonBody: await services.completions.complete(body) };
  },
});
