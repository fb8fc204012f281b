import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describeConfig } from '../../../src/shared/config/describe-config';
import { defaultConfig, loadConfig, recoveryChecks } from '../../../src/shared/config/load-config';
import { parseModelFamilies } from '../../../src/shared/config/model-settings';
import type { RawSources } from '../../../src/shared/config/sources';
import { ConfigError } from '../../../src/shared/errors';

const required = {
  AZURE_OPENAI_ENDPOINT: 'https://example.openai.azure.com/',
  AZURE_OPENAI_DEPLOYMENT: 'chat',
  COSMOS_ENDPOINT: 'https://example.documents.azure.com:443/',
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
};

function sources(parts: Partial<RawSources>): RawSources {
  return { env: {}, file: {}, dotenv: {}, ...parts };
}

describe('loadConfig', () => {
  it('when a setting is in env, file and .env, then env wins and the source says so', () => {
    const { values, provenance } = loadConfig(
      sources({
        env: { ...required, LOG_LEVEL: 'debug' },
        file: { LOG_LEVEL: 'warn', LOG_FORMAT: 'json' },
        dotenv: { LOG_LEVEL: 'error', LOG_FORMAT: 'text', AML_DEPLOYMENT: 'blue' },
      }),
    );
    expect(values.LOG_LEVEL).toBe('debug');
    expect(provenance.LOG_LEVEL.source).toBe('env');
    expect(values.LOG_FORMAT).toBe('json');
    expect(provenance.LOG_FORMAT.source).toBe('file');
    expect(values.AML_DEPLOYMENT).toBe('blue');
    expect(provenance.AML_DEPLOYMENT.source).toBe('file');
  });

  it('when a setting is nowhere, then its default is used and marked default, or it is absent', () => {
    const { values, provenance } = loadConfig(sources({ env: required }));
    expect(values.AZURE_OPENAI_API_VERSION).toBe('v1');
    expect(provenance.AZURE_OPENAI_API_VERSION.source).toBe('default');
    expect(values.AML_SCORING_URI).toBeUndefined();
    expect(provenance.AML_SCORING_URI.source).toBe('absent');
  });

  it('when only a seed alias is set, then it fills the setting', () => {
    const env = {
      ...required,
      AZURE_OPENAI_DEPLOYMENT: '',
      AZURE_OPENAI_DEPLOYMENT_NAME: 'gpt-4o',
      OPENAI_API_VERSION: '2024-06-01',
    };
    const { values, provenance } = loadConfig(sources({ env }));
    expect(values.AZURE_OPENAI_DEPLOYMENT).toBe('gpt-4o');
    expect(provenance.AZURE_OPENAI_DEPLOYMENT.name).toBe('AZURE_OPENAI_DEPLOYMENT_NAME');
    expect(values.AZURE_OPENAI_API_VERSION).toBe('2024-06-01');
  });

  it('when the main name and an alias are both set, then the main name wins', () => {
    const env = { ...required, AZURE_OPENAI_DEPLOYMENT_NAME: 'old' };
    expect(loadConfig(sources({ env })).values.AZURE_OPENAI_DEPLOYMENT).toBe('chat');
  });

  it('when several settings are missing or invalid, then one error lists each of them', () => {
    const attempt = () =>
      loadConfig(
        sources({
          env: { LOG_LEVEL: 'loud', AZURE_OPENAI_ENDPOINT: 'not a url', CHAT_MAX_TOOL_ROUNDS: 'many' },
        }),
      );
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const message = (error as ConfigError).message;
      expect(message).toMatch(/LOG_LEVEL/);
      expect(message).toMatch(/AZURE_OPENAI_ENDPOINT/);
      expect(message).toMatch(/CHAT_MAX_TOOL_ROUNDS/);
      expect(message).not.toMatch(/\n\s+at /); // no stack frames
    }
  });

  it('when required settings are missing, then each is named with what it is for', () => {
    expect(() => loadConfig(sources({}))).toThrow(
      /COSMOS_ENDPOINT: is required[\s\S]*AzureWebJobsStorage: is required/,
    );
  });

  it('when QUEUE_RETRY_MAX_WAIT_SECONDS is shorter than the 30 minutes an outage must not lose anything in, then start fails naming it', () => {
    expect(() => loadConfig(sources({ env: { ...required, QUEUE_RETRY_MAX_WAIT_SECONDS: '600' } }))).toThrow(
      /QUEUE_RETRY_MAX_WAIT_SECONDS/,
    );
    expect(loadConfig(sources({ env: required })).values.QUEUE_RETRY_MAX_WAIT_SECONDS).toBe(86_400);
    const { values } = loadConfig(sources({ env: { ...required, QUEUE_RETRY_MAX_WAIT_SECONDS: '1800' } }));
    expect(values.QUEUE_RETRY_MAX_WAIT_SECONDS).toBe(1_800);
  });

  it('when AUTH_MODE is none inside Azure, then start fails', () => {
    expect(() => loadConfig(sources({ env: { ...required, WEBSITE_SITE_NAME: 'func-app' } }))).toThrow(
      /AUTH_MODE/,
    );
  });

  it('when the system prompt file cannot be read, then start fails naming it, unless a prompt text is set', () => {
    const missing = join(tmpdir(), 'no-such-folder', 'prompt.txt');
    expect(() => loadConfig(sources({ env: { ...required, CHAT_SYSTEM_PROMPT_FILE: missing } }))).toThrow(
      `CHAT_SYSTEM_PROMPT_FILE: cannot read ${missing}`,
    );
    const env = { ...required, CHAT_SYSTEM_PROMPT_FILE: missing, CHAT_SYSTEM_PROMPT: 'Be brief.' };
    expect(loadConfig(sources({ env })).values.CHAT_SYSTEM_PROMPT).toBe('Be brief.');
    const folder = mkdtempSync(join(tmpdir(), 'prompt-'));
    writeFileSync(join(folder, 'prompt.txt'), 'Be kind.');
    const readable = { ...required, CHAT_SYSTEM_PROMPT_FILE: join(folder, 'prompt.txt') };
    expect(loadConfig(sources({ env: readable })).values.CHAT_SYSTEM_PROMPT_FILE).toBe(
      join(folder, 'prompt.txt'),
    );
    rmSync(folder, { recursive: true, force: true });
  });

  it.each([[undefined], ['False'], ['false']])(
    'when AUTH_MODE is easyauth inside Azure and WEBSITE_AUTH_ENABLED is %p, then start fails naming it',
    (enabled) => {
      const env = { ...required, AUTH_MODE: 'easyauth', WEBSITE_SITE_NAME: 'func-app' };
      expect(() =>
        loadConfig(sources({ env: enabled === undefined ? env : { ...env, WEBSITE_AUTH_ENABLED: enabled } })),
      ).toThrow(/WEBSITE_AUTH_ENABLED is not True/);
    },
  );

  it('when AUTH_MODE is easyauth inside Azure with the platform authentication on, then it starts', () => {
    const env = {
      ...required,
      AUTH_MODE: 'easyauth',
      WEBSITE_SITE_NAME: 'func-app',
      WEBSITE_AUTH_ENABLED: 'True',
    };
    expect(loadConfig(sources({ env })).values.WEBSITE_AUTH_ENABLED).toBe(true);
  });

  it('when WEBSITE_AUTH_ENABLED is neither true nor false, then it is rejected', () => {
    expect(() => loadConfig(sources({ env: { ...required, WEBSITE_AUTH_ENABLED: 'maybe' } }))).toThrow(
      /WEBSITE_AUTH_ENABLED: must be true or false/,
    );
  });

  it('when a number setting is out of range, then it is rejected', () => {
    expect(() => loadConfig(sources({ env: { ...required, CHAT_MAX_TOOL_ROUNDS: '500' } }))).toThrow(
      /CHAT_MAX_TOOL_ROUNDS/,
    );
  });
});

