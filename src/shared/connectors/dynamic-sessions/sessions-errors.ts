import { UpstreamError } from '../../errors';

const azureErrorSchemaCode = (body: unknown): string | undefined => {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const error: unknown = body.error;
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
};

/** The Azure error code of a dynamic sessions error body, for the log (never for the caller). */
export const upstreamErrorCode = azureErrorSchemaCode;

function retryAfterSeconds(headers: Headers): number {
  const value = Number(headers.get('retry-after'));
  return Number.isFinite(value) && value > 0 ? Math.min(value, 120) : 5;
}

/**
 * The one place a dynamic sessions failure becomes an app error. The caller learns what to fix or that it
 * may retry; Azure's own codes and messages go to the log only.
 */
export function sessionsError(status: number, headers: Headers, operation: string): UpstreamError {
  if (status === 401) {
    return new UpstreamError(
      502,
      'sandbox_auth_failed',
      `The session pool refused the app's token when it tried to ${operation} (401): in Azure, check the managed identity (AZURE_CLIENT_ID); locally, CONNECTORS_SESSIONS_TOKEN`,
    );
  }
  if (status === 403) {
    return new UpstreamError(
      502,
      'sandbox_forbidden',
      `The app's identity may not ${operation} (403): it needs the Azure ContainerApps Session Executor role on the session pool`,
    );
  }
  if (status === 404) {
    return new UpstreamError(
      503,
      'sandbox_unavailable',
      `The session pool answered 404 when the app tried to ${operation}: the pool endpoint setting is wrong, or the pool has reached its maximum of concurrent sessions`,
      5,
    );
  }
  if (status === 409 || status === 429) {
    return new UpstreamError(
      503,
      'sandbox_busy',
      `The session pool is busy (${status}); retry shortly`,
      retryAfterSeconds(headers),
    );
  }
  if (status >= 500) {
    return new UpstreamError(
      503,
      'sandbox_unavailable',
      `The session pool failed to ${operation} (${status}); retry shortly`,
      retryAfterSeconds(headers),
    );
  }
  return new UpstreamError(
    502,
    'sandbox_rejected',
    `The session pool refused the request to ${operation} (${status}); check CONNECTORS_SESSIONS_API_VERSION`,
  );
}
