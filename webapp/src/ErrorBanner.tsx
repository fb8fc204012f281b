import { useEffect, useState } from 'react';

import { ApiError } from './api';

export interface ShownError {
  readonly message: string;
  readonly code?: string | undefined;
  readonly correlationId?: string | undefined;
  readonly retryAfterSeconds?: number | undefined;
}

export function toShownError(error: unknown, fallbackCorrelationId?: string): ShownError {
  if (error instanceof ApiError) {
    return {
      message: error.message,
      code: error.code,
      correlationId: error.correlationId,
      retryAfterSeconds: error.retryAfterSeconds,
    };
  }
  const message = error instanceof Error ? error.message : 'Something went wrong';
  return { message, correlationId: fallbackCorrelationId };
}

/**
 * An error with its message, code and correlation id (for support). When the API said Retry-After, a
 * Retry button counts down and then lets the user try again; nothing retries by itself.
 */
export function ErrorBanner(props: {
  error: ShownError;
  onRetry?: (() => void) | undefined;
  onDismiss: () => void;
}) {
  const { error } = props;
  const [wait, setWait] = useState(error.retryAfterSeconds ?? 0);
  useEffect(() => {
    setWait(error.retryAfterSeconds ?? 0);
  }, [error]);
  useEffect(() => {
    if (wait <= 0) return undefined;
    const timer = setTimeout(() => {
      setWait((seconds) => seconds - 1);
    }, 1000);
    return () => {
      clearTimeout(timer);
    };
  }, [wait]);
  const canRetry = props.onRetry !== undefined && error.retryAfterSeconds !== undefined;
  return (
    <div className="error" role="alert">
      <p>
        <strong>{error.message}</strong>
        {error.code === undefined ? null : <span className="muted"> ({error.code})</span>}
      </p>
      {error.correlationId === undefined ? null : (
        <p className="muted">
          Correlation id: <code data-testid="correlation-id">{error.correlationId}</code>
        </p>
      )}
      <div className="actions">
        {canRetry ? (
          <button type="button" onClick={props.onRetry} disabled={wait > 0}>
            {wait > 0 ? `Retry in ${wait} s` : 'Retry'}
          </button>
        ) : null}
        <button type="button" onClick={props.onDismiss}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