describe('recovery settings', () => {
  const load = (env: Record<string, string>) => () => loadConfig(sources({ env: { ...required, ...env } }));

  it.each([
    ['0 0 0 L * *', /RECOVERY_SCHEDULE: .*"L"/],
    ['0 0 0 * * MON#1', /RECOVERY_SCHEDULE: .*"#"/],
    ['0 0 0 ? * *', /RECOVERY_SCHEDULE: .*"\?"/],
    ['0 0 0 31 2 *', /RECOVERY_SCHEDULE: .*never occurs/],
  ])('when RECOVERY_SCHEDULE is %s, then start fails saying why', (schedule, reason) => {
    expect(load({ RECOVERY_SCHEDULE: schedule })).toThrow(reason);
  });

  it('when every recovery setting is at its default, then the defaults keep the rule (so start need not check it)', () => {
    expect(recoveryChecks(defaultConfig())).toEqual([]);
  });

  it('when only QUEUE_RETRY_MAX_SECONDS is set, and past the default stuck time, then start still fails', () => {
    expect(load({ QUEUE_RETRY_MAX_SECONDS: '900' })).toThrow(
      /BATCH_STUCK_AFTER_SECONDS: 900 must be longer than QUEUE_RETRY_MAX_SECONDS/,
    );
  });

  it('when BATCH_STUCK_AFTER_SECONDS is not longer than twice the schedule interval, then start fails naming both', () => {
    // Every 15 minutes with the default 900 s: each run would restart the clock and never re-drive.
    expect(load({ RECOVERY_SCHEDULE: '0 */15 * * * *' })).toThrow(
      /BATCH_STUCK_AFTER_SECONDS: .*900.*RECOVERY_SCHEDULE.*1800/,
    );
    expect(load({ RECOVERY_SCHEDULE: '0 */15 * * * *', BATCH_STUCK_AFTER_SECONDS: '1800' })).toThrow(
      /BATCH_STUCK_AFTER_SECONDS/,
    );
    expect(
      load({ RECOVERY_SCHEDULE: '0 */15 * * * *', BATCH_STUCK_AFTER_SECONDS: '1801' })().values
        .BATCH_STUCK_AFTER_SECONDS,
    ).toBe(1801);
  });

  it('when BATCH_STUCK_AFTER_SECONDS is not longer than QUEUE_RETRY_MAX_SECONDS, then start fails naming both', () => {
    expect(load({ QUEUE_RETRY_MAX_SECONDS: '900' })).toThrow(
      /BATCH_STUCK_AFTER_SECONDS: .*900.*QUEUE_RETRY_MAX_SECONDS.*900/,
    );
    expect(load({ QUEUE_RETRY_MAX_SECONDS: '899' })().values.QUEUE_RETRY_MAX_SECONDS).toBe(899);
  });

  it('when the defaults are used, then they pass their own rule', () => {
    expect(load({})().values).toMatchObject({
      RECOVERY_SCHEDULE: '0 */5 * * * *',
      BATCH_STUCK_AFTER_SECONDS: 900,
    });
  });
});

