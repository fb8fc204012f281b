/* eslint-disable @typescript-eslint/consistent-type-assertions */
// Object.keys and Object.fromEntries lose key types. These helpers restore them for objects this code
// built itself from a known key set; they are never used on input from outside.

export function keysOf<T extends object>(value: T): (keyof T & string)[] {
  return Object.keys(value) as (keyof T & string)[];
}

export function recordOf<K extends string, V>(keys: readonly K[], valueOf: (key: K) => V): Record<K, V> {
  return Object.fromEntries(keys.map((key) => [key, valueOf(key)])) as Record<K, V>;
}
