import { defineHttpFunction } from '../shared/hosting/http-function';
import { conversationPageSchema } from '../shared/http/api-contract/conversation-schemas';
import { pagingQuery, toPage } from '../shared/http/api-contract/request-schemas';
import { invalidPaging, jsonResponse, storageErrors } from '../shared/http/api-contract/responses';

/** GET /api/conversations: the caller's conversations, newest first, a page at a time. */
export const conversationsList = defineHttpFunction({
  name: 'conversations-list',
  route: 'conversations',
  methods: ['GET'],
  tag: 'conversations',
  summary: "The caller's conversations, newest first, a page at a time",
  request: { query: pagingQuery },
  responses: {
    200: jsonResponse('A page of conversations', conversationPageSchema),
    400: invalidPaging,
    ...storageErrors,
  },
  handle: async ({ query }, { services, caller }) => ({
    jsonBody: await services.conversations.list(caller, toPage(query)),
  }),
});
