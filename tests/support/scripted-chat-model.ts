import type {
  ChatModel,
  ChatModelRequest,
  ChatModelResult,
  ToolCall,
} from '../../src/shared/model/chat-model';

type Step = Partial<Omit<ChatModelResult, 'toolCalls'>> & { toolCalls?: ToolCall[] };

/** A chat model that answers from a script and records every request (vercel/ai MockLanguageModel style). */
export class ScriptedChatModel implements ChatModel {
  readonly requests: ChatModelRequest[] = [];
  readonly #steps: Step[];

  constructor(...steps: Step[]) {
    this.#steps = steps;
  }

  complete(request: ChatModelRequest): Promise<ChatModelResult> {
    this.requests.push(structuredClone(request));
    const step = this.#steps.shift();
    if (step === undefined) return Promise.reject(new Error('the script has no more steps'));
    return Promise.resolve({
      content: null,
      toolCalls: [],
      finishReason: step.toolCalls === undefined ? 'stop' : 'tool_calls',
      usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15, reasoningTokens: 0, cachedTokens: 0 },
      deployment: 'chat',
      ignored: [],
      ...step,
    });
  }

  async *stream(request: ChatModelRequest) {
    const result = await this.complete(request);
    for (const word of (result.content ?? '').split(/(?=\s)/))
      if (word !== '') yield { type: 'text-delta' as const, text: word };
    yield { type: 'finish' as const, result };
  }
}
