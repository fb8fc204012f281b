import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import type { ReasoningEffort as OpenAIReasoningEffort } from 'openai/resources/shared';

import type {
  ChatMessage,
  ChatModelRequest,
  IgnoredParameter,
  ReasoningEffort,
  ToolDefinition,
} from './chat-model';
import { type Capabilities, takes } from './model-capabilities';
import type { SentParameters } from './refusals';

/** System messages go as `developer` to reasoning deployments, as `system` to the others. */
export function toOpenAIMessages(
  messages: readonly ChatMessage[],
  systemRole: 'system' | 'developer' = 'system',
): ChatCompletionMessageParam[] {
  return messages.map((message): ChatCompletionMessageParam => {
    if (message.role === 'tool')
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    if (message.role === 'assistant') {
      const toolCalls = message.toolCalls ?? [];
      return {
        role: 'assistant',
        content: message.content,
        ...(toolCalls.length === 0
          ? {}
          : {
              tool_calls: toolCalls.map((call) => ({
                id: call.id,
                type: 'function' as const,
                function: { name: call.name, arguments: call.arguments },
              })),
            }),
      };
    }
    if (message.role === 'system') return { role: systemRole, content: message.content };
    return { role: message.role, content: message.content };
  });
}

export function toOpenAITools(tools: readonly ToolDefinition[], strict = true): ChatCompletionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description === '' ? {} : { description: tool.description }),
      parameters: { ...tool.parameters },
      ...(tool.strict === true && strict ? { strict: true } : {}),
    },
  }));
}

/** What a deployment is called with: the body, what it carries, and what the caller asked that it lacks. */
export interface PreparedBody {
  readonly body: ChatCompletionCreateParamsNonStreaming;
  readonly sent: SentParameters;
  readonly ignored: IgnoredParameter[];
}

/**
 * The body fields shared by streamed and non-streamed calls, shaped by what the deployment takes: a
 * caller's parameter it lacks is left out and reported; the app's own choices (the default reasoning
 * effort, the token limit's name) follow the deployment silently.
 */
export function toOpenAIBody(
  request: ChatModelRequest,
  deployment: string,
  capabilities: Capabilities,
  defaultEffort: ReasoningEffort | undefined,
): PreparedBody {
  const ignored: IgnoredParameter[] = [];
  const who = `The deployment '${deployment}'${capabilities.model === undefined ? '' : ` (${capabilities.model})`}`;
  const temperature = request.temperature !== undefined && takes(capabilities, 'temperature');
  if (request.temperature !== undefined && !temperature) {
    ignored.push({
      param: 'temperature',
      message:
        capabilities.family === 'reasoning'
          ? `${who} takes no temperature (reasoning models use their default, 1); it was not sent`
          : `${who} refused temperature; it was not sent`,
    });
  }
  const effort = effortToSend(request, capabilities, defaultEffort, who, ignored);
  const verbosity = request.verbosity !== undefined && takes(capabilities, 'verbosity');
  if (request.verbosity !== undefined && !verbosity) {
    const why = capabilities.family === 'classic' ? 'is not a reasoning model' : 'does not take verbosity';
    ignored.push({ param: 'verbosity', message: `${who} ${why}: verbosity was not sent` });
  }
  const developerRole = takes(capabilities, 'developer_role');
  const tools = (request.tools ?? []).length > 0 && request.toolChoice !== 'none';
  const strictTools = takes(capabilities, 'strict_tools');
  const body = toBody(request, deployment, strictTools, {
    messages: toOpenAIMessages(request.messages, developerRole ? 'developer' : 'system'),
    ...(temperature ? { temperature: request.temperature } : {}),
    ...(request.maxTokens === undefined ? {} : { [capabilities.tokenLimit]: request.maxTokens }),
    ...(effort === undefined ? {} : { reasoning_effort: effort }),
    ...(verbosity ? { verbosity: request.verbosity } : {}),
  });
  const sent: SentParameters = {
    tokenLimit: request.maxTokens === undefined ? undefined : capabilities.tokenLimit,
    temperature,
    reasoningEffort: effort,
    verbosity,
    tools,
    developerRole: developerRole && request.messages.some((message) => message.role === 'system'),
    strictTools: strictTools && (request.tools ?? []).some((tool) => tool.strict === true),
  };
  return { body, sent, ignored };
}

/** The effort a call carries: the caller's or the default, as far as the deployment takes it. */
function effortToSend(
  request: ChatModelRequest,
  capabilities: Capabilities,
  defaultEffort: ReasoningEffort | undefined,
  who: string,
  ignored: IgnoredParameter[],
): NonNullable<OpenAIReasoningEffort> | undefined {
  const asked = request.reasoningEffort;
  const tools = (request.tools ?? []).length > 0 && request.toolChoice !== 'none';
  const toolsNeedNone = tools && !capabilities.effortWithTools && takes(capabilities, 'reasoning_effort');
  // Until the deployment is known to reason, only a caller's effort is tried.
  const wanted = asked ?? (capabilities.family === 'reasoning' ? defaultEffort : undefined);
  if (wanted === undefined)
    return toolsNeedNone && !capabilities.refusedEfforts.has('none') ? 'none' : undefined;
  const ignore = (message: string) => {
    if (asked !== undefined) ignored.push({ param: 'reasoningEffort', message });
  };
  if (!takes(capabilities, 'reasoning_effort')) {
    const why =
      capabilities.family === 'classic' ? 'is not a reasoning model' : 'does not take a reasoning effort';
    ignore(`${who} ${why}: reasoningEffort was not sent`);
    return undefined;
  }
  if (toolsNeedNone) {
    ignore(`${who} takes no reasoning effort together with tools: this call ran with reasoning effort none`);
    return capabilities.refusedEfforts.has('none') ? undefined : 'none';
  }
  if (capabilities.refusedEfforts.has(wanted)) {
    ignore(`${who} does not take reasoningEffort '${wanted}': its default was used`);
    return undefined;
  }
  return wanted;
}

type Shaped = Pick<
  ChatCompletionCreateParamsNonStreaming,
  'messages' | 'temperature' | 'max_completion_tokens' | 'max_tokens' | 'reasoning_effort' | 'verbosity'
>;

function toBody(
  request: ChatModelRequest,
  deployment: string,
  strictTools: boolean,
  shaped: Shaped,
): ChatCompletionCreateParamsNonStreaming {
  const tools = request.tools ?? [];
  const choice = request.toolChoice;
  return {
    model: deployment,
    ...shaped,
    ...(tools.length === 0 ? {} : { tools: toOpenAITools(tools, strictTools) }),
    ...(tools.length === 0 || choice === undefined
      ? {}
      : {
          tool_choice:
            typeof choice === 'string'
              ? choice
              : { type: 'function' as const, function: { name: choice.name } },
        }),
  };
}
