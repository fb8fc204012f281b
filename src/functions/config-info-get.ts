import { describeConfig } from '../shared/config/describe-config';
import { defineHttpFunction } from '../shared/hosting/function-definition';

/** GET /api/config/info: each setting's value and source; secrets only as set or not. */
export const configInfoGet = defineHttpFunction({
  name: 'config-info',
  route: 'config/info',
  methods: ['GET'],
  handle: (_request, { services }) =>
    Promise.resolve({ jsonBody: describeConfig(services.config, services.provenance) }),
});