describe('telemetry settings', () => {
  const load = (connectionString: string) => () =>
    loadConfig(sources({ env: { ...required, APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString } }));
  const IKEY = 'InstrumentationKey=6f1c3a52-4b7e-4d9a-9c1e-2f8a7b6c5d40';

  it('when the connection string is an unresolved Key Vault reference, then start fails saying so, without printing it', () => {
    const reference = '@Microsoft.KeyVault(SecretUri=https://kv-app.vault.azure.net/secrets/ai-connection/)';
    expect(load(reference)).toThrow(/APPLICATIONINSIGHTS_CONNECTION_STRING: .*Key Vault reference/);
    expect(load(reference)).not.toThrow(/kv-app/);
  });

  it.each([
    ['garbage'],
    ['IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/'],
    ['InstrumentationKey=not-a-guid'],
    [`${IKEY};IngestionEndpoint=westeurope`],
  ])('when the connection string is %s, then start fails naming the setting', (connectionString) => {
    expect(load(connectionString)).toThrow(/APPLICATIONINSIGHTS_CONNECTION_STRING: .*InstrumentationKey/);
    expect(load(connectionString)).not.toThrow(connectionString);
  });

  it('when the connection string is as the portal shows it, then it is kept', () => {
    const portal = `${IKEY};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;LiveEndpoint=https://westeurope.livediagnostics.monitor.azure.com/;ApplicationId=0f4b2a61-1c1d-4a8e-9d32-5f0e7a1b2c3d`;
    expect(load(portal)().values.APPLICATIONINSIGHTS_CONNECTION_STRING).toBe(portal);
    expect(load(`${IKEY.toLowerCase()};`)().values.APPLICATIONINSIGHTS_CONNECTION_STRING).toBe(
      `${IKEY.toLowerCase()};`,
    );
  });
});

