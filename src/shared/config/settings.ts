// Longer than 200 lines because it is the one table of every setting (see `settings` below).
import * as z from 'zod/mini';

import { apiVersion, modelFamilies } from './model-settings';
import { connectionString } from './monitor-settings';
import { ncrontab } from './ncrontab';
import {
  flag,
  integer,
  list,
  namedLimits,
  oneOf,
  optionalFlag,
  preprocess,
  setting,
  text,
  textOr,
  url,
} from './setting';

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
  AZURE_OPENAI_API_VERSION: setting(apiVersion(), {
    description:
      'v1 (default): the v1 API at <endpoint>/openai/v1/ with the deployment as "model"; a dated api-version (2025-04-01-preview or later for reasoning models) selects the classic /openai/deployments/<name>/ path',
    aliases: ['OPENAI_API_VERSION'],
  }),
  AZURE_OPENAI_MODEL_FAMILY: setting(modelFamilies(), {
    description:
      'What the deployments are: auto (learned from the model Azure reports and from its 400s), reasoning or classic; per deployment as "<deployment>=<family>", comma-separated, e.g. "reasoning,legacy=classic"',
  }),
  AZURE_OPENAI_REASONING_EFFORT: setting(oneOf(['minimal', 'low', 'medium', 'high'], 'low'), {
    description: 'reasoning_effort sent to reasoning deployments when a request names none',
  }),
  AZURE_OPENAI_ALLOWED_DEPLOYMENTS: setting(list(), {
    description:
      'Comma-separated deployments a chat request may pick with "model" (the default deployment is always allowed)',
  }),
  AZURE_OPENAI_TIMEOUT_MS: setting(integer(60_000, 1_000, 600_000), {
    description: 'Timeout of one model request, in ms',
  }),
  AZURE_OPENAI_MAX_RETRIES: setting(integer(2, 0, 10), {
    description:
      'Retries of one interactive model request (chat, completions) on 408/409/429/5xx and connection errors; batch items never retry in place',
  }),
  AZURE_OPENAI_MAX_RETRY_WAIT_MS: setting(integer(3_000, 0, 300_000), {
    description:
      'Cap on the total time one interactive request may spend waiting between retries, in ms: a user sees an outage within seconds, with Retry-After',
  }),
  AZURE_OPENAI_CIRCUIT_FAILURES: setting(integer(5, 1, 1_000), {
    description:
      'Consecutive connection failures, timeouts or 5xx from a deployment that open its circuit: calls are then answered 503 with Retry-After at once',
  }),
  AZURE_OPENAI_CIRCUIT_COOLDOWN_SECONDS: setting(integer(30, 1, 3_600), {
    description: 'How long an open circuit answers at once before it lets one probe call through',
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
      'max_completion_tokens of a model call when the request sets no maxTokens, and the cap of a maxTokens it sets; it includes reasoning tokens, so leave room for the answer',
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
    preprocess((v) => v || undefined, z._default(z.string(), 'chat')),
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
    preprocess((v) => (v === '' ? undefined : v), z.optional(z.coerce.number().check(z.int(), z.gte(60)))),
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
  WEBSITE_AUTH_ENABLED: setting(optionalFlag(), {
    description:
      'Set by Azure: True when App Service Authentication is on; AUTH_MODE=easyauth refuses to start in Azure without it',
  }),

  // Observability
  APPLICATIONINSIGHTS_CONNECTION_STRING: setting(connectionString(), {
    description:
      'Application Insights connection string (InstrumentationKey=<GUID>;IngestionEndpoint=...); when set, traces, metrics and logs are exported',
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
  QUOTA_CONNECTOR_RUNS_PER_DAY: setting(integer(100, 0, 1_000_000), {
    description: 'Connector runs one user may start per UTC day (0: no limit)',
  }),
  QUOTA_ADMIN_LIMITS: setting(
    namedLimits([
      'requests_per_minute',
      'tokens_per_day',
      'batch_items_per_day',
      'concurrent_batch_jobs',
      'connector_runs_per_day',
    ]),
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

  // Queue work through outages (src/shared/hosting/queue-function.ts)
  QUEUE_RETRY_BASE_SECONDS: setting(integer(10, 1, 3_600), {
    description:
      'First delay before queue work that failed because a dependency was down is tried again; it doubles with each try',
  }),
  QUEUE_RETRY_MAX_SECONDS: setting(integer(300, 1, 86_400), {
    description:
      'Cap on that delay: work waits for a dependency this long between tries at most, for as long as it is down',
  }),

  QUEUE_RETRY_MAX_WAIT_SECONDS: setting(integer(86_400, 1_800, 604_800), {
    description:
      "How long in all queue work waits for a dependency (at least 30 minutes); after it, failures take the host's retries and then the poison queue",
  }),

  // Recovery (the recovery timer function: src/functions/recovery-timer.ts)
  RECOVERY_SCHEDULE: setting(ncrontab('0 */5 * * * *'), {
    description:
      'NCRONTAB schedule of the recovery function, which re-drives poison queues whose cause has passed and batch jobs that are stuck',
  }),
  POISON_REDRIVE_AFTER_SECONDS: setting(integer(900, 1, 604_800), {
    description: 'How long a message stays in a poison queue before the recovery function tries it again',
  }),
  POISON_MAX_REDRIVES: setting(integer(3, 0, 100), {
    description: 'How often one message is taken out of a poison queue and tried again (0: never)',
  }),
  BATCH_STUCK_AFTER_SECONDS: setting(integer(900, 1, 604_800), {
    description:
      'A batch job whose count of finished items has not moved for this long has its unfinished items queued again',
  }),
  BATCH_FAN_OUT_LEASE_SECONDS: setting(integer(60, 1, 3_600), {
    description:
      "How long a submission holds the right to queue a job's items; a submission that died is resumed after it, not repeated",
  }),

  // Connector runner (POST /api/connectors/execute): code runs in Azure Container Apps dynamic sessions
  CONNECTORS_ENABLED: setting(flag(false), {
    description: 'Turns on POST /api/connectors/execute (off: the route answers 404 connectors_disabled)',
  }),
  CONNECTORS_ALLOWED_ROLE: setting(
    preprocess(
      (v) => v || undefined,
      z._default(z.string().check(z.trim(), z.minLength(1), z.maxLength(256)), 'Connectors.Run'),
    ),
    {
      description: 'App role a caller needs to run connectors (JWT roles claim or the Easy Auth role claims)',
    },
  ),
  CONNECTORS_SESSIONS_PYTHON_ENDPOINT: setting(url(), {
    description:
      'Pool management endpoint of the Python (PythonLTS) session pool with egress disabled: runs network_mode none',
  }),
  CONNECTORS_SESSIONS_PYTHON_EGRESS_ENDPOINT: setting(url(), {
    description:
      'Pool management endpoint of a Python session pool with egress enabled: runs network_mode bridge (unset: bridge is refused)',
  }),
  CONNECTORS_SESSIONS_JAVASCRIPT_ENDPOINT: setting(url(), {
    description:
      'Pool management endpoint of the Node.js (NodeLTS) session pool with egress disabled: runs network_mode none',
  }),
  CONNECTORS_SESSIONS_JAVASCRIPT_EGRESS_ENDPOINT: setting(url(), {
    description:
      'Pool management endpoint of a Node.js session pool with egress enabled: runs network_mode bridge (unset: bridge is refused)',
  }),
  CONNECTORS_SESSIONS_API_VERSION: setting(
    preprocess((v) => v || undefined, z._default(z.string(), '2025-10-02-preview')),
    { description: 'Dynamic sessions data-plane api-version' },
  ),
  CONNECTORS_SESSIONS_TOKEN: setting(text(), {
    description:
      'Fixed bearer token for the local sandbox simulator only; unset in Azure, where the managed identity signs in',
    secret: true,
  }),
  CONNECTORS_MAX_TIMEOUT_MS: setting(integer(60_000, 1_000, 180_000), {
    description: "Cap on a connector's runtime.timeoutMs (its default is the smaller of 30 s and this cap)",
  }),
  CONNECTORS_INSTALL_TIMEOUT_MS: setting(integer(90_000, 5_000, 180_000), {
    description: 'Time allowed for installing the dependencies of one run, in ms',
  }),
  CONNECTORS_MAX_MEMORY_MB: setting(integer(512, 32, 4_096), {
    description: "Cap on a connector's runtime.memoryMb (its default is the smaller of 256 and this cap)",
  }),
  CONNECTORS_MAX_OUTPUT_BYTES: setting(integer(65_536, 1_024, 1_048_576), {
    description: 'Most bytes kept of stdout and of stderr each; a connector that writes more is stopped',
  }),
  CONNECTORS_MAX_BODY_BYTES: setting(integer(2 * 1_048_576, 1_024, 16 * 1_048_576), {
    description: 'Largest accepted POST /api/connectors/execute body, in bytes',
  }),
  CONNECTORS_MAX_FILES: setting(integer(50, 1, 500), { description: 'Most files one connector may hold' }),
  CONNECTORS_MAX_FILE_BYTES: setting(integer(262_144, 64, 4 * 1_048_576), {
    description: 'Largest accepted connector file, in bytes (UTF-8)',
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
