import { parseModelFamilies } from '../../src/shared/config/model-settings';
import { AppError } from '../../src/shared/errors';
import { createAzureOpenAIChatModel } from '../../src/shared/model/azure-openai-chat-model';
import { CapabilityStore } from '../../src/shared/model/model-capabilities';
import { describeEndpointStyle, endpointStyle, lazyOpenAIClient } from '../../src/shared/model/openai-client';
import {
  type CheckContext,
  type CheckResult,
  DeadlineError,
  fail,
  failureFacts,
  pass,
  warn,
  withDeadline,
} from './check';
import { lifecycleOf, readModelTable, RETIREMENT_WARNING_DAYS } from './model-lifecycle';
import { checkInTwoSteps, credentialName } from './service-steps';

const ENDPOINT = 'Azure OpenAI endpoint';
const DEPLOYMENT = 'Azure OpenAI deployment';
const COGNITIVE_SERVICES_SCOPE = 'https://cognitiveservices.azure.com/.default';

const ENDPOINT_SHAPE =
  'AZURE_OPENAI_ENDPOINT must be the resource endpoint, https://<resource>.openai.azure.com, with no path';
const ROLE =
  "grant your identity (az login) or the app's managed identity the 'Cognitive Services OpenAI User' role on the Azure OpenAI resource";

// The codes `toModelAppError` gives, and what to do about each.
const HINTS: Readonly<Record<string, string>> = {
  model_auth_failed:
    'AZURE_OPENAI_API_KEY is not a key of this resource: copy KEY 1 from the portal (Keys and Endpoint), or unset it to use Microsoft Entra ID',
  model_forbidden: ROLE,
  model_deployment_not_found:
    'AZURE_OPENAI_DEPLOYMENT must be the name of a deployment on this resource (the deployment name, not the model name); check AZURE_OPENAI_ENDPOINT too',
  model_unreachable: `nothing answered at AZURE_OPENAI_ENDPOINT; ${ENDPOINT_SHAPE}`,
  model_timeout: `AZURE_OPENAI_ENDPOINT did not answer in time; ${ENDPOINT_SHAPE}, reachable from this network`,
  model_api_version_unsupported:
    'unset AZURE_OPENAI_API_VERSION to use the v1 API (recommended), or set 2025-04-01-preview or later',
  model_credential_unavailable:
    'set AZURE_OPENAI_API_KEY, or sign in with az login (a managed identity in Azure) and have the role granted',
};

/**
 * Azure OpenAI: the endpoint answers and accepts the credential (listing models costs no tokens), then
 * the deployment answers a one-token completion (`max_completion_tokens: 1`, which a reasoning model
 * answers with finish_reason length), and the model it reports is looked up in infra/models.json.
 *
 * @example
 * const results = await checkModel(context);
 */
export async function checkModel({ config, timeoutMs, getToken }: CheckContext): Promise<CheckResult[]> {
  const endpoint = config.AZURE_OPENAI_ENDPOINT;
  if (endpoint === undefined) {
    return [warn(ENDPOINT, 'skipped: AZURE_OPENAI_ENDPOINT is not set (see settings)')];
  }
  const deployment = config.AZURE_OPENAI_DEPLOYMENT;
  const apiKey = config.AZURE_OPENAI_API_KEY;
  const apiVersion = config.AZURE_OPENAI_API_VERSION ?? 'v1';
  const model = createAzureOpenAIChatModel({
    deployment: deployment ?? '',
    client: lazyOpenAIClient({
      endpoint,
      apiVersion,
      timeoutMs,
      ...(apiKey === undefined ? { tokenProvider: () => getToken(COGNITIVE_SERVICES_SCOPE) } : { apiKey }),
    }),
    capabilities: new CapabilityStore(parseModelFamilies(config.AZURE_OPENAI_MODEL_FAMILY ?? 'auto')),
    // One attempt: a preflight reports what it sees instead of waiting out a rate limit.
    retry: { maxRetries: 0, maxTotalWaitMs: 0, baseDelayMs: 0, maxDelayMs: 0 },
  });
  const auth = credentialName('AZURE_OPENAI_API_KEY', apiKey);
  const style = describeEndpointStyle(endpointStyle(endpoint, apiVersion));

  return checkInTwoSteps(
    {
      run: () => withDeadline(timeoutMs, (signal) => model.ping(signal)),
      passed: () => pass(ENDPOINT, `${endpoint} answered on ${style} and accepted the credential (${auth})`),
      failed: (error) => endpointFailure(`${endpoint} (${auth})`, error),
    },
    {
      name: DEPLOYMENT,
      skipped: 'skipped until the endpoint check passes',
      run: async () => {
        if (deployment === undefined) {
          return warn(DEPLOYMENT, 'skipped: AZURE_OPENAI_DEPLOYMENT is not set (see settings)');
        }
        try {
          const result = await withDeadline(timeoutMs, (signal) =>
            model.complete({ messages: [{ role: 'user', content: 'Say OK.' }], maxTokens: 1 }, signal),
          );
          return deploymentAnswered(deployment, result.model);
        } catch (error) {
          return deploymentFailure(deployment, error);
        }
      },
    },
  );
}

