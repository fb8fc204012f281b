import { readFileSync } from 'node:fs';

import type { AppConfig } from '../config/settings';
import { ConfigError } from '../errors';
import type { ToolDefinition } from '../model/chat-model';

/** The system prompt: CHAT_SYSTEM_PROMPT, else the file CHAT_SYSTEM_PROMPT_FILE, else a default naming the tools. */
export function resolveSystemPrompt(
  config: Pick<AppConfig, 'CHAT_SYSTEM_PROMPT' | 'CHAT_SYSTEM_PROMPT_FILE'>,
  tools: readonly ToolDefinition[],
): string {
  if (config.CHAT_SYSTEM_PROMPT !== undefined) return config.CHAT_SYSTEM_PROMPT;
  if (config.CHAT_SYSTEM_PROMPT_FILE !== undefined) {
    try {
      return readFileSync(config.CHAT_SYSTEM_PROMPT_FILE, 'utf8');
    } catch {
      throw new ConfigError([`CHAT_SYSTEM_PROMPT_FILE: cannot read ${config.CHAT_SYSTEM_PROMPT_FILE}`]);
    }
  }
  return [
    'You are the assistant of an airline customer-experience team. Answer in concise Markdown.',
    'Use a tool when it gives a better answer than you could alone:',
    ...tools.map((tool) => `- ${tool.name}: ${tool.description}`),
    'Report only what a tool returned: never invent a prediction or a statistic. Say where a prediction came from',
    '(its "source"). When a tool returns an error, explain it plainly and say what the user can do.',
  ].join('\n');
}
