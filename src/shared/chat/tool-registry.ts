import * as z from 'zod';

import type { ToolDefinition } from '../model/chat-model';
import type { Tool } from './tool';

export interface ToolRegistry {
  /** What the model is offered: name, description and JSON Schema of each tool. */
  readonly definitions: readonly ToolDefinition[];
  find(name: string): Tool | undefined;
}

/** Holds the tools; each tool's zod schema is turned into JSON Schema once, here. */
export function createToolRegistry(tools: readonly Tool[]): ToolRegistry {
  const byName = new Map<string, Tool>();
  for (const tool of tools) {
    if (byName.has(tool.name)) throw new Error(`Two tools are named "${tool.name}"`);
    byName.set(tool.name, tool);
  }
  const definitions = tools.map((tool): ToolDefinition => {
    const { $schema: _ignored, ...parameters } = z.toJSONSchema(tool.input, {
      io: 'input',
      unrepresentable: 'any',
    });
    return { name: tool.name, description: tool.description, parameters };
  });
  return { definitions, find: (name) => byName.get(name) };
}
