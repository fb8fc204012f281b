import * as z from 'zod/mini';

import { text } from './setting';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEY_VAULT_REFERENCE = /^@Microsoft\.KeyVault\(/i;

/**
 * Why a value is not an Application Insights connection string the Azure Monitor exporter takes, or
 * undefined: `key=value` pairs split by `;`, with `InstrumentationKey=<GUID>` and, when there,
 * http(s) endpoints. Never quotes the value: the connection string is a secret.
 */
export function connectionStringProblem(value: string): string | undefined {
  if (KEY_VAULT_REFERENCE.test(value))
    return "is an unresolved Key Vault reference (@Microsoft.KeyVault(...)): the platform could not read the secret; check the app identity's access to the vault and the secret's URI";
  const pairs = new Map<string, string>();
  for (const part of value.split(';')) {
    if (part.trim() === '') continue;
    const fields = part.split('=');
    if (fields.length !== 2 || fields[0]?.trim() === '')
      return 'must be key=value pairs separated by ";", e.g. InstrumentationKey=<GUID>;IngestionEndpoint=https://...';
    pairs.set((fields[0] ?? '').trim().toLowerCase(), (fields[1] ?? '').trim());
  }
  if (!GUID.test(pairs.get('instrumentationkey') ?? ''))
    return 'must hold InstrumentationKey=<GUID> (copy the whole connection string from the Application Insights resource)';
  for (const endpoint of ['ingestionendpoint', 'liveendpoint']) {
    const url = pairs.get(endpoint);
    if (url !== undefined && !/^https?:\/\/[^/\s]+/i.test(url))
      return `has an InstrumentationKey, but its ${endpoint === 'ingestionendpoint' ? 'IngestionEndpoint' : 'LiveEndpoint'} is not an http(s) URL`;
  }
  return undefined;
}

/** APPLICATIONINSIGHTS_CONNECTION_STRING: unset, or a connection string the exporter takes. */
export const connectionString = () =>
  z.pipe(
    text(),
    z.optional(
      z.string().check(
        z.superRefine((value, context) => {
          const problem = connectionStringProblem(value);
          if (problem !== undefined) context.issues.push({ code: 'custom', message: problem, input: value });
        }),
      ),
    ),
  );
