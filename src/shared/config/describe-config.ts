import { keysOf, recordOf } from '../typed-object';
import type { Provenance } from './load-config';
import { isShown, type SettingSource } from './setting';
import type { AppConfig, SettingName } from './settings';
import { settings } from './settings';

export type SettingView =
  | { readonly value: unknown; readonly source: SettingSource }
  | { readonly set: boolean; readonly source: SettingSource };

/** What config-info shows: values of plain settings, only "set or not" for secrets and private settings. */
export function describeConfig(config: AppConfig, provenance: Provenance): Record<SettingName, SettingView> {
  return recordOf(keysOf(settings), (name): SettingView => {
    const { source } = provenance[name];
    const value = config[name];
    return isShown(settings[name]) ? { value: value ?? null, source } : { set: value !== undefined, source };
  });
}
