import { acceptsNumber, acceptsString, effectiveSchema, type JsonSchema, typeOf } from './json-schema';

/** A value read from the text; wrapped so that a found `null` or `false` is still "found". */
export interface Found {
  readonly value: unknown;
}

const NUMBER = String.raw`-?\d+(?:\.\d+)?`;

/** `seatComfort`, `seat_comfort` and `seat-comfort` all become ["seat", "comfort"]. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.toLowerCase());
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The words in any spacing or case: "seat comfort", "Seat-Comfort", "seatcomfort". */
function phrase(words: readonly string[]): string {
  return words.map(escape).join(String.raw`[\s_-]*`);
}

function containsPhrase(text: string, words: readonly string[]): boolean {
  return (
    words.length > 0 &&
    new RegExp(String.raw`(?<![A-Za-z0-9])${phrase(words)}(?![A-Za-z0-9])`, 'i').test(text)
  );
}

function* captures(pattern: RegExp, text: string): Generator<string> {
  for (const match of text.matchAll(pattern)) {
    const groups: (string | undefined)[] = match.slice(1);
    const captured = groups.find((group) => group !== undefined);
    if (captured !== undefined) yield captured;
  }
}

// A trailing unit in a property name ("departureDelayMinutes") is usually said before the noun or left
// out ("10 minutes departure delay", "departure delay of 10"), so it is matched as optional.
const UNITS = new Set([
  'minutes',
  'minute',
  'seconds',
  'hours',
  'days',
  'km',
  'miles',
  'ms',
  'percent',
  'count',
]);

function numberWords(name: string): string {
  const words = nameWords(name);
  const last = words.at(-1);
  if (words.length < 2 || last === undefined || !UNITS.has(last)) return phrase(words);
  return String.raw`${phrase(words.slice(0, -1))}(?:[\s_-]*${escape(last)})?`;
}

function findNumber(name: string, schema: JsonSchema, text: string): Found | undefined {
  const words = numberWords(name);
  if (words === '') return undefined;
  const patterns = [
    // "seat comfort 4", "seat comfort of 4", "seat comfort: 4"
    new RegExp(String.raw`(?<![A-Za-z0-9])${words}(?![A-Za-z])(?:[^\d-]|-(?!\d)){0,20}?(${NUMBER})`, 'gi'),
    // "10 minutes departure delay"
    new RegExp(String.raw`(?<![\w.])(${NUMBER})\s+(?:[A-Za-z'-]+\s+){0,2}?${words}(?![A-Za-z])`, 'gi'),
  ];
  if (name.toLowerCase() === 'age') patterns.push(/(?<![\w.])(\d+)[\s-]*years?[\s-]*old\b/gi);
  for (const pattern of patterns) {
    for (const captured of captures(pattern, text)) {
      const value = Number(captured);
      if (acceptsNumber(schema, value)) return { value };
    }
  }
  return undefined;
}

/** The longest value that appears in the text wins; failing that, a value whose first word appears. */
function findEnumValue(schema: JsonSchema, text: string): Found | undefined {
  const values = (schema.enum ?? []).filter((value) => typeof value === 'string');
  const longestFirst = [...values].sort((left, right) => right.length - left.length);
  for (const value of longestFirst) {
    if (containsPhrase(text, nameWords(value)) || text.toLowerCase().includes(value.toLowerCase()))
      return { value };
  }
  for (const value of values) {
    const first = nameWords(value)[0];
    if (first !== undefined && first.length >= 3 && containsPhrase(text, [first])) return { value };
  }
  return undefined;
}

function findBoolean(name: string, text: string): Found | undefined {
  const pattern = new RegExp(
    String.raw`${phrase(nameWords(name))}\s*(?:[:=]|\bis\b)?\s*(true|false|yes|no)\b`,
    'gi',
  );
  for (const captured of captures(pattern, text)) return { value: /^(true|yes)$/i.test(captured) };
  return undefined;
}

function findString(name: string, schema: JsonSchema, text: string): Found | undefined {
  const words = phrase(nameWords(name));
  if (words === '') return undefined;
  const patterns = [
    // name: "Ada Lovelace", name is 'Ada'
    new RegExp(String.raw`(?<![A-Za-z0-9])${words}\s*(?:[:=]|\bis\b)?\s*(?:"([^"]+)"|'([^']+)')`, 'gi'),
    // city: Paris, city = Paris, city is Paris
    new RegExp(String.raw`(?<![A-Za-z0-9])${words}\s*(?:[:=]|\bis\b)\s*([^\s,;"']+)`, 'gi'),
  ];
  for (const pattern of patterns) {
    for (const captured of captures(pattern, text)) {
      const value = captured.replace(/[.!?]+$/, '');
      if (acceptsString(schema, value)) return { value };
    }
  }
  return undefined;
}

/** Reads one property's value from free text, or undefined when the text does not say it. */
export function findProperty(name: string, property: JsonSchema, text: string): Found | undefined {
  const schema = effectiveSchema(property);
  if (schema.const !== undefined) return { value: schema.const };
  const type = typeOf(schema);
  if (type === 'number' || type === 'integer') return findNumber(name, schema, text);
  if (schema.enum !== undefined) return findEnumValue(schema, text);
  if (type === 'boolean') return findBoolean(name, text);
  if (type === 'string') return findString(name, schema, text);
  return undefined;
}
