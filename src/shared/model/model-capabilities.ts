import type { ModelFamilies } from '../config/model-settings';

export type ModelFamily = 'reasoning' | 'classic';

/** The optional request features a deployment may refuse. */
export type Feature = 'temperature' | 'reasoning_effort' | 'verbosity' | 'developer_role' | 'strict_tools';

/** What one deployment takes, as far as the app knows: configured, read from its model, or learned. */
export interface Capabilities {
  /** undefined until the setting, the reported model or a refusal tells. */
  readonly family: ModelFamily | undefined;
  /** AZURE_OPENAI_MODEL_FAMILY named the family: the reported model does not change it. */
  readonly configured: boolean;
  /** The model as Azure reports it, e.g. gpt-5.4-mini-2026-03-17. */
  readonly model: string | undefined;
  readonly tokenLimit: 'max_completion_tokens' | 'max_tokens';
  readonly refused: ReadonlySet<Feature>;
  readonly refusedEfforts: ReadonlySet<string>;
  /** false: with function tools, the model takes reasoning effort none only (GPT-5.2 and later). */
  readonly effortWithTools: boolean;
}

/** What the model name says: gpt-5* and o-series models reason; gpt-4* and gpt-35* are classic. */
export function traitsOfModel(model: string): Pick<Capabilities, 'family' | 'effortWithTools'> | undefined {
  const name = model.toLowerCase();
  if (/-chat(?:-|$)|^gpt-chat/.test(name)) return undefined; // chat variants: unknown, learned from 400s
  if (/^gpt-(?:4|35|3\.5)(?:\D|$)/.test(name)) return { family: 'classic', effortWithTools: true };
  const gpt = /^gpt-(\d+)(?:\.(\d+))?(?:\D|$)/.exec(name);
  const major = Number(gpt?.[1] ?? 0);
  if (major >= 5) {
    const minor = Number(gpt?.[2] ?? 0);
    return { family: 'reasoning', effortWithTools: major === 5 && minor < 2 };
  }
  if (/^o\d/.test(name)) return { family: 'reasoning', effortWithTools: true };
  return undefined;
}

/** gpt-5.4-mini-2026-03-17 -> { name: 'gpt-5.4-mini', version: '2026-03-17' } (no version when undated). */
export function splitModel(model: string): { name: string; version?: string } {
  const dated = /^(.*)-(\d{4}-\d{2}-\d{2})$/.exec(model);
  return dated?.[1] !== undefined && dated[2] !== undefined
    ? { name: dated[1], version: dated[2] }
    : { name: model };
}

export function takes(capabilities: Capabilities, feature: Feature): boolean {
  if (capabilities.refused.has(feature)) return false;
  if (feature === 'temperature') return capabilities.family !== 'reasoning';
  if (feature === 'developer_role') return capabilities.family === 'reasoning';
  if (feature === 'strict_tools') return true;
  return capabilities.family !== 'classic';
}

/**
 * Each deployment's capabilities, kept for the life of the process (as the scoring client keeps payload
 * shapes): what the setting says, then what the reported model and Azure's own 400s teach.
 *
 * @example
 * const store = new CapabilityStore({ default: 'auto', deployments: {} });
 * store.observeModel('chat', 'gpt-5.4-mini-2026-03-17');
 * store.get('chat').family; // 'reasoning'
 */
export class CapabilityStore {
  readonly #known = new Map<string, Capabilities>();

  constructor(private readonly families: ModelFamilies) {}

  get(deployment: string): Capabilities {
    const known = this.#known.get(deployment);
    if (known !== undefined) return known;
    const setting = this.families.deployments[deployment] ?? this.families.default;
    return {
      family: setting === 'auto' ? undefined : setting,
      configured: setting !== 'auto',
      model: undefined,
      tokenLimit: 'max_completion_tokens',
      refused: new Set(),
      refusedEfforts: new Set(),
      effortWithTools: true,
    };
  }

  /** Records the model a reply names; unless configured, its name sets the family. */
  observeModel(deployment: string, model: string | undefined): void {
    const current = this.get(deployment);
    if (model === undefined || model === '' || model === current.model) return;
    const traits = traitsOfModel(model);
    this.#known.set(deployment, {
      ...current,
      model,
      ...(traits === undefined || current.configured ? {} : { family: traits.family }),
      ...(traits === undefined ? {} : { effortWithTools: current.effortWithTools && traits.effortWithTools }),
    });
  }

  update(deployment: string, change: (current: Capabilities) => Capabilities): void {
    this.#known.set(deployment, change(this.get(deployment)));
  }
}
