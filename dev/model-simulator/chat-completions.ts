import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  badRequest,
  contentFiltered,
  deploymentNotFound,
  internalServerError,
  isAuthorized,
  rateLimited,
  rateLimitedInSeconds,
  resourceNotFound,
  unauthorized,
} from './azure-errors';
import { decideTurn, lastUserText } from './brain';
import { type ChatRequest, parseChatRequest } from './chat-request';
import { toCompletion, toCompletionBody } from './completion';
import { abortSignalFor, BodyTooLargeError, readBody, type Reply, sendReply } from './http-io';
import { type MagicPhrases, readMagicPhrases } from './magic-phrases';
import { refuseApiVersion, refuseParameters } from './profile-rules';
import type { DeploymentSpec } from './profiles';
import type { Remaining } from './rate-limiter';
import type { SimulatorState } from './simulator-state';
import { writeStream } from './sse-writer';
import { estimateRequestTokens } from './tokens';

/** Where a chat request came in: the classic path names the deployment, the v1 path leaves it to `model`. */
export type ChatRoute =
  | { readonly kind: 'classic'; readonly deployment: string; readonly apiVersion: string | undefined }
  | { readonly kind: 'v1' };

interface AcceptedChat {
  readonly chat: ChatRequest;
  readonly spec: DeploymentSpec;
  readonly apiVersion: string;
}

/** Path, auth, deployment, api-version and body, in the order Azure checks them. */
async function accept(
  state: SimulatorState,
  request: IncomingMessage,
  route: ChatRoute,
): Promise<AcceptedChat | Reply> {
  const { options } = state;
  if (route.kind === 'classic' && route.apiVersion === undefined) return resourceNotFound();
  if (!isAuthorized(request.headers, options.apiKey)) return unauthorized();
  const find = (name: string) => options.deployments.find((spec) => spec.name === name);
  const routed = route.kind === 'classic' ? find(route.deployment) : undefined;
  if (route.kind === 'classic') {
    if (routed === undefined) return deploymentNotFound();
    const tooOld = refuseApiVersion(routed, route.apiVersion ?? '');
    if (tooOld !== undefined) {
      state.count('refused');
      return tooOld;
    }
  }
  let body: unknown;
  try {
    body = JSON.parse(await readBody(request));
  } catch (error) {
    if (error instanceof BodyTooLargeError) return badRequest(error.message);
    if (error instanceof SyntaxError) return badRequest('We could not parse the JSON body of your request.');
    throw error;
  }
  const parsed = parseChatRequest(body);
  if ('reply' in parsed) return parsed.reply;
  state.record(parsed.request);
  const name = route.kind === 'classic' ? route.deployment : parsed.request.model;
  if (name === undefined) return badRequest("'model' is required on the v1 path", 'model');
  const spec = routed ?? find(name);
  if (spec === undefined) return deploymentNotFound();
  const refused = refuseParameters(spec, parsed.request);
  if (refused !== undefined) {
    state.count('refused');
    return refused;
  }
  const apiVersion = route.kind === 'classic' ? (route.apiVersion ?? '') : 'v1';
  return { chat: parsed.request, spec, apiVersion };
}

/** Injected faults, then quotas, then the phrases that turn a request into an error. */
function refuse(
  state: SimulatorState,
  accepted: AcceptedChat,
  phrases: MagicPhrases,
): { reply?: Reply; reset?: true; remaining: Remaining } {
  const { options } = state;
  const { apiVersion, chat } = accepted;
  const fault = state.faultInjector.draw(
    options.failureRate429,
    options.failureRate500,
    options.failureRateReset,
  );
  if (fault !== undefined) {
    state.count('injectedFailures');
    if (fault === 'connection-reset') return { reset: true, remaining: {} };
    const reply =
      fault === 'rate-limit'
        ? rateLimited(apiVersion, 'call', options.injectedRetryAfterMs)
        : internalServerError();
    return { reply, remaining: {} };
  }
  const admission = state.rateLimiter.admit(estimateRequestTokens(chat));
  const { remaining } = admission;
  if (!admission.admitted) {
    state.count('rateLimited');
    return { reply: rateLimited(apiVersion, admission.limit, admission.retryAfterMs), remaining };
  }
  if (phrases.retryAfterSeconds !== undefined) {
    state.count('rateLimited');
    return { reply: rateLimitedInSeconds(apiVersion, phrases.retryAfterSeconds), remaining };
  }
  if (phrases.contentFilter) return { reply: contentFiltered(), remaining };
  if (phrases.midStreamError && chat.stream !== true) return { reply: internalServerError(), remaining };
  return { remaining };
}

function rateLimitHeaders(remaining: Remaining): Record<string, string> {
  return {
    ...(remaining.requests === undefined
      ? {}
      : { 'x-ratelimit-remaining-requests': String(remaining.requests) }),
    ...(remaining.tokens === undefined ? {} : { 'x-ratelimit-remaining-tokens': String(remaining.tokens) }),
  };
}

/** Answers one chat completions request; a scripted answer, when queued, goes out before any check. */
export async function handleChatCompletions(
  state: SimulatorState,
  request: IncomingMessage,
  response: ServerResponse,
  route: ChatRoute,
): Promise<void> {
  state.track(response);
  const signal = abortSignalFor(response);
  const scripted = state.takeScripted();
  if (scripted !== undefined) {
    sendReply(response, scripted);
    return;
  }
  const requestId = randomUUID();
  const idHeaders = { 'apim-request-id': requestId, 'x-request-id': requestId };
  try {
    const accepted = await accept(state, request, route);
    if ('status' in accepted) {
      sendReply(response, accepted, idHeaders);
      return;
    }
    const { chat, spec } = accepted;
    const phrases = readMagicPhrases(lastUserText(chat.messages));
    const refusal = refuse(state, accepted, phrases);
    if (refusal.reset === true) {
      // An RST, not a FIN: the client sees ECONNRESET with no status line, as when a connection drops.
      response.socket?.resetAndDestroy();
      return;
    }
    const headers = { ...idHeaders, ...rateLimitHeaders(refusal.remaining) };
    if (refusal.reply !== undefined) {
      sendReply(response, refusal.reply, headers);
      return;
    }
    const completion = toCompletion(chat, decideTurn(chat, phrases), {
      spec,
      reasoningTokens: phrases.reasoningTokens,
      outputFilter: phrases.outputFilter,
      cachedTokens: state.promptCache.cachedTokens(chat),
    });
    const timing = state.options;
    if (chat.stream === true) {
      const includeUsage = chat.stream_options?.include_usage === true;
      await writeStream(response, completion, {
        includeUsage,
        failMidway: phrases.midStreamError,
        timing,
        headers,
        signal,
      });
      return;
    }
    // A whole answer arrives after about the time the same answer takes to stream.
    const delay = timing.timeToFirstTokenMs + completion.usage.completion_tokens * timing.perTokenDelayMs;
    if (delay > 0) await sleep(delay, undefined, { signal });
    sendReply(response, { status: 200, body: toCompletionBody(completion) }, headers);
  } catch (error) {
    // The client left: there is nobody to answer, and the stats count the request as aborted.
    if (!signal.aborted && !request.destroyed) throw error;
  }
}
