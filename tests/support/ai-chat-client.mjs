// Drives the official Microsoft AI Chat Protocol client (ESM-only) from a child process for the tests.
// Usage: node ai-chat-client.mjs <baseUrl> <message> [conversationId]
import { AIChatProtocolClient } from '@microsoft/ai-chat-protocol';

const [baseUrl, message, conversationId] = process.argv.slice(2);
const client = new AIChatProtocolClient(baseUrl);
const messages = [{ role: 'user', content: message }];
const options = conversationId ? { sessionState: { conversationId } } : {};

const completion = await client.getCompletion(messages, options);
const deltas = [];
for await (const delta of await client.getStreamedCompletion(messages, options)) deltas.push(delta);
process.stdout.write(JSON.stringify({ completion, deltas }));
