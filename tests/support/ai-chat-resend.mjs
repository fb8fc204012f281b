// The official Microsoft AI Chat Protocol client resending a stored transcript (tool messages included), as
// its apps do: read the conversation back, append a question, send it all with the session state.
// Usage: node ai-chat-resend.mjs <baseUrl> <conversationId> <message>
import { AIChatProtocolClient } from '@microsoft/ai-chat-protocol';

const [baseUrl, conversationId, message] = process.argv.slice(2);
const stored = await (await fetch(`${baseUrl}/api/conversations/${conversationId}`)).json();
const messages = [...stored.messages, { role: 'user', content: message }];
const client = new AIChatProtocolClient(`${baseUrl}/api/chat`);
const options = { sessionState: { conversationId } };

const deltas = [];
for await (const delta of await client.getStreamedCompletion(messages, options)) deltas.push(delta);
const completion = await client.getCompletion(messages, options);
process.stdout.write(JSON.stringify({ sent: messages.map((item) => item.role), deltas, completion }));
