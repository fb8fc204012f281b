import type { UIMessage } from 'ai';
import { useCallback, useEffect, useState } from 'react';

import { apiJson } from './api';
import { conversationDetailSchema, conversationPageSchema, type ConversationSummary } from './api-schemas';
import { BatchPage } from './batch/BatchPage';
import { ChatPage } from './chat/ChatPage';
import { storedToUIMessages } from './chat/stored-to-ui';
import { ConversationList } from './conversations/ConversationList';
import { ErrorBanner, type ShownError, toShownError } from './ErrorBanner';

type Route = { readonly page: 'chat'; readonly id: string | undefined } | { readonly page: 'batch' };

function routeOf(hash: string): Route {
  if (hash === '#/batch') return { page: 'batch' };
  const match = /^#\/c\/([A-Za-z0-9_-]{1,64})$/.exec(hash);
  return { page: 'chat', id: match?.[1] };
}

interface OpenChat {
  readonly id: string;
  readonly messages: UIMessage[];
}

export function App() {
  const [route, setRoute] = useState<Route>(() => routeOf(window.location.hash));
  const [chat, setChat] = useState<OpenChat>(() => ({ id: crypto.randomUUID(), messages: [] }));
  const [conversations, setConversations] = useState<readonly ConversationSummary[]>([]);
  const [shown, setShown] = useState<ShownError | undefined>();

  const refresh = useCallback(async () => {
    try {
      const page = await apiJson('/api/conversations?pageSize=50', conversationPageSchema);
      setConversations(page.conversations);
    } catch (error) {
      setShown(toShownError(error));
    }
  }, []);

  useEffect(() => {
    const onHash = () => {
      setRoute(routeOf(window.location.hash));
    };
    window.addEventListener('hashchange', onHash);
    void refresh();
    return () => {
      window.removeEventListener('hashchange', onHash);
    };
  }, [refresh]);

  // A conversation named in the address is loaded with its messages, so it can be continued.
  const wanted = route.page === 'chat' ? route.id : undefined;
  useEffect(() => {
    if (wanted === undefined || wanted === chat.id) return;
    let cancelled = false;
    apiJson(`/api/conversations/${encodeURIComponent(wanted)}?pageSize=100`, conversationDetailSchema)
      .then((detail) => {
        if (!cancelled) setChat({ id: detail.id, messages: storedToUIMessages(detail.messages) });
      })
      .catch((error: unknown) => {
        if (!cancelled) setShown(toShownError(error));
      });
    return () => {
      cancelled = true;
    };
  }, [wanted, chat.id]);

  const newChat = () => {
    setChat({ id: crypto.randomUUID(), messages: [] });
    window.location.hash = '#/';
  };

  return (
    <div className="layout">
      <header className="top">
        <h1>LLM chat</h1>
        <nav aria-label="Pages">
          <a href="#/" aria-current={route.page === 'chat' ? 'page' : undefined} onClick={newChat}>
            New chat
          </a>
          <a href="#/batch" aria-current={route.page === 'batch' ? 'page' : undefined}>
            Batch jobs
          </a>
        </nav>
      </header>
      {shown === undefined ? null : (
        <ErrorBanner
          error={shown}
          onDismiss={() => {
            setShown(undefined);
          }}
        />
      )}
      {route.page === 'batch' ? (
        <main className="main">
          <BatchPage />
        </main>
      ) : (
        <>
          <aside className="side">
            <ConversationList
              conversations={conversations}
              currentId={chat.id}
              onOpen={(id) => {
                window.location.hash = `#/c/${id}`;
              }}
              onDeleted={(id) => {
                if (id === chat.id) newChat();
                void refresh();
              }}
              onError={(error) => {
                setShown(toShownError(error));
              }}
            />
          </aside>
          <main className="main">
            <ChatPage
              key={chat.id}
              id={chat.id}
              initialMessages={chat.messages}
              onTurnFinished={() => {
                // The address names the conversation from its first answer on, so a reload continues it.
                if (window.location.hash !== `#/c/${chat.id}`)
                  window.history.replaceState(null, '', `#/c/${chat.id}`);
                void refresh();
              }}
            />
          </main>
        </>
      )}
    </div>
  );
}
