import * as z from 'zod/mini';

import { blankToUndefined as blank, preprocess } from './setting';

export const MODEL_FAMILIES = ['auto', 'reasoning', 'classic'] as const;
export type ModelFamilySetting = (typeof MODEL_FAMILIES)[number];

/** AZURE_OPENAI_MODEL_FAMILY, parsed: the family of every deployment, and exceptions by name. */
export interface ModelFamilies {
  readonly default: ModelFamilySetting;
  readonly deployments: Readonly<Record<string, ModelFamilySetting>>;
}

const DATED = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

/** `v1` (the default) or a dated api-version such as 2025-04-01-preview. */
export const apiVersion = () =>
  preprocess(
    (value) => {
      const text = blank(value);
      return typeof text === 'string' ? text.trim().toLowerCase() : text;
    },
    z._default(
      z.string().check(
        z.refine((text) => text === 'v1' || DATED.test(text), {
          error: 'must be "v1" or a dated api-version such as 2025-04-01-preview',
        }),
      ),
      'v1',
    ),
  );

const DEPLOYMENT_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const familySchema = z.enum(MODEL_FAMILIES);

/**
 * `auto`, `reasoning` or `classic` for every deployment, then `<deployment>=<family>` exceptions:
 * "reasoning", "chat=reasoning,legacy=classic", "classic,chat=reasoning". The setting's value is the
 * normalised text (config-info shows it as written); `parseModelFamilies` reads it.
 */
export const modelFamilies = () =>
  preprocess(
    (value) => {
      const text = blank(value);
      return typeof text === 'string' ? text.replace(/\s+/g, '') : text;
    },
    z._default(z.string(), 'auto').check(
      z.superRefine((text, context) => {
        for (const problem of readFamilies(text).problems)
          context.addIssue({ code: 'custom', message: problem });
      }),
    ),
  );

/** The families an AZURE_OPENAI_MODEL_FAMILY value names (a valid one: the setting checked it at start). */
export function parseModelFamilies(text: string): ModelFamilies {
  return readFamilies(text).families;
}

function readFamilies(text: string): { families: ModelFamilies; problems: string[] } {
  const problems: string[] = [];
  let fallback: ModelFamilySetting = 'auto';
  const deployments: Record<string, ModelFamilySetting> = {};
  let bare = 0;
  for (const entry of text.split(',')) {
    if (entry === '') continue;
    const [name, value = ''] = entry.includes('=') ? entry.split('=', 2) : [undefined, entry];
    const family = familySchema.safeParse(value.toLowerCase());
    if (!family.success) {
      problems.push(`"${entry}": the family must be auto, reasoning or classic`);
    } else if (name === undefined) {
      bare += 1;
      fallback = family.data;
    } else if (!DEPLOYMENT_NAME.test(name) || Object.hasOwn(deployments, name)) {
      problems.push(`"${entry}": the deployment name is invalid or repeated`);
    } else {
      deployments[name] = family.data;
    }
  }
  if (bare > 1) problems.push('at most one family may come without a deployment name');
  return { families: { default: fallback, deployments }, problems };
}
