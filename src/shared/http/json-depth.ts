/** Deeper values are refused before anything walks them recursively (zod refinements, ajv, JSON.stringify). */
export const MAX_JSON_DEPTH = 64;

/** Whether objects and arrays nest deeper than `max`, found without recursion (the value may be 60,000 deep). */
export function nestsDeeperThan(value: unknown, max: number = MAX_JSON_DEPTH): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, depth] = next;
    if (typeof item !== 'object' || item === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return false;
}
