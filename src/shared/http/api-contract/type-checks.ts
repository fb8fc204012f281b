/**
 * Compile-time ties between the documented response schemas and the types the services return. A check
 * that does not hold is a type error in the schema file, so the document cannot drift from the code.
 */

/** Accepts only `true`: `type _Check = Assert<...>` fails to compile when the condition is false. */
export type Assert<Condition extends true> = Condition;

type DeepReadonly<T> = T extends readonly (infer Item)[]
  ? readonly DeepReadonly<Item>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** Every value the app can produce (`Produced`) is a value of the documented type (`Documented`). */
export type Covers<Documented, Produced> = [Produced] extends [DeepReadonly<Documented>] ? true : false;

/** Both types name the same top-level keys: the schema neither misses nor invents a field. */
export type SameKeys<A, B> = [keyof A] extends [keyof B]
  ? [keyof B] extends [keyof A]
    ? true
    : false
  : false;
