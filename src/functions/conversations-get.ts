import { defineHttpFunction } from '../shared/hosting/http-function';
import { conversationDetailSchema } from '../shared/http/api-contract/conversation-schemas';
import { idPathParams, pagingQuery, toPage } from '../shared/http/api-contract/request-schemas';
import { invalidPaging, jsonResponse, notFound, storageErrors } from '../shared/http/api-contract/responses';

/** GET /api/conversations/{id}: one of the caller's conversations with its messages in order. */
export const conversationsGet = defineHttpFunction({
  name: 'conversations-get',
  route: 'conversations/{id}',
  methods: ['GET'],
  tag: 'conversations',
  summary: "One of the caller's conversations with a page of its messages, oldest first",
  request: { params: idPathParams, query: pagingQuery },
  responses: {
    200: jsonResponse('The conversation', conversationDetailSchema),
    400: invalidPaging,
    404: notFound('conversation'),
    ...storageErrors,
  },
  handle: async ({ params, query }, { services, caller }) => ({
    jsonBody: await services.conversations.get(caller, params.id, toPage(query)),
  }),
});
