import { type CheckResult, type ErrorFacts, fail, isConnectionFailure, warn } from './check';

/** How a check names the credential it uses: the key setting when it is set, else Microsoft Entra ID. */
export const credentialName = (keySetting: string, key: string | undefined): string =>
  key === undefined ? `${keySetting} not set: Microsoft Entra ID` : `${keySetting} set`;

/**
 * A dependency checked in two lines: first that it answers with the configured credential, then what the
 * app needs on it. While the first step fails, the second is a warning that it was skipped.
 *
 * @example
 * return checkInTwoSteps(
 *   { run: connect, passed: (client) => pass(SERVICE, 'answered'), failed: (error) => fail(SERVICE, ...) },
 *   { name: QUEUES, skipped: 'skipped until the queue service check passes', run: queuesExist },
 * );
 */
export async function checkInTwoSteps<Reached>(
  first: {
    run: () => Promise<Reached>;
    passed: (reached: Reached) => CheckResult;
    failed: (error: unknown) => CheckResult;
  },
  second: { name: string; skipped: string; run: (reached: Reached) => Promise<CheckResult> },
): Promise<CheckResult[]> {
  let reached: Reached;
  try {
    reached = await first.run();
  } catch (error) {
    return [first.failed(error), warn(second.name, second.skipped)];
  }
  return [first.passed(reached), await second.run(reached)];
}

/** The fixes for a storage service (Cosmos DB, Storage queues) that refused or did not answer. */
export interface AccessHints {
  /** The status the service gives a key that is not one of its own (Cosmos DB 401, Storage 403). */
  readonly wrongKey?: { readonly status: number; readonly hint: string };
  /** Answered 403 to an identity: the data-plane role is missing. */
  readonly forbidden: string;
  readonly unreachable: string;
  /** No key, and no Microsoft Entra credential could be had. */
  readonly noCredential: string;
  readonly otherwise: string;
}

export function accessHint(facts: ErrorFacts, hints: AccessHints): string {
  if (hints.wrongKey !== undefined && facts.status === hints.wrongKey.status) return hints.wrongKey.hint;
  if (facts.status === 403) return hints.forbidden;
  if (facts.code === 'DEADLINE' || isConnectionFailure(facts)) return hints.unreachable;
  if (/credential|authentication/i.test(facts.message)) return hints.noCredential;
  return hints.otherwise;
}

/**
 * What the app needs on a service is missing: locally a warning, since the app creates it on first use;
 * in Azure a failure, since provisioning creates it.
 */
export function missingResult(
  name: string,
  local: boolean,
  detail: { local: string; azure: string; provision: string },
): CheckResult {
  return local ? warn(name, detail.local) : fail(name, detail.azure, detail.provision);
}
