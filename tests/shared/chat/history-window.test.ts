import { estimateTokens, fitHistory } from '../../../src/shared/chat/history-window';
import type { ChatMessage } from '../../../src/shared/model/chat-model';

const user = (content: string): ChatMessage => ({ role: 'user', content });
const answer = (content: string): ChatMessage => ({ role: 'assistant', content });

describe('fitHistory', () => {
  it('when everything fits, then everything is kept in order', () => {
    const messages = [user('a'), answer('b'), user('c')];
    expect(fitHistory(messages, 1000)).toEqual(messages);
  });

  it('when the history is over the budget, then the newest messages that fit are kept', () => {
    const messages = Array.from({ length: 20 }, (_, index) => user(`message ${index} ${'x'.repeat(36)}`));
    const kept = fitHistory(messages, 5 * estimateTokens(messages[0] ?? user('')));
    expect(kept).toEqual(messages.slice(15));
  });

  it('when a tool call and its results would be split, then they are dropped together', () => {
    const call: ChatMessage = {
      role: 'assistant',
      content: null,
      toolCalls: [{ id: 't1', name: 'get_stat', arguments: '{"key":"x"}' }],
    };
    const result: ChatMessage = { role: 'tool', toolCallId: 't1', content: 'y'.repeat(400) };
    const messages = [user('old'), call, result, answer('final'), user('new')];
    const budget = estimateTokens(result) + estimateTokens(answer('final')) + estimateTokens(user('new'));
    const kept = fitHistory(messages, budget);
    expect(kept).toEqual([answer('final'), user('new')]);
    expect(kept.some((message) => message.role === 'tool')).toBe(false);
  });

  it('when the budget holds a whole tool exchange, then the call and its results stay together', () => {
    const call: ChatMessage = {
      role: 'assistant',
      content: null,
      toolCalls: [{ id: 't1', name: 'get_stat', arguments: '{}' }],
    };
    const results: ChatMessage[] = [
      { role: 'tool', toolCallId: 't1', content: 'r1' },
      { role: 'tool', toolCallId: 't2', content: 'r2' },
    ];
    const kept = fitHistory([user('q'), call, ...results, answer('a')], 1000);
    expect(kept.map((message) => message.role)).toEqual(['user', 'assistant', 'tool', 'tool', 'assistant']);
  });
});
