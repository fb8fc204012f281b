// Longer than 200 lines because the rules that span settings (required ones, auth modes, the recovery
// schedule against the stuck time) are checked where every setting has been parsed, in one pass.
import { accessSync, constants } from 'node:fs';

import type * as z from 'zod/mini';

import { ConfigError } from '../errors';
import { parseModelFamilies } from './model-settings';
import { scheduleGapMs } from './ncrontab';
import type { Setting, SettingSource } from './setting';
import type { AppConfig, SettingName } from './settings';
import { settings } from './settings';
import type { RawSources } from './sources';
import { readSources } from './sources';

export type SettingsTable = Readonly<Record<string, Setting>>;
export type ValuesOf<T extends SettingsTable> = { readonly [K in keyof T]: z.output<T[K]['schema']> };

/** Where each setting's value came from, and under which name. */
export type ProvenanceOf<T extends SettingsTable> = Readonly<
  Record<keyof T, { source: SettingSource; name: string }>
>;
export type Provenance = ProvenanceOf<typeof settings>;

export interface LoadedConfig {
  readonly values: AppConfig;
  readonly provenance: Provenance;
}

/** Returns the raw string for a setting and where it was found: env, then local.settings.json, then .env. */
function lookup(
  name: string,
  meta: Setting,
  sources: RawSources,
): { raw?: string; source: SettingSource; name: string } {
  const names = [name, ...(meta.aliases ?? [])];
  for (const [source, values] of [
    ['env', sources.env],
    ['file', sources.file],
    ['file', sources.dotenv],
  ] as const) {
    for (const candidate of names) {
      const raw = values[candidate];
      if (raw !== undefined && raw.trim() !== '') return { raw, source, name: candidate };
    }
  }
  return { source: 'absent', name };
}

/** Parses a table of settings; returns the values, where each came from, and every problem found. */
export function parseSettings<T extends SettingsTable>(
  table: T,
  sources: RawSources,
): { values: ValuesOf<T>; provenance: ProvenanceOf<T>; problems: string[] } {
  const values: Record<string, unknown> = {};
  const provenance: Record<string, { source: SettingSource; name: string }> = {};
  const problems: string[] = [];
  for (const [name, meta] of Object.entries(table)) {
    const found = lookup(name, meta, sources);
    const result = meta.schema.safeParse(found.raw);
    if (!result.success) {
      const reason = result.error.issues.map((issue) => issue.message).join('; ');
      problems.push(`${found.name}: ${reason} (${meta.description})`);
      continue;
    }
    values[name] = result.data;
    const source = found.source === 'absent' && result.data !== undefined ? 'default' : found.source;
    provenance[name] = { source, name: found.name };
  }
  // Built above from exactly the table's keys, each value parsed by that key's schema.
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions
  return { values: values as ValuesOf<T>, provenance: provenance as ProvenanceOf<T>, problems };
}

/**
 * Parses every app setting once. Throws one {@link ConfigError} listing each bad or missing setting.
 *
 * @example
 * const { values } = loadConfig();
 * values.AZURE_OPENAI_API_VERSION; // 'v1' unless set
 */
export function loadConfig(sources: RawSources = readSources()): LoadedConfig {
  const { values, provenance, problems } = parseSettings(settings, sources);
  if (problems.length === 0) problems.push(...crossChecks(values, provenance));
  if (problems.length > 0) throw new ConfigError(problems);
  return { values, provenance };
}

/** Every setting at its default (unset ones undefined): what the OpenAPI document shows as limits. */
export function defaultConfig(): AppConfig {
  return parseSettings(settings, { env: {}, file: {}, dotenv: {} }).values;
}

