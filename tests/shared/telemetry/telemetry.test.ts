import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { AzureMonitorOpenTelemetryOptions } from '@azure/monitor-opentelemetry';

import {
  type AzureMonitorDistro,
  parseAuthenticationString,
  startTelemetry,
  type TelemetryConfig,
} from '../../../src/shared/telemetry/telemetry';
import { telemetryApi } from '../../../src/shared/telemetry/telemetry-api';

const CONNECTION_STRING =
  'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/';
const IDENTITY = '11111111-1111-1111-1111-111111111111';
const token: AccessToken = { token: 'entra-token', expiresOnTimestamp: Date.now() + 3_600_000 };

/** A stand-in for @azure/monitor-opentelemetry that records how it was started. */
function fakeDistro() {
  const started: AzureMonitorOpenTelemetryOptions[] = [];
  let stopped = 0;
  const distro: AzureMonitorDistro = {
    useAzureMonitor: (options) => {
      started.push(options ?? {});
    },
    shutdownAzureMonitor: () => {
      stopped += 1;
      return Promise.resolve();
    },
  };
  return { distro, started, stopped: () => stopped };
}

function fakeCredential() {
  const getToken = jest.fn<ReturnType<TokenCredential['getToken']>, Parameters<TokenCredential['getToken']>>(
    () => Promise.resolve(token),
  );
  const resolve = jest.fn(() => Promise.resolve<TokenCredential>({ getToken }));
  return { getToken, resolve };
}

function config(overrides: Partial<TelemetryConfig>): TelemetryConfig {
  return {
    APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION_STRING,
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: undefined,
    AZURE_CLIENT_ID: IDENTITY,
    WEBSITE_SITE_NAME: undefined,
    ...overrides,
  };
}

describe('startTelemetry', () => {
  test('when the authentication string asks for AAD, then the distro gets the connection string and an Entra credential resolved on first use', async () => {
    const { distro, started, stopped } = fakeDistro();
    const { getToken, resolve } = fakeCredential();

    const telemetry = await startTelemetry(
      config({ APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `Authorization=AAD;ClientId=${IDENTITY}` }),
      resolve,
      { azureMonitor: () => distro },
    );

    expect(telemetry).toMatchObject({ exporter: 'azure-monitor', authentication: 'entra', warnings: [] });
    expect(started).toHaveLength(1);
    const options = started[0];
    expect(options?.azureMonitorExporterOptions?.connectionString).toBe(CONNECTION_STRING);
    expect(options?.instrumentationOptions?.http?.enabled).toBe(false);
    expect(options?.spanProcessors).toHaveLength(1);
    expect(options?.logRecordProcessors).toHaveLength(1);
    expect(resolve).not.toHaveBeenCalled(); // @azure/identity stays unloaded until the first export

    const exporterCredential = options?.azureMonitorExporterOptions?.credential;
    await expect(exporterCredential?.getToken('https://monitor.azure.com//.default')).resolves.toBe(token);
    expect(getToken).toHaveBeenCalledWith('https://monitor.azure.com//.default', undefined);
    expect(telemetryApi()).toBeDefined();

    await telemetry.shutdown();
    expect(stopped()).toBe(1);
    expect(telemetryApi()).toBeUndefined();
  });

  test('when no authentication string is set, then only the connection string is sent', async () => {
    const { distro, started } = fakeDistro();

    const telemetry = await startTelemetry(config({}), fakeCredential().resolve, {
      azureMonitor: () => distro,
    });

    expect(telemetry.authentication).toBe('instrumentation-key');
    expect(started[0]?.azureMonitorExporterOptions?.credential).toBeUndefined();
    expect(telemetry.warnings).toEqual([]);
    await telemetry.shutdown();
  });

  test('when running in Azure without AAD, then a warning says local authentication may be off', async () => {
    const { distro } = fakeDistro();

    const telemetry = await startTelemetry(
      config({ WEBSITE_SITE_NAME: 'func-chat' }),
      fakeCredential().resolve,
      {
        azureMonitor: () => distro,
      },
    );

    expect(telemetry.warnings).toEqual([expect.stringContaining('local authentication disabled')]);
    await telemetry.shutdown();
  });

  test('when the authentication string names another identity, then a warning names both client ids', async () => {
    const { distro } = fakeDistro();

    const telemetry = await startTelemetry(
      config({ APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=other-id' }),
      fakeCredential().resolve,
      { azureMonitor: () => distro },
    );

    expect(telemetry.authentication).toBe('entra');
    expect(telemetry.warnings).toEqual([expect.stringMatching(new RegExp(`other-id.*${IDENTITY}`))]);
    await telemetry.shutdown();
  });

  test('when startTelemetry is called twice, then the distro starts once', async () => {
    const { distro, started } = fakeDistro();
    const { resolve } = fakeCredential();

    const first = startTelemetry(config({}), resolve, { azureMonitor: () => distro });
    const second = startTelemetry(config({}), resolve, { azureMonitor: () => distro });

    expect(await second).toBe(await first);
    expect(started).toHaveLength(1);
    await (await first).shutdown();
  });

  test.each([
    [
      'the distro throws as it starts',
      (): AzureMonitorDistro => ({
        ...fakeDistro().distro,
        useAzureMonitor: () => {
          throw new Error('Invalid instrumentation key was provided to the Azure Monitor Exporter');
        },
      }),
      /Invalid instrumentation key/,
    ],
    [
      'the distro cannot be loaded',
      (): Promise<AzureMonitorDistro> => Promise.reject(new Error("Cannot find module './azure-monitor.js'")),
      /Cannot find module/,
    ],
  ])(
    'when %s, then telemetry is off with a warning that says why, and the next call does not try again',
    async (_case, azureMonitor, reason) => {
      const load = jest.fn<AzureMonitorDistro | Promise<AzureMonitorDistro>, []>(azureMonitor);

      const telemetry = await startTelemetry(config({}), fakeCredential().resolve, { azureMonitor: load });
      const again = await startTelemetry(config({}), fakeCredential().resolve, { azureMonitor: load });

      expect(telemetry.exporter).toBe('off');
      expect(telemetry.warnings).toEqual([
        expect.stringMatching(/telemetry could not start.*runs without it/),
      ]);
      expect(telemetry.warnings[0]).toMatch(reason);
      expect(telemetryApi()).toBeUndefined();
      expect(again).toBe(telemetry);
      expect(load).toHaveBeenCalledTimes(1);
      await telemetry.shutdown();
    },
  );

  test('when the connection string is empty, then telemetry is off and the distro is not loaded', async () => {
    const load = jest.fn(() => fakeDistro().distro);

    const telemetry = await startTelemetry(
      config({ APPLICATIONINSIGHTS_CONNECTION_STRING: '' }),
      fakeCredential().resolve,
      {
        azureMonitor: load,
      },
    );

    expect(telemetry.exporter).toBe('off');
    expect(load).not.toHaveBeenCalled();
    expect(telemetryApi()).toBeUndefined();
  });
});

describe('parseAuthenticationString', () => {
  test.each([
    ['Authorization=AAD;ClientId=abc', { entra: true, clientId: 'abc', unrecognised: false }],
    ['authorization=aad', { entra: true, unrecognised: false }],
    [' Authorization = AAD ; ClientId = abc ', { entra: true, clientId: 'abc', unrecognised: false }],
    ['Authorization=Key', { entra: false, unrecognised: true }],
    ['', { entra: false, unrecognised: false }],
    [undefined, { entra: false, unrecognised: false }],
  ])('when the setting is %p, then it reads as %p', (value, expected) => {
    expect(parseAuthenticationString(value)).toEqual(expected);
  });
});
