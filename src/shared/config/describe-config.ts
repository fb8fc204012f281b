import { keysOf, recordOf } from '../typed-object';
import type { Provenance } from './load-config';
import type { SettingSource } from './setting';
import type { AppConfig, SettingName } from './settings';
import { settings } from './settings';

export type SettingView =
  | { readonly value: unknown; readonly source: SettingSource }
  | { readonly set: boolean; readonly source: SettingSource };

/** What config-info shows: values of plain settings, only "set or not" for secrets. */
export function describeConfig(config: AppConfig, provenance: Provenance): Record<SettingName, SettingView> {
  return recordOf(keysOf(settings), (name): SettingView => {
    const { source } = provenance[name];
    const value = config[name];
    const secret: boolean = settings[name].secret ?? false;
    return secret ? { set: value !== undefined, source } : { value: value ?? null, source };
  });
}
