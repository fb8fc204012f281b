// Its own file: Jest gives each test file a fresh module registry, and no other test here may load
// OpenTelemetry before these assertions run.
import type { TokenCredential } from '@azure/core-auth';

import { runWithCorrelation } from '../../../src/shared/telemetry/correlation';
import { instrumentChatModel, instrumentHistoryStore } from '../../../src/shared/telemetry/instrument';
import { startTelemetry } from '../../../src/shared/telemetry/telemetry';
import { ScriptedChatModel } from '../../support/scripted-chat-model';

const TELEMETRY_MODULE = /[\\/]node_modules[\\/](@opentelemetry|@azure[\\/]monitor-opentelemetry)/;

function loadedTelemetryModules(): string[] {
  return Object.keys(require.cache).filter((path) => TELEMETRY_MODULE.test(path));
}

test('when no connection string is set, then startTelemetry and the decorators load no OpenTelemetry module', async () => {
  const credential = jest.fn<Promise<TokenCredential>, []>();

  const telemetry = await startTelemetry(
    {
      APPLICATIONINSIGHTS_CONNECTION_STRING: undefined,
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=abc',
      AZURE_CLIENT_ID: 'abc',
      WEBSITE_SITE_NAME: undefined,
    },
    credential,
  );
  const model = instrumentChatModel(new ScriptedChatModel({ content: 'hello' }), {
    defaultDeployment: 'chat',
  });
  const history = instrumentHistoryStore({
    getConversation: () => Promise.resolve(undefined),
    recentMessages: () => Promise.resolve([]),
    listConversations: () => Promise.resolve({ items: [] }),
    listMessages: () => Promise.resolve({ items: [] }),
    appendTurn: () => Promise.resolve({ written: 1, requestCharge: 1 }),
    deleteConversation: () => Promise.resolve(false),
  });
  const answer = await runWithCorrelation('abc', async () => {
    await history.getConversation('user', 'c1');
    return model.complete({ messages: [{ role: 'user', content: 'hi' }] });
  });

  expect(answer.content).toBe('hello');
  expect(telemetry).toMatchObject({ exporter: 'off', authentication: 'none', warnings: [] });
  expect(credential).not.toHaveBeenCalled();
  // The check can fail: the registry does list what was loaded.
  expect(Object.keys(require.cache).some((path) => path.endsWith('telemetry.ts'))).toBe(true);
  expect(loadedTelemetryModules()).toEqual([]);
});
