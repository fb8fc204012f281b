import { defineHttpFunction } from '../shared/hosting/function-definition';
import { idParam } from '../shared/http/route-params';

/** DELETE /api/conversations/{id}: removes one of the caller's conversations and its messages. */
export const conversationsDelete = defineHttpFunction({
  name: 'conversations-delete',
  route: 'conversations/{id}',
  methods: ['DELETE'],
  handle: async (request, { services, caller }) => {
    await services.conversations.remove(caller, idParam(request, 'id'));
    return { status: 204 };
  },
});
