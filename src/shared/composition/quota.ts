import { createCosmosQuotaStore } from '../quota/cosmos-quota-store';
import { createQuotaMeter } from '../quota/quota-meter';
import { limitsFor } from '../quota/quotas';
import type { Platform } from './platform';
import type { Storage } from './storage';

/** The per-user quotas: one meter per process over the `quotas` container every instance shares. */
export function createQuotas({ config, logger }: Platform, storage: Storage) {
  return createQuotaMeter({
    store: createCosmosQuotaStore(() => storage.containers('quotas')),
    limits: (caller) => limitsFor(caller, config),
    log: logger(),
  });
}
