import * as z from 'zod';

import type { describeConfig } from '../../config/describe-config';
import { isShown } from '../../config/setting';
import { type SettingName, settings } from '../../config/settings';
import { keysOf, recordOf } from '../../typed-object';
import { toClassicSchema } from './classic-schema';
import type { Assert, SameKeys } from './type-checks';

const settingSourceSchema = z
  .enum(['env', 'file', 'default', 'absent'])
  .meta({ id: 'SettingSource', description: 'Where the value came from; the highest source wins' });

const secretViewSchema = z.strictObject({ set: z.boolean(), source: settingSourceSchema }).meta({
  id: 'SecretSettingView',
  description: 'A secret or a private setting (the system prompt): only whether it is set, never its value',
});

/** A plain setting's value is what its own schema in settings.ts produced, or null when unset. */
function plainView(name: SettingName) {
  return z.strictObject({
    value: toClassicSchema(settings[name].schema)
      .nullable()
      .nonoptional()
      .meta({ description: settings[name].description }),
    source: settingSourceSchema,
  });
}

/** GET /api/config/info: one entry per setting of settings.ts, built from that same table. */
export const configInfoSchema = z
  .strictObject(
    recordOf(keysOf(settings), (name) => (isShown(settings[name]) ? plainView(name) : secretViewSchema)),
  )
  .meta({ id: 'ConfigInfo' });

// describeConfig types each value as `unknown`; the keys are checked here, the values by the tests.
type _Checks = [Assert<SameKeys<z.output<typeof configInfoSchema>, ReturnType<typeof describeConfig>>>];
