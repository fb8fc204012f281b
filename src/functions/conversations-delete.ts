import { defineHttpFunction } from '../shared/hosting/http-function';
import { idPathParams } from '../shared/http/api-contract/request-schemas';
import { notFound, storageErrors } from '../shared/http/api-contract/responses';

/** DELETE /api/conversations/{id}: removes one of the caller's conversations and its messages. */
export const conversationsDelete = defineHttpFunction({
  name: 'conversations-delete',
  route: 'conversations/{id}',
  methods: ['DELETE'],
  tag: 'conversations',
  summary: "Deletes one of the caller's conversations and its messages",
  request: { params: idPathParams },
  responses: {
    204: { description: 'Deleted' },
    404: notFound('conversation'),
    ...storageErrors,
  },
  handle: async ({ params }, { services, caller }) => {
    await services.conversations.remove(caller, params.id);
    return { status: 204 };
  },
});
