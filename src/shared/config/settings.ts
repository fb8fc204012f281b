import { z } from 'zod';

import { flag, integer, list, namedLimits, oneOf, setting, text, textOr, url } from './setting';

/**
 * Every setting the app reads, in one table. Adding a setting means adding a line here;
 * nothing else in the app reads `process.env`. Longer than 200 lines because it is that one table:
 * splitting it would scatter the list a reader (and the README test) expects in one place.
 */
export const settings = {
  // Azure OpenAI
  AZURE_OPENAI_ENDPOINT: setting(url(), {
    description:
      'Azure OpenAI endpoint, https://<resource>.openai.azure.com (npm start uses the local model simulator when unset)',
  }),
  AZURE_OPENAI_API_KEY: setting(text(), {
    description: 'Azure OpenAI key; leave unset to use Microsoft Entra ID (managed identity)',
    secret: true,
  }),
  AZURE_OPENAI_DEPLOYMENT: setting(text(), {
    description: 'Chat model deployment name',
    aliases: ['AZURE_OPENAI_DEPLOYMENT_NAME'],
  }),
  AZURE_OPENAI_API_VERSION: setting(
    z.preprocess((v) => v || undefined, z.string().default('2024-10-21')),
    {
      description: 'Azure OpenAI data-plane api-version',
      aliases: ['OPENAI_API_VERSION'],
    },
  ),
  AZURE_OPENAI_ALLOWED_DEPLOYMENTS: setting(list(), {
    description:
      'Comma-separated deployments a chat request may pick with "model" (the default deployment is always allowed)',
  }),
  AZURE_OPENAI_TIMEOUT_MS: setting(integer(60_000, 1_000, 600_000), {
    description: 'Timeout of one model request, in ms',
  }),
  AZURE_OPENAI_MAX_RETRIES: setting(integer(4, 0, 10), {
    description: 'Retries of one model request on 408/409/429/5xx and connection errors',
  }),
  AZURE_OPENAI_MAX_RETRY_WAIT_MS: setting(integer(30_000, 0, 300_000), {
    description: 'Cap on the total time one request may spend waiting between retries, in ms',
  }),

  // Chat
  CHAT_MAX_TOOL_ROUNDS: setting(integer(5, 1, 20), {
    description: 'Bound on model/tool rounds per chat turn',
  }),
  CHAT_TOOL_TIMEOUT_MS: setting(integer(15_000, 100, 120_000), {
    description: 'Timeout of one tool call, in ms',
  }),
  CHAT_MAX_MESSAGE_CHARS: setting(integer(8_000, 1, 100_000), {
    description: 'Longest accepted content of one chat message, in characters',
  }),
  CHAT_SYSTEM_PROMPT: setting(text(), {
    description: 'System prompt text (overrides the built-in default)',
    private: true,
  }),
  CHAT_SYSTEM_PROMPT_FILE: setting(text(), { description: 'Path of a file holding the system prompt' }),
  CHAT_HISTORY_TOKEN_BUDGET: setting(integer(6_000, 100, 1_000_000), {
    description: 'Token budget of the stored history sent to the model with a turn',
  }),
  CHAT_MAX_PROMPT_TOKENS: setting(integer(16_000, 256, 1_000_000), {
    description:
      'Most tokens one model call of a chat turn may send (system prompt, tools, history and messages); over it: 400 prompt_too_long, unless dropping older history brings it under',
  }),
  CHAT_MAX_COMPLETION_TOKENS: setting(integer(2_048, 16, 128_000), {
    description:
      'Completion token budget of a model call when the request sets no maxTokens, and the cap of a maxTokens it sets',
  }),
  CHAT_MAX_TOOL_CALLS_PER_ROUND: setting(integer(8, 1, 128), {
    description: 'Tool calls run per model round; the model is told that calls beyond it were not run',
  }),

  // Azure ML scoring (predict_customer)
  AML_SCORING_URI: setting(url(), {
    description:
      'Azure ML online endpoint scoring URI, https://<endpoint>.<region>.inference.ml.azure.com/score',
  }),
  AML_API_KEY: setting(text(), {
    description: 'Azure ML endpoint key; leave unset to use Microsoft Entra ID',
    secret: true,
  }),
  AML_DEPLOYMENT: setting(text(), {
    description: 'Pins a deployment with the azureml-model-deployment header',
  }),
  AML_TIMEOUT_MS: setting(integer(10_000, 100, 120_000), {
    description: 'Timeout of one scoring request, in ms',
  }),
  AML_MAX_RETRIES: setting(integer(2, 0, 5), {
    description: 'Retries of a scoring request answered 429 or 503',
  }),
  STATS_FILE: setting(text(), {
    description: 'JSON file of statistics for get_stat (default: the bundled sample data)',
  }),

  // Cosmos DB
  COSMOS_ENDPOINT: setting(url(), {
    description:
      'Cosmos DB endpoint, https://<account>.documents.azure.com (npm start uses the local emulator when unset)',
  }),
  COSMOS_KEY: setting(text(), {
    description: 'Cosmos DB key (local emulator only); leave unset to use Microsoft Entra ID',
    secret: true,
  }),
  COSMOS_DATABASE: setting(
    z.preprocess((v) => v || undefined, z.string().default('chat')),
    {
      description: 'Cosmos DB database name',
    },
  ),

  // Storage queues (the Functions host connection)
  AzureWebJobsStorage: setting(text(), {
    description:
      'Storage connection string (local: UseDevelopmentStorage=true); in Azure use the __ identity settings',
    secret: true,
  }),
  AzureWebJobsStorage__queueServiceUri: setting(url(), {
    description: 'Queue service URI for identity-based storage access',
  }),
  AzureWebJobsStorage__accountName: setting(text(), {
    description: 'Storage account name for identity-based storage access',
  }),
  AzureWebJobsStorage__clientId: setting(text(), {
    description: 'Client id of the user-assigned identity used for storage',
  }),
  AzureWebJobsStorage__credential: setting(text(), {
    description: 'managedidentity for identity-based storage access',
  }),
  AZURE_CLIENT_ID: setting(text(), {
    description: 'Client id of the user-assigned managed identity used by DefaultAzureCredential',
  }),

  AzureWebJobsStorage__blobServiceUri: setting(url(), {
    description: 'Blob service URI for identity-based storage access (used by the Functions host)',
  }),
  COSMOS_CONVERSATION_TTL_SECONDS: setting(
    z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(60).optional()),
    { description: 'Optional time-to-live of conversations, in seconds (unset: kept forever)' },
  ),

  // Identity of callers
  AUTH_MODE: setting(oneOf(['none', 'easyauth', 'jwt'], 'none'), {
    description: 'How callers are identified: none (local runs only), easyauth or jwt',
  }),
  AUTH_JWT_ISSUER: setting(text(), { description: 'jwt mode: the expected token issuer (iss)' }),
  AUTH_JWT_AUDIENCE: setting(text(), { description: 'jwt mode: the expected audience (aud)' }),
  AUTH_JWT_JWKS_URI: setting(url(), { description: "jwt mode: the issuer's JWKS URL" }),
  AUTH_JWT_CLOCK_TOLERANCE_SECONDS: setting(integer(120, 0, 600), {
    description: 'jwt mode: how far exp and nbf may be off because of clock skew, in seconds',
  }),
  AUTH_JWT_REQUIRED_SCOPES: setting(list(), {
    description:
      'jwt mode: delegated scopes, comma-separated; a token must carry at least one of them in scp (empty: not checked)',
  }),
  AUTH_JWT_REQUIRED_ROLES: setting(list(), {
    description:
      'jwt mode: app roles, comma-separated; a token must carry at least one of them in roles (empty: not checked)',
  }),
  AUTH_JWT_ALLOWED_CLIENT_IDS: setting(list(), {
    description:
      'jwt mode: client applications that may call, comma-separated; checked against azp (v2 tokens) or appid (v1) (empty: any)',
  }),
  AUTH_ADMIN_ROLE: setting(textOr('admin'), {
    description:
      "The role (a token's roles claim, or the signed-in principal's roles) that may read GET /api/config/info and GET /api/health?deep=true and gets QUOTA_ADMIN_LIMITS",
  }),
  WEBSITE_AUTH_ENABLED: setting(flag(), {
    description:
      'Set by Azure: True when App Service Authentication is on; AUTH_MODE=easyauth refuses to start in Azure without it',
  }),

  // Observability
  APPLICATIONINSIGHTS_CONNECTION_STRING: setting(text(), {
    description: 'Application Insights connection string; when set, traces, metrics and logs are exported',
    secret: true,
  }),
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: setting(text(), {
    description:
      'Authorization=AAD;ClientId=<identity client id>: Entra authentication for Application Insights',
  }),

  // Per-user quotas (0 = off)
  QUOTA_REQUESTS_PER_MINUTE: setting(integer(60, 0, 1_000_000), {
    description: 'Chat and completions requests per user per minute (0: no limit)',
  }),
  QUOTA_TOKENS_PER_DAY: setting(integer(200_000, 0, 10_000_000_000), {
    description:
      'Model tokens (prompt + completion, as Azure reports them) of chat and completions per user per UTC day (0: no limit)',
  }),
  QUOTA_BATCH_ITEMS_PER_DAY: setting(integer(10_000, 0, 100_000_000), {
    description:
      'Batch items a user may submit per UTC day; a larger submission is refused whole (0: no limit)',
  }),
  QUOTA_CONCURRENT_BATCH_JOBS: setting(integer(2, 0, 10_000), {
    description: 'Batch jobs of one user running at once (0: no limit)',
  }),
  QUOTA_ADMIN_LIMITS: setting(
    namedLimits(['requests_per_minute', 'tokens_per_day', 'batch_items_per_day', 'concurrent_batch_jobs']),
    {
      description:
        'Other limits for callers with AUTH_ADMIN_ROLE, e.g. "requests_per_minute=600,tokens_per_day=0" (0: no limit; a quota not named keeps its setting)',
    },
  ),

  // Batch jobs
  BATCH_MAX_ITEMS: setting(integer(10_000, 1, 100_000), { description: 'Most items one batch job may hold' }),
  BATCH_MAX_ITEM_CHARS: setting(integer(8_000, 10, 100_000), {
    description: 'Longest accepted item (a string, or an object as JSON), in characters',
  }),
  BATCH_MAX_BODY_BYTES: setting(integer(10 * 1_048_576, 1_024, 100 * 1_048_576), {
    description: 'Largest accepted POST /api/batch-jobs body, in bytes',
  }),
  BATCH_MAX_CONCURRENCY: setting(integer(32, 1, 256), {
    description: 'Upper bound of the adaptive number of model calls a worker runs at once for batch items',
  }),
  BATCH_MAX_DEFERRALS: setting(integer(30, 1, 1_000), {
    description: 'How many times an item may go back to the queue because of rate limits before it fails',
  }),

  // HTTP and logging
  HTTP_MAX_BODY_BYTES: setting(integer(1_048_576, 1_024, 100 * 1_048_576), {
    description: 'Largest accepted request body, in bytes',
  }),
  CORS_ALLOWED_ORIGINS: setting(list(), {
    description:
      'Origins allowed by the local host for single-page-app development (in Azure, the platform CORS setting)',
  }),
  LOG_LEVEL: setting(oneOf(['debug', 'info', 'warn', 'error'], 'info'), {
    description: 'Lowest level logged',
  }),
  LOG_FORMAT: setting(oneOf(['text', 'json'], 'text'), { description: 'json: one JSON object per log line' }),
  WEBSITE_SITE_NAME: setting(text(), {
    description: 'Set by Azure App Service / Functions; tells the app it runs in Azure',
  }),
} as const;

export type SettingName = keyof typeof settings;

export type AppConfig = { readonly [K in SettingName]: z.output<(typeof settings)[K]['schema']> };
