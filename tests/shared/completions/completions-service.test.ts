import { createCompletionsService } from '../../../src/shared/completions/completions-service';
import type { ChatModel, Usage } from '../../../src/shared/model/chat-model';

/** A model that thinks until the caller goes away. */
const thinking: ChatModel = {
  complete: (_request, signal) =>
    new Promise((_resolve, reject) => {
      signal?.addEventListener('abort', () => {
        reject(signal.reason as Error);
      });
    }),
  stream: () => {
    throw new Error('not streamed');
  },
};

describe('completions', () => {
  it('when the caller goes away before the answer, then the call is aborted and the prompt still counts', async () => {
    const usages: Usage[] = [];
    const completions = createCompletionsService(thinking, {
      maxCompletionTokens: 100,
      onUsage: (_caller, usage) => usages.push(usage),
    });
    const controller = new AbortController();
    const answer = completions.complete(
      { userId: 'alice', roles: [] },
      { prompt: 'a question of a few tokens' },
      controller.signal,
    );
    setTimeout(() => {
      controller.abort(new Error('client disconnected'));
    }, 20);
    await expect(answer).rejects.toThrow('client disconnected');
    expect(usages).toHaveLength(1);
    expect(usages[0]?.promptTokens).toBeGreaterThan(0);
    expect(usages[0]?.totalTokens).toBe(usages[0]?.promptTokens);
  });
});
