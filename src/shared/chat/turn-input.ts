import { ValidationError } from '../errors';
import type { ChatMessage, ToolDefinition } from '../model/chat-model';
import type { ToolRegistry } from './tool-registry';
import type { ToolChoice } from './turn-request';

/**
 * A client tool may not take the name of a server tool (a call to it would be ambiguous), and a forced
 * tool must be one the model is offered.
 */
export function checkTools(
  clientTools: readonly ToolDefinition[],
  serverTools: ToolRegistry,
  toolChoice: ToolChoice | undefined,
): void {
  const names = new Set<string>();
  for (const [index, tool] of clientTools.entries()) {
    const clash = serverTools.find(tool.name) !== undefined ? 'is the name of a server tool' : undefined;
    const twice = names.has(tool.name) ? 'is declared twice' : undefined;
    const problem = clash ?? twice;
    if (problem !== undefined) {
      throw new ValidationError(`The tool name '${tool.name}' ${problem}`, [
        { path: `tools.${index}.function.name`, message: problem },
      ]);
    }
    names.add(tool.name);
  }
  if (
    typeof toolChoice === 'object' &&
    !names.has(toolChoice.name) &&
    serverTools.find(toolChoice.name) === undefined
  ) {
    throw new ValidationError(`tool_choice names '${toolChoice.name}', which is not a tool of this request`, [
      { path: 'tool_choice', message: 'names no declared tool' },
    ]);
  }
}

/**
 * The caller's new messages. Continuing a stored conversation, only what follows the last assistant message
 * the caller sent is new (clients resend the whole conversation); the stored history stands for the rest.
 * System messages from the caller are instructions for this turn and are not stored.
 */
export function newMessagesOf(
  messages: readonly ChatMessage[],
  continuing: boolean,
): { instructions: ChatMessage[]; incoming: ChatMessage[] } {
  const instructions = messages.filter((message) => message.role === 'system');
  const rest = messages.filter((message) => message.role !== 'system');
  const lastAssistant = rest.map((message) => message.role).lastIndexOf('assistant');
  return { instructions, incoming: continuing ? rest.slice(lastAssistant + 1) : rest };
}
