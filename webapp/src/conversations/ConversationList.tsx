import { z } from 'zod';

import { apiJson } from '../api';
import type { ConversationSummary } from '../api-schemas';

const noContent = z.undefined();

function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString();
}

/** The caller's conversations, newest first: open one to continue it, or delete it. */
export function ConversationList(props: {
  conversations: readonly ConversationSummary[];
  currentId: string;
  onOpen: (id: string) => void;
  onDeleted: (id: string) => void;
  onError: (error: unknown) => void;
}) {
  const remove = async (conversation: ConversationSummary) => {
    try {
      await apiJson(`/api/conversations/${encodeURIComponent(conversation.id)}`, noContent, {
        method: 'DELETE',
      });
      props.onDeleted(conversation.id);
    } catch (error) {
      props.onError(error);
    }
  };
  return (
    <nav className="conversations" aria-label="Conversations">
      <h2>Conversations</h2>
      {props.conversations.length === 0 ? <p className="muted">No conversations yet.</p> : null}
      <ul>
        {props.conversations.map((conversation) => (
          <li key={conversation.id} className={conversation.id === props.currentId ? 'current' : undefined}>
            <button
              type="button"
              className="open"
              aria-current={conversation.id === props.currentId ? 'page' : undefined}
              onClick={() => {
                props.onOpen(conversation.id);
              }}
            >
              <span className="title">{conversation.title}</span>
              <span className="muted small">
                {when(conversation.updatedAt)} · {conversation.messageCount} messages
              </span>
            </button>
            <button
              type="button"
              className="delete"
              aria-label={`Delete conversation: ${conversation.title}`}
              onClick={() => void remove(conversation)}
            >
              Delete
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