function endpointFailure(where: string, error: unknown): CheckResult {
  const code = codeOf(error);
  // Listing models names no deployment, so a 404 here means the endpoint or api-version is wrong.
  if (code === 'model_deployment_not_found') {
    return fail(
      ENDPOINT,
      `${where}: answered 404 Resource not found to the model list`,
      `${ENDPOINT_SHAPE}; AZURE_OPENAI_API_VERSION must be a supported api-version`,
    );
  }
  return fail(
    ENDPOINT,
    `${where}: ${describe(error)}`,
    HINTS[code] ?? `${ENDPOINT_SHAPE}; check the credential`,
  );
}

/** The deployment works; what its model is, and whether that version retires soon. */
function deploymentAnswered(deployment: string, reported: string | undefined): CheckResult {
  const answered = `'${deployment}' answered a 1-token chat completion`;
  if (reported === undefined) return warn(DEPLOYMENT, `${answered}, but named no model`);
  const lifecycle = lifecycleOf(reported, readModelTable());
  if (!lifecycle.known) {
    const version = lifecycle.version === undefined ? 'no version' : `version ${lifecycle.version}`;
    return warn(
      DEPLOYMENT,
      `${answered}: model ${lifecycle.name}, ${version}, which infra/models.json does not list`,
      'check its retirement date on Microsoft Learn (Model retirement schedule) and add it to infra/models.json',
    );
  }
  const { entry, daysLeft } = lifecycle;
  const dates = `${entry.lifecycle}; no new customers from ${entry.noNewCustomers}, retires ${entry.retirement}`;
  const detail = `${answered}: model ${entry.model}, version ${entry.version} (${dates})`;
  if (!lifecycle.retiringSoon) return pass(DEPLOYMENT, detail);
  const when = daysLeft < 0 ? `retired ${-daysLeft} day(s) ago` : `retires in ${daysLeft} day(s)`;
  return warn(
    DEPLOYMENT,
    `${detail}: it ${when}`,
    `deploy a newer model version before then (within ${RETIREMENT_WARNING_DAYS} days of retirement Azure upgrades or stops the deployment); see infra/README.md`,
  );
}

function deploymentFailure(deployment: string, error: unknown): CheckResult {
  const code = codeOf(error);
  const detail = `'${deployment}': ${describe(error)}`;
  if (code === 'model_busy' || code === 'rate_limited' || code === 'model_unavailable') {
    return warn(
      DEPLOYMENT,
      `${detail} (it exists, but is busy)`,
      'raise the deployment quota (tokens per minute) if this persists',
    );
  }
  if (code === 'content_filter') return warn(DEPLOYMENT, `${detail} (it exists)`);
  // A 400 comes from the deployment itself: it exists, but refused something the check sent.
  if (code === 'model_error' && /answered 400\b/.test(describe(error))) {
    return warn(
      DEPLOYMENT,
      `${detail}; it exists but refused the 1-token test request`,
      'check that AZURE_OPENAI_DEPLOYMENT is a chat model deployment',
    );
  }
  return fail(
    DEPLOYMENT,
    detail,
    HINTS[code] ?? 'check AZURE_OPENAI_DEPLOYMENT and the deployment state in the portal',
  );
}

function codeOf(error: unknown): string {
  if (error instanceof AppError) return error.code;
  if (error instanceof DeadlineError) return 'model_timeout';
  return 'unknown';
}

function describe(error: unknown): string {
  return error instanceof AppError ? error.message : failureFacts(error).message;
}
