import { fitForQueue } from '../../../src/shared/history/queue-size';
import type { TurnRecord } from '../../../src/shared/history/turn-record';

const turn = (messages: TurnRecord['messages']): TurnRecord => ({
  version: 1,
  correlationId: 'c',
  userId: 'u',
  conversationId: 'conv',
  turnId: '00000000-0000-4000-8000-000000000000',
  isNewConversation: false,
  title: 't',
  createdAt: new Date(0).toISOString(),
  messages,
});
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

describe('fitForQueue', () => {
  it('when a turn is small, then it is unchanged', () => {
    const small = turn([{ role: 'user', content: 'hi' }]);
    expect(fitForQueue(small)).toBe(small);
  });

  it('when a tool result is huge, then it is shortened and marked until the turn fits', () => {
    const fitted = fitForQueue(
      turn([
        { role: 'user', content: 'q' },
        { role: 'tool', toolCallId: 't', content: 'x'.repeat(200_000) },
      ]),
    );
    expect(bytes(fitted)).toBeLessThanOrEqual(45_000);
    expect(fitted.messages[1]?.content).toMatch(/\[truncated\]$/);
    expect(fitted.messages[0]?.content).toBe('q');
  });

  it('when the size is in many tool-call arguments, then it still ends, fits and keeps the user message', () => {
    const calls = Array.from({ length: 3000 }, (_, index) => ({
      id: `call_${index}`,
      name: 'get_stat',
      arguments: '{"key":"satisfied_share"}',
    }));
    const fitted = fitForQueue(
      turn([
        { role: 'user', content: 'question' },
        { role: 'assistant', content: '', toolCalls: calls },
      ]),
    );
    expect(bytes(fitted)).toBeLessThanOrEqual(45_000);
    expect(fitted.messages[0]?.content).toContain('question');
  });
});
