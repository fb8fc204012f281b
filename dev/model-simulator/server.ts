import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { internalServerError, resourceNotFound } from './azure-errors';
import { handleChatCompletions } from './chat-completions';
import { control } from './control-routes';
import { sendReply } from './http-io';
import { listModels } from './list-models';
import {
  applyOptions,
  DEFAULT_OPTIONS,
  type ModelSimulator,
  type ModelSimulatorOptions,
  parseStartOptions,
} from './options';
import { SimulatorState } from './simulator-state';

const CLASSIC_CHAT = /^\/openai\/deployments\/([^/]+)\/chat\/completions\/?$/;
const V1_CHAT = /^\/openai\/v1\/chat\/completions\/?$/;
const MODELS = /^\/openai\/(v1\/)?models\/?$/;

async function answer(
  state: SimulatorState,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://simulator');
  const { pathname } = url;
  const apiVersion = url.searchParams.get('api-version') ?? undefined;
  const classic = CLASSIC_CHAT.exec(pathname)?.[1];
  const models = MODELS.exec(pathname);
  if (request.method === 'POST' && classic !== undefined) {
    const deployment = decodeURIComponent(classic);
    await handleChatCompletions(state, request, response, { kind: 'classic', deployment, apiVersion });
  } else if (request.method === 'POST' && V1_CHAT.test(pathname)) {
    await handleChatCompletions(state, request, response, { kind: 'v1' });
  } else if (pathname.startsWith('/_simulator/')) {
    sendReply(response, await control(state, request, pathname));
  } else if (request.method === 'GET' && models !== null) {
    sendReply(
      response,
      listModels(state.options, request.headers, models[1] === undefined ? apiVersion : 'v1'),
    );
  } else {
    sendReply(response, resourceNotFound());
  }
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * Starts a local Azure OpenAI chat completions simulator that the real `AzureOpenAI` client can talk to.
 *
 * @example
 * const simulator = await startModelSimulator({ apiKey: 'local-key' });
 * const client = new AzureOpenAI({ endpoint: simulator.url, apiKey: 'local-key', apiVersion: '2024-10-21', deployment: 'chat' });
 * const completion = await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'Hi' }] });
 * // completion.choices[0].message.content === 'Simulated answer: Hi'
 * await simulator.close();
 */
export async function startModelSimulator(options: ModelSimulatorOptions = {}): Promise<ModelSimulator> {
  const { port, host, ...changes } = parseStartOptions(options);
  const state = new SimulatorState(
    applyOptions(
      { ...DEFAULT_OPTIONS, port: port ?? DEFAULT_OPTIONS.port, host: host ?? DEFAULT_OPTIONS.host },
      changes,
    ),
  );
  const server = createServer({ noDelay: true }, (request, response) => {
    // A failing socket must never crash the process that hosts the simulator (often a jest worker).
    request.on('error', () => undefined);
    response.on('error', () => undefined);
    answer(state, request, response).catch((error: unknown) => {
      console.error('model simulator: unexpected error', error);
      if (response.headersSent) response.destroy();
      else sendReply(response, internalServerError());
    });
  });
  const address = await listen(server, state.options.port, state.options.host);
  const urlHost = address.address.includes(':') ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    configure: (changes) => {
      const { port: _port, host: _host, ...runtime } = parseStartOptions(changes);
      state.configure(runtime);
    },
    scriptNext: (...responses) => {
      state.enqueueScript(responses);
    },
    stats: () => state.stats(),
    recentRequests: () => state.recentRequests(),
    resetStats: () => {
      state.resetStats();
    },
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
