import type { ChatMessage } from '../model/chat-model';
import type { ChatRequest } from './chat-request';

/**
 * The caller's new messages. Continuing a stored conversation, only what follows the last assistant message
 * of `messages` is new (AI Chat Protocol clients resend the whole conversation); the stored history stands
 * for the rest. System messages from the caller are instructions for this turn and are not stored.
 */
export function newMessagesOf(
  request: ChatRequest,
  continuing: boolean,
): { instructions: ChatMessage[]; incoming: ChatMessage[] } {
  if (request.messages === undefined)
    return { instructions: [], incoming: [{ role: 'user', content: request.message ?? '' }] };
  const instructions: ChatMessage[] = request.messages
    .filter((message) => message.role === 'system')
    .map((message) => ({ role: 'system', content: message.content }));
  const rest = request.messages.filter((message) => message.role !== 'system');
  const lastAssistant = rest.map((message) => message.role).lastIndexOf('assistant');
  const fresh = continuing ? rest.slice(lastAssistant + 1) : rest;
  return {
    instructions,
    incoming: fresh.map((message): ChatMessage =>
      message.role === 'assistant'
        ? { role: 'assistant', content: message.content }
        : { role: 'user', content: message.content },
    ),
  };
}
