import { defineHttpFunction } from '../shared/hosting/function-definition';
import { readPaging } from '../shared/http/paging-query';

/** GET /api/conversations: the caller's conversations, newest first, a page at a time. */
export const conversationsList = defineHttpFunction({
  name: 'conversations-list',
  route: 'conversations',
  methods: ['GET'],
  handle: async (request, { services, caller }) => ({
    jsonBody: await services.conversations.list(caller, readPaging(request)),
  }),
});
