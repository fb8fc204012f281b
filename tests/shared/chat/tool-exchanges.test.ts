import { completeToolExchanges, firstBrokenToolExchange } from '../../../src/shared/chat/tool-exchanges';
import type { ChatMessage } from '../../../src/shared/model/chat-model';

const call = (id: string) => ({ id, name: 'predict_customer', arguments: '{}' });
const user = (content: string): ChatMessage => ({ role: 'user', content });
const result = (toolCallId: string): ChatMessage => ({ role: 'tool', toolCallId, content: '{}' });

describe('tool exchanges of a transcript', () => {
  it('when an assistant message calls tools and every call is answered, then the exchange is kept whole', () => {
    const messages: ChatMessage[] = [
      user('score me'),
      { role: 'assistant', content: '', toolCalls: [call('a'), call('b')] },
      result('a'),
      result('b'),
      { role: 'assistant', content: 'Satisfied' },
    ];
    expect(completeToolExchanges(messages)).toEqual(messages);
    expect(firstBrokenToolExchange(messages)).toBeUndefined();
  });

  it('when a call is unanswered or a result answers nothing, then those are dropped and the text is kept', () => {
    const messages: ChatMessage[] = [
      result('orphan'),
      user('score me'),
      { role: 'assistant', content: 'Let me check.', toolCalls: [call('a'), call('b')] },
      result('a'),
      { role: 'assistant', content: '' },
      user('again'),
    ];
    expect(completeToolExchanges(messages)).toEqual([
      user('score me'),
      { role: 'assistant', content: 'Let me check.' },
      user('again'),
    ]);
    expect(firstBrokenToolExchange(messages)).toBe(0);
    expect(firstBrokenToolExchange(messages.slice(1))).toBe(1);
  });

  it('when a transcript ends on tool calls nobody answered, then that is where it breaks', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'Be brief.' },
      user('weather?'),
      { role: 'assistant', content: null, toolCalls: [call('w')] },
    ];
    expect(firstBrokenToolExchange(messages)).toBe(2);
    expect(
      firstBrokenToolExchange([...messages, { role: 'system', content: 'x' }, result('w')]),
    ).toBeUndefined();
  });
});
