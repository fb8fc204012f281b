import { useChat } from '@ai-sdk/react';
import { DefaultChatTransport, getToolName, isToolUIPart, type UIMessage } from 'ai';
import { type KeyboardEvent, type SyntheticEvent, useMemo, useRef, useState } from 'react';

import { ApiError, apiFetch, apiUrl, lastRequestId } from '../api';
import { answerMetadataSchema } from '../api-schemas';
import { ErrorBanner, type ShownError, toShownError } from '../ErrorBanner';
import { FinishNotice } from './FinishNotice';
import { ToolCard } from './ToolCard';

const transport = new DefaultChatTransport({
  api: apiUrl('/api/chat/ui'),
  fetch: (input, init) =>
    apiFetch(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, init),
});

function Message({ message }: { message: UIMessage }) {
  const metadata = answerMetadataSchema.safeParse(message.metadata);
  return (
    <li className={`message message-${message.role}`} data-role={message.role}>
      <span className="visually-hidden">{message.role === 'user' ? 'You said:' : 'Assistant:'}</span>
      {message.parts.map((part, index) => {
        if (part.type === 'text')
          return (
            <p key={index} className="text">
              {part.text}
            </p>
          );
        if (isToolUIPart(part)) {
          return (
            <ToolCard
              key={part.toolCallId}
              tool={getToolName(part)}
              state={part.state}
              input={part.input}
              output={part.state === 'output-available' ? part.output : undefined}
            />
          );
        }
        return null;
      })}
      {message.role === 'assistant' ? (
        <FinishNotice metadata={metadata.success ? metadata.data : undefined} />
      ) : null}
    </li>
  );
}

/**
 * One conversation: useChat over POST /api/chat/ui, whose chat id is the conversation id. Text streams in
 * as it arrives, tool calls show as cards while they run. A turn that fails before the answer starts puts
 * the message back in the box and says why; the user retries, nothing retries by itself.
 */
export function ChatPage(props: { id: string; initialMessages: UIMessage[]; onTurnFinished: () => void }) {
  const [input, setInput] = useState('');
  const [shown, setShown] = useState<ShownError | undefined>();
  const unsent = useRef<string | undefined>(undefined);
  const { messages, sendMessage, status, setMessages, stop } = useChat({
    id: props.id,
    messages: props.initialMessages,
    transport,
    onFinish: () => {
      props.onTurnFinished();
    },
    onError: (error) => {
      if (error instanceof ApiError) {
        // Nothing was answered: take the message back so it can be sent again (or fixed first).
        setMessages((current) => (current.at(-1)?.role === 'user' ? current.slice(0, -1) : current));
        if (unsent.current !== undefined) setInput(unsent.current);
      }
      setShown(toShownError(error, lastRequestId()));
    },
  });
  const busy = status === 'submitted' || status === 'streaming';
  const send = (text: string) => {
    if (text.trim() === '' || busy) return;
    unsent.current = text;
    setShown(undefined);
    setInput('');
    void sendMessage({ text });
  };
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    send(input);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      send(input);
    }
  };
  const statusText = useMemo(
    () => (status === 'submitted' ? 'Waiting for the answer…' : status === 'streaming' ? 'Answering…' : ''),
    [status],
  );

  return (
    <section className="chat" aria-label="Chat">
      <ol className="messages" aria-live="polite" aria-label="Messages">
        {messages.length === 0 ? (
          <li className="empty muted">
            Ask anything. Try: “will a 32-year-old business traveller with seat comfort 4, cleanliness 5, 10
            minutes departure delay be satisfied?”
          </li>
        ) : null}
        {messages.map((message) => (
          <Message key={message.id} message={message} />
        ))}
      </ol>
      <p className="status muted" role="status">
        {statusText}
      </p>
      {shown === undefined ? null : (
        <ErrorBanner
          error={shown}
          onRetry={() => {
            send(input !== '' ? input : (unsent.current ?? ''));
          }}
          onDismiss={() => {
            setShown(undefined);
          }}
        />
      )}
      <form className="composer" onSubmit={onSubmit}>
        <label htmlFor="message">Message</label>
        <textarea
          id="message"
          name="message"
          rows={3}
          value={input}
          placeholder="Type a message; Enter sends, Shift+Enter adds a line"
          onChange={(event) => {
            setInput(event.target.value);
          }}
          onKeyDown={onKeyDown}
        />
        <div className="actions">
          {busy ? (
            <button type="button" onClick={() => void stop()}>
              Stop
            </button>
          ) : null}
          <button type="submit" disabled={busy || input.trim() === ''}>
            Send
          </button>
        </div>
      </form>
    </section>
  );
}
