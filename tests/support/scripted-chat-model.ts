import type {
  ChatModel,
  ChatModelRequest,
  ChatModelResult,
  ToolCall,
} from '../../src/shared/model/chat-model';

/**
 * One scripted answer. `error` makes the call fail; `streamError` makes a stream fail after its text
 * deltas, before it finishes (a connection cut mid-answer).
 */
export type Step = Partial<Omit<ChatModelResult, 'toolCalls'>> & {
  toolCalls?: ToolCall[];
  error?: Error;
  streamError?: Error;
};

/** A chat model that answers from a script and records every request (vercel/ai MockLanguageModel style). */
export class ScriptedChatModel implements ChatModel {
  readonly requests: ChatModelRequest[] = [];
  readonly #steps: Step[];
  #reply: ((request: ChatModelRequest) => Step) | undefined;

  constructor(...steps: Step[]) {
    this.#steps = steps;
  }

  /** A model whose answer depends on the request rather than on the order of calls (concurrent callers). */
  static replying(reply: (request: ChatModelRequest) => Step): ScriptedChatModel {
    const model = new ScriptedChatModel();
    model.#reply = reply;
    return model;
  }

  complete(request: ChatModelRequest): Promise<ChatModelResult> {
    return this.#answer(request).then(({ result }) => result);
  }

  async *stream(request: ChatModelRequest) {
    const { result, streamError } = await this.#answer(request);
    for (const word of (result.content ?? '').split(/(?=\s)/))
      if (word !== '') yield { type: 'text-delta' as const, text: word };
    if (streamError !== undefined) throw streamError;
    yield { type: 'finish' as const, result };
  }

  #answer(request: ChatModelRequest): Promise<{ result: ChatModelResult; streamError?: Error }> {
    this.requests.push(structuredClone(request));
    const step = this.#reply === undefined ? this.#steps.shift() : this.#reply(request);
    if (step === undefined) return Promise.reject(new Error('the script has no more steps'));
    const { error, streamError, ...answer } = step;
    if (error !== undefined) return Promise.reject(error);
    return Promise.resolve({
      result: {
        content: null,
        toolCalls: [],
        finishReason: answer.toolCalls === undefined ? 'stop' : 'tool_calls',
        usage: {
          promptTokens: 10,
          completionTokens: 5,
          totalTokens: 15,
          reasoningTokens: 0,
          cachedTokens: 0,
        },
        deployment: 'chat',
        ignored: [],
        ...answer,
      },
      ...(streamError === undefined ? {} : { streamError }),
    });
  }
}
