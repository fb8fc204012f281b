import { defineHttpFunction } from '../shared/hosting/function-definition';
import { readPaging } from '../shared/http/paging-query';
import { idParam } from '../shared/http/route-params';

/** GET /api/conversations/{id}: one of the caller's conversations with its messages in order. */
export const conversationsGet = defineHttpFunction({
  name: 'conversations-get',
  route: 'conversations/{id}',
  methods: ['GET'],
  handle: async (request, { services, caller }) => ({
    jsonBody: await services.conversations.get(caller, idParam(request, 'id'), readPaging(request)),
  }),
});
