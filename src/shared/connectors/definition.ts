/**
 * The definition the code sees: configuration_overrides merged into `configuration`, then every
 * `{{env:KEY}}` placeholder replaced by its value from `env`.
 */

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// Keys that would reach Object.prototype when assigned; JSON may carry them as own keys.
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function assign(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `base` with `overrides` merged in: objects merge key by key, anything else replaces. */
export function mergeOverrides(base: unknown, overrides: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  if (isPlainObject(base)) for (const [key, value] of Object.entries(base)) assign(merged, key, value);
  for (const [key, value] of Object.entries(overrides)) {
    if (UNSAFE_KEYS.has(key)) continue;
    const current = merged[key];
    assign(
      merged,
      key,
      isPlainObject(current) && isPlainObject(value) ? mergeOverrides(current, value) : value,
    );
  }
  return merged;
}

/** Replaces `{{env:KEY}}` (spaces allowed inside the braces) in one string; unknown keys stay as they are. */
export function resolvePlaceholders(text: string, env: Readonly<Record<string, string>>): string {
  let out = '';
  let from = 0;
  for (let index = text.indexOf('{{'); index !== -1; index = text.indexOf('{{', index + 2)) {
    const match = /^\{\{[ \t]{0,8}env:([A-Za-z_][A-Za-z0-9_]{0,127})[ \t]{0,8}\}\}/.exec(
      text.slice(index, index + 160),
    );
    const name = match?.[1];
    if (match === null || name === undefined || !Object.hasOwn(env, name)) continue;
    out += text.slice(from, index) + (env[name] ?? '');
    from = index + match[0].length;
    index = from - 2;
  }
  return out + text.slice(from);
}

/** A JSON value with every string's placeholders resolved. */
export function resolveAll(value: unknown, env: Readonly<Record<string, string>>): unknown {
  if (typeof value === 'string') return resolvePlaceholders(value, env);
  if (Array.isArray(value)) return value.map((item) => resolveAll(item, env));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) assign(out, key, resolveAll(item, env));
    return out;
  }
  return value;
}
