// Turns what went wrong into a sentence a user can act on. The two most costly misconfigurations (an
// Azure OpenAI URL in AML_SCORING_URI, a flat JSON body answered with 424) are named here explicitly.

const CONSUME_TAB =
  "the endpoint's REST URL from the Consume tab, https://<endpoint>.<region>.inference.ml.azure.com/score";
const ERROR_TEXT_LIMIT = 2_000;
const MASK = '[redacted]';

// A 424 whose container message talks about the request body means "wrong payload shape".
const INPUT_PROBLEM = /input|parameter|column|schema|shape|\bdata\b|json/i;

/**
 * What is wrong with a scoring URI, if anything can be told from the URI alone (also used by the
 * preflight check).
 *
 * @example
 * scoringUriHint('https://my-aoai.openai.azure.com'); // "this is an Azure OpenAI URL; AML_SCORING_URI must be ..."
 * scoringUriHint('https://churn.westeurope.inference.ml.azure.com/score'); // undefined
 */
export function scoringUriHint(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `AML_SCORING_URI is not a URL; it must be ${CONSUME_TAB}`;
  }
  const host = url.hostname.toLowerCase();
  if (host.endsWith('.openai.azure.com') || host.endsWith('.cognitiveservices.azure.com')) {
    return `this is an Azure OpenAI URL; AML_SCORING_URI must be ${CONSUME_TAB}`;
  }
  if (!url.pathname.endsWith('/score'))
    return `AML_SCORING_URI does not end in /score; it must be ${CONSUME_TAB}`;
  return undefined;
}

/** What an HTTP failure of the scoring endpoint most likely means. */
export function statusHint(status: number, headers: Headers): string | undefined {
  switch (status) {
    case 401:
    case 403:
      return "check AML_API_KEY, or the identity's role on the endpoint (AzureML Data Scientist or a custom role with the score action)";
    case 404:
      return 'no deployment with traffic; check AML_DEPLOYMENT, or give a deployment traffic on the endpoint';
    case 408:
      return "the model took longer than the deployment's request timeout";
    case 424: {
      const reason = headers.get('ms-azureml-model-error-reason') ?? 'unknown';
      const containerStatus = headers.get('ms-azureml-model-error-statuscode') ?? 'unknown';
      return `the model container failed (reason: ${reason}, container status: ${containerStatus}); see errorText and the deployment logs`;
    }
    case 429:
      return 'the deployment has too many pending requests; it needs more instances or fewer callers';
    case 502:
    case 503:
    case 504:
      return 'the deployment is unavailable, starting or scaling; try again shortly';
    default:
      return undefined;
  }
}

/** The endpoint refused the request body's form, so another payload shape may work. */
export function isShapeRejection(status: number, headers: Headers, body: string): boolean {
  if (status === 400) return true;
  if (status !== 424) return false;
  return INPUT_PROBLEM.test(`${headers.get('ms-azureml-model-error-reason') ?? ''} ${body}`);
}

/** The request id of a reply, for a support ticket. */
export function requestIdOf(headers: Headers): string | undefined {
  return headers.get('x-request-id') ?? headers.get('x-ms-request-id') ?? undefined;
}

/** Cuts a reply or message for diagnostics and removes any credential it echoes. */
export function toSafeText(text: string, secrets: readonly string[]): string {
  let safe = text;
  for (const secret of secrets) if (secret.length >= 4) safe = safe.split(secret).join(MASK);
  // A reply or an identity error may quote a token the client never saw: mask bearer values and JWTs.
  safe = safe.replace(/(Bearer\s+)\S{8,}/gi, `$1${MASK}`).replace(/\beyJ[\w-]*\.[\w-]+\.[\w-]*/g, MASK);
  return safe.length > ERROR_TEXT_LIMIT ? `${safe.slice(0, ERROR_TEXT_LIMIT)}...` : safe;
}
