import type { Provenance } from './load-config';
import type { SettingSource } from './setting';
import type { AppConfig, SettingName } from './settings';
import { settings } from './settings';

export type SettingView =
  | { readonly value: unknown; readonly source: SettingSource }
  | { readonly set: boolean; readonly source: SettingSource };

/** What config-info shows: values of plain settings, only "set or not" for secrets. */
export function describeConfig(config: AppConfig, provenance: Provenance): Record<SettingName, SettingView> {
  const view: Partial<Record<SettingName, SettingView>> = {};
  for (const name of Object.keys(settings) as SettingName[]) {
    const { source } = provenance[name];
    const value = config[name];
    view[name] = settings[name].secret === true ? { set: value !== undefined, source } : { value: value ?? null, source };
  }
  return view as Record<SettingName, SettingView>;
}