/** Rules that span settings, and what is required. */
function crossChecks(config: AppConfig, provenance: Provenance): string[] {
  const problems: string[] = [];
  const require = (name: SettingName) => {
    if (config[name] === undefined) problems.push(`${name}: is required (${settings[name].description})`);
  };
  require('AZURE_OPENAI_ENDPOINT');
  require('AZURE_OPENAI_DEPLOYMENT');
  require('COSMOS_ENDPOINT');
  if (
    config.AzureWebJobsStorage === undefined &&
    config.AzureWebJobsStorage__queueServiceUri === undefined &&
    config.AzureWebJobsStorage__accountName === undefined
  ) {
    problems.push(
      'AzureWebJobsStorage: is required (a connection string, or AzureWebJobsStorage__queueServiceUri / __accountName for identity-based access)',
    );
  }
  const deployments = [config.AZURE_OPENAI_DEPLOYMENT, ...config.AZURE_OPENAI_ALLOWED_DEPLOYMENTS];
  for (const name of Object.keys(parseModelFamilies(config.AZURE_OPENAI_MODEL_FAMILY).deployments)) {
    if (!deployments.includes(name)) {
      problems.push(
        `AZURE_OPENAI_MODEL_FAMILY: names '${name}', which is neither AZURE_OPENAI_DEPLOYMENT nor in AZURE_OPENAI_ALLOWED_DEPLOYMENTS`,
      );
    }
  }
  if (config.AUTH_MODE === 'jwt') {
    for (const name of ['AUTH_JWT_ISSUER', 'AUTH_JWT_AUDIENCE', 'AUTH_JWT_JWKS_URI'] as const) {
      if (config[name] === undefined)
        problems.push(`${name}: is required when AUTH_MODE is jwt (${settings[name].description})`);
    }
  }
  // Read when the chat service is built, on the first invocation: checked now, so that the start fails.
  const promptFile = config.CHAT_SYSTEM_PROMPT === undefined ? config.CHAT_SYSTEM_PROMPT_FILE : undefined;
  if (promptFile !== undefined && !readable(promptFile)) {
    problems.push(`CHAT_SYSTEM_PROMPT_FILE: cannot read ${promptFile}`);
  }
  if (config.AUTH_MODE === 'none' && config.WEBSITE_SITE_NAME !== undefined) {
    problems.push('AUTH_MODE: "none" is for local runs only; set easyauth or jwt in Azure');
  }
  // easyauth believes the x-ms-client-principal headers; only the platform's authentication may set them.
  if (
    config.AUTH_MODE === 'easyauth' &&
    config.WEBSITE_SITE_NAME !== undefined &&
    config.WEBSITE_AUTH_ENABLED !== true
  ) {
    problems.push(
      'AUTH_MODE: easyauth trusts the x-ms-client-principal headers, which only App Service Authentication may set, ' +
        'and it is not on for this app (WEBSITE_AUTH_ENABLED is not True). Turn it on (authsettingsV2 with ' +
        'platform.enabled, as infra/modules/function-app.bicep does) or use AUTH_MODE=jwt',
    );
  }
  // The defaults keep the recovery rule (a test says so): checked when one of its settings is set, which
  // spares a cold start at defaults the schedule's 200 occurrences.
  const recoverySet = RECOVERY_SETTINGS.some((name) => provenance[name].source !== 'default');
  problems.push(...connectorChecks(config), ...(recoverySet ? recoveryChecks(config) : []));
  return problems;
}

/**
 * The stuck-job sweep restarts a job's clock when a run finds it unseen: with runs further apart than
 * half of BATCH_STUCK_AFTER_SECONDS, every run restarts it and nothing is ever re-driven. Work waiting
 * for a dependency comes back after QUEUE_RETRY_MAX_SECONDS at most, and is not stuck before that.
 */
const RECOVERY_SETTINGS = [
  'RECOVERY_SCHEDULE',
  'BATCH_STUCK_AFTER_SECONDS',
  'QUEUE_RETRY_MAX_SECONDS',
] as const;

/** The recovery rule's problems, whatever the settings' sources (what loadConfig checks when one is set). */
export function recoveryChecks(config: AppConfig): string[] {
  const stuckAfter = config.BATCH_STUCK_AFTER_SECONDS;
  const gapSeconds = scheduleGapMs(config.RECOVERY_SCHEDULE) / 1000;
  const problems: string[] = [];
  if (stuckAfter <= 2 * gapSeconds)
    problems.push(
      `BATCH_STUCK_AFTER_SECONDS: ${stuckAfter} must be longer than twice the longest interval of RECOVERY_SCHEDULE "${config.RECOVERY_SCHEDULE}" (2 × ${gapSeconds} = ${2 * gapSeconds} s), or stuck jobs are never re-driven`,
    );
  if (stuckAfter <= config.QUEUE_RETRY_MAX_SECONDS)
    problems.push(
      `BATCH_STUCK_AFTER_SECONDS: ${stuckAfter} must be longer than QUEUE_RETRY_MAX_SECONDS (${config.QUEUE_RETRY_MAX_SECONDS}), or work still waiting for a dependency is taken for stuck and queued twice`,
    );
  return problems;
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Dynamic sessions run one execution for at most 220 s; install and run share that budget. */
const SESSION_EXECUTION_LIMIT_MS = 210_000;

function connectorChecks(config: AppConfig): string[] {
  const problems: string[] = [];
  if (config.CONNECTORS_SESSIONS_TOKEN !== undefined && config.WEBSITE_SITE_NAME !== undefined) {
    problems.push(
      'CONNECTORS_SESSIONS_TOKEN: is for the local sandbox simulator only; in Azure the managed identity signs in',
    );
  }
  if (config.CONNECTORS_MAX_TIMEOUT_MS + config.CONNECTORS_INSTALL_TIMEOUT_MS > SESSION_EXECUTION_LIMIT_MS) {
    problems.push(
      `CONNECTORS_MAX_TIMEOUT_MS + CONNECTORS_INSTALL_TIMEOUT_MS: must be at most ${SESSION_EXECUTION_LIMIT_MS} ms (a dynamic session runs one execution for at most 220 s)`,
    );
  }
  const pools = [
    config.CONNECTORS_SESSIONS_PYTHON_ENDPOINT,
    config.CONNECTORS_SESSIONS_PYTHON_EGRESS_ENDPOINT,
    config.CONNECTORS_SESSIONS_JAVASCRIPT_ENDPOINT,
    config.CONNECTORS_SESSIONS_JAVASCRIPT_EGRESS_ENDPOINT,
  ];
  if (config.CONNECTORS_ENABLED && pools.every((endpoint) => endpoint === undefined)) {
    problems.push(
      'CONNECTORS_ENABLED: is on but no session pool is configured (set CONNECTORS_SESSIONS_PYTHON_ENDPOINT and/or CONNECTORS_SESSIONS_JAVASCRIPT_ENDPOINT)',
    );
  }
  return problems;
}