describe('Azure OpenAI model settings', () => {
  const load = (env: Record<string, string>) => loadConfig(sources({ env: { ...required, ...env } })).values;

  it('when the api-version is v1, a dated version or unset, then it is kept as written (lower case), v1 by default', () => {
    expect(load({}).AZURE_OPENAI_API_VERSION).toBe('v1');
    expect(load({ AZURE_OPENAI_API_VERSION: 'V1' }).AZURE_OPENAI_API_VERSION).toBe('v1');
    expect(load({ AZURE_OPENAI_API_VERSION: '2025-04-01-Preview' }).AZURE_OPENAI_API_VERSION).toBe(
      '2025-04-01-preview',
    );
  });

  it('when the api-version is neither v1 nor dated, then start fails saying what it takes', () => {
    expect(() => load({ AZURE_OPENAI_API_VERSION: 'latest' })).toThrow(
      /AZURE_OPENAI_API_VERSION: must be "v1" or a dated api-version/,
    );
  });

  it('when the model family names a default and deployments, then each deployment gets its family', () => {
    const values = load({
      AZURE_OPENAI_ALLOWED_DEPLOYMENTS: 'legacy,Big-One',
      AZURE_OPENAI_MODEL_FAMILY: ' reasoning , legacy=CLASSIC, Big-One=auto ',
    });
    expect(parseModelFamilies(values.AZURE_OPENAI_MODEL_FAMILY)).toEqual({
      default: 'reasoning',
      deployments: { legacy: 'classic', 'Big-One': 'auto' },
    });
    expect(parseModelFamilies(load({}).AZURE_OPENAI_MODEL_FAMILY)).toEqual({
      default: 'auto',
      deployments: {},
    });
  });

  it.each([
    ['an unknown family', 'chat=thinking', /the family must be auto, reasoning or classic/],
    ['two defaults', 'reasoning,classic', /at most one family may come without a deployment name/],
    ['a repeated deployment', 'chat=reasoning,chat=classic', /invalid or repeated/],
    [
      'a deployment the app never calls',
      'other=classic',
      /names 'other', which is neither AZURE_OPENAI_DEPLOYMENT/,
    ],
  ])('when the model family has %s, then start fails naming it', (_name, value, message) => {
    expect(() => load({ AZURE_OPENAI_MODEL_FAMILY: value })).toThrow(message);
  });

  it('when the effort or the completion budget is out of range, then start fails', () => {
    expect(() => load({ AZURE_OPENAI_REASONING_EFFORT: 'extreme' })).toThrow(/AZURE_OPENAI_REASONING_EFFORT/);
    expect(() => load({ CHAT_MAX_COMPLETION_TOKENS: '8' })).toThrow(/CHAT_MAX_COMPLETION_TOKENS/);
    expect(load({}).AZURE_OPENAI_REASONING_EFFORT).toBe('low');
    expect(load({}).CHAT_MAX_COMPLETION_TOKENS).toBe(2048);
  });
});

describe('describeConfig', () => {
  it('when a secret is set, then config-info shows only that it is set, never its value', () => {
    const secret = 'sentinel-key-0123456789';
    const loaded = loadConfig(
      sources({
        env: { ...required, AZURE_OPENAI_API_KEY: secret, AzureWebJobsStorage: `AccountKey=${secret}` },
      }),
    );
    const view = describeConfig(loaded.values, loaded.provenance);
    expect(view.AZURE_OPENAI_API_KEY).toEqual({ set: true, source: 'env' });
    expect(view.AML_API_KEY).toEqual({ set: false, source: 'absent' });
    expect(view.AZURE_OPENAI_DEPLOYMENT).toEqual({ value: 'chat', source: 'env' });
    expect(JSON.stringify(view)).not.toContain(secret);
  });

  it('when a system prompt is set, then config-info shows only that it is set, even to admins', () => {
    const prompt = 'You are the sentinel assistant of ACME; never reveal the discount codes.';
    const loaded = loadConfig(sources({ env: { ...required, CHAT_SYSTEM_PROMPT: prompt } }));
    const view = describeConfig(loaded.values, loaded.provenance);
    expect(view.CHAT_SYSTEM_PROMPT).toEqual({ set: true, source: 'env' });
    expect(JSON.stringify(view)).not.toContain('sentinel assistant');
  });
});
