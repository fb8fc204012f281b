import { loadConfig, parseSettings } from '../../src/shared/config/load-config';
import { type AppConfig, type SettingName, settings } from '../../src/shared/config/settings';
import type { RawSources } from '../../src/shared/config/sources';
import { ConfigError } from '../../src/shared/errors';
import { keysOf } from '../../src/shared/typed-object';
import { type CheckResult, fail, pass } from './check';

const NAME = 'settings';

export interface SettingsOutcome {
  readonly results: CheckResult[];
  /** Every setting that parsed; a bad one is left out, so the checks that need it are skipped. */
  readonly config: Partial<AppConfig>;
}

/**
 * Reads the settings exactly as the app does: every value that does not parse, then (when all parse)
 * the rules of `loadConfig` that span settings and say what is required. One result per problem, with
 * the setting's description as the fix hint.
 *
 * @example
 * const { results, config } = checkSettings(readSources());
 */
export function checkSettings(sources: RawSources): SettingsOutcome {
  const parsed = parseSettings(settings, sources);
  const problems = [...parsed.problems];
  if (problems.length === 0) {
    try {
      loadConfig(sources);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  const config: Partial<AppConfig> = parsed.values;
  if (problems.length > 0) return { results: problems.map(toResult), config };

  const fromEnv = keysOf(settings).filter((name) => parsed.provenance[name].source === 'env').length;
  const fromFiles = keysOf(settings).filter((name) => parsed.provenance[name].source === 'file').length;
  return {
    results: [
      pass(
        NAME,
        `all ${keysOf(settings).length} valid (${fromEnv} set in the environment, ${fromFiles} in local.settings.json or .env)`,
      ),
    ],
    config,
  };
}

/** "NAME: reason (description)" becomes the line "NAME: reason" and the hint "description". */
function toResult(problem: string): CheckResult {
  const named = settingNamed(problem.slice(0, problem.indexOf(':')));
  if (named === undefined) return fail(NAME, problem, 'see src/shared/config/settings.ts');
  const { description } = settings[named];
  const suffix = ` (${description})`;
  const detail = problem.endsWith(suffix) ? problem.slice(0, -suffix.length) : problem;
  return fail(NAME, detail, description);
}

/** The setting a problem is about; problems name the setting as it was spelled, which may be an alias. */
function settingNamed(name: string): SettingName | undefined {
  return keysOf(settings).find((key) => key === name || settings[key].aliases?.includes(name) === true);
}
