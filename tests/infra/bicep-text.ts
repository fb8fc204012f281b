import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Reads the Bicep templates as text: the Bicep CLI cannot run here, so tests check what the templates
 * declare. The scanner knows just enough Bicep to find where a block, a string or a comment ends.
 */

export const repoRoot = join(__dirname, '..', '..');
export const infraDir = join(repoRoot, 'infra');

export function readRepoFile(relativePath: string): string {
  return readFileSync(join(repoRoot, relativePath), 'utf8');
}

export interface BicepFile {
  /** Relative to the repository root, e.g. infra/modules/storage.bicep */
  readonly path: string;
  /** The file without its comments (strings intact). */
  readonly code: string;
}

export function readBicep(relativePath: string): BicepFile {
  return { path: relativePath, code: stripComments(readRepoFile(relativePath)) };
}

export function allBicepFiles(): BicepFile[] {
  const modules = readdirSync(join(infraDir, 'modules'))
    .filter((name) => name.endsWith('.bicep'))
    .map((name) => `infra/modules/${name}`);
  return ['infra/main.bicep', ...modules].map(readBicep);
}

const isIdentifierChar = (char: string | undefined): boolean => char !== undefined && /[\w]/.test(char);

/** Index just past the string that opens at `start` (a `'`), interpolations included. */
function skipString(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length) {
    const char = text[index];
    if (char === '\\') index += 2;
    else if (char === "'") return index + 1;
    else if (char === '$' && text[index + 1] === '{') index = closingIndex(text, index + 1) + 1;
    else index += 1;
  }
  throw new Error(`unterminated string at ${start}`);
}

/** Index just past the comment that opens at `start`, or `start` when none does. */
function skipComment(text: string, start: number): number {
  if (text.startsWith('//', start)) {
    const end = text.indexOf('\n', start);
    return end === -1 ? text.length : end;
  }
  if (text.startsWith('/*', start)) {
    const end = text.indexOf('*/', start + 2);
    if (end === -1) throw new Error(`unterminated comment at ${start}`);
    return end + 2;
  }
  return start;
}

const pairs: Readonly<Record<string, string>> = { '{': '}', '[': ']', '(': ')' };

/** Index of the bracket that closes the one at `open`, skipping strings, comments and nested brackets. */
export function closingIndex(text: string, open: number): number {
  const stack: string[] = [];
  let index = open;
  while (index < text.length) {
    const char = text[index] ?? '';
    const afterComment = skipComment(text, index);
    if (afterComment !== index) {
      index = afterComment;
      continue;
    }
    if (char === "'") {
      index = skipString(text, index);
      continue;
    }
    const closer = pairs[char];
    if (closer !== undefined) stack.push(closer);
    else if (char === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return index;
    }
    index += 1;
  }
  throw new Error(`no closing bracket for ${text[open] ?? '?'} at ${open}`);
}

/** The text without `//` and `/* *\/` comments; strings (which may hold `//`, as in URLs) are kept. */
export function stripComments(text: string): string {
  let result = '';
  let index = 0;
  while (index < text.length) {
    const afterComment = skipComment(text, index);
    if (afterComment !== index) {
      index = afterComment;
      continue;
    }
    if (text[index] === "'") {
      const end = skipString(text, index);
      result += text.slice(index, end);
      index = end;
      continue;
    }
    result += text[index] ?? '';
    index += 1;
  }
  return result;
}

export interface BicepResource {
  readonly file: string;
  readonly symbol: string;
  readonly type: string;
  readonly apiVersion: string;
  readonly existing: boolean;
  /** The resource's object body, braces included (for a loop, the body of one iteration). */
  readonly body: string;
}

/** Every `resource` declaration of a file. */
export function resourcesOf(file: BicepFile): BicepResource[] {
  const declaration = /^resource\s+(\w+)\s+'([^'@]+)@([^']+)'\s*(existing\s*)?=/gm;
  const resources: BicepResource[] = [];
  for (const match of file.code.matchAll(declaration)) {
    const open = file.code.indexOf('{', match.index + match[0].length);
    const body = file.code.slice(open, closingIndex(file.code, open) + 1);
    resources.push({
      file: file.path,
      symbol: match[1] ?? '',
      type: match[2] ?? '',
      apiVersion: match[3] ?? '',
      existing: match[4] !== undefined,
      body,
    });
  }
  return resources;
}

export function allResources(): BicepResource[] {
  return allBicepFiles().flatMap(resourcesOf);
}

export function resourcesOfType(type: string): BicepResource[] {
  return allResources().filter((resource) => resource.type.toLowerCase() === type.toLowerCase());
}

/** The expression after `var <name> =`, up to the end of its statement. */
export function variableExpression(file: BicepFile, name: string): string {
  const match = new RegExp(`^var\\s+${name}\\s*=\\s*`, 'm').exec(file.code);
  if (match === null) throw new Error(`${file.path} declares no var ${name}`);
  return statementFrom(file.code, match.index + match[0].length);
}

/** Text from `start` to the first line break outside brackets and strings. */
function statementFrom(text: string, start: number): string {
  let index = start;
  while (index < text.length && text[index] !== '\n') {
    const char = text[index] ?? '';
    if (char === "'") index = skipString(text, index);
    else if (pairs[char] !== undefined) index = closingIndex(text, index) + 1;
    else index += 1;
  }
  return text.slice(start, index).trim();
}

/** The names of `var` declarations of a file. */
export function variableNames(file: BicepFile): string[] {
  return [...file.code.matchAll(/^var\s+(\w+)\s*=/gm)].map((match) => match[1] ?? '');
}

/** Top-level keys of every object literal `{ ... }` appearing at the top of an expression. */
export function objectLiteralKeys(expression: string): string[] {
  const keys: string[] = [];
  let index = 0;
  while (index < expression.length) {
    const char = expression[index] ?? '';
    if (char === "'") {
      index = skipString(expression, index);
    } else if (char === '{') {
      const close = closingIndex(expression, index);
      keys.push(...keysOfObject(expression.slice(index + 1, close)));
      index = close + 1;
    } else if (char === '[' || char === '(') {
      // Arguments of union(...) and the like hold objects too.
      const close = closingIndex(expression, index);
      keys.push(...objectLiteralKeys(expression.slice(index + 1, close)));
      index = close + 1;
    } else {
      index += 1;
    }
  }
  return keys;
}

/** Keys of one object body: `name: value` at depth 0, separated by line breaks or commas. */
function keysOfObject(body: string): string[] {
  const keys: string[] = [];
  let index = 0;
  let entryStart = true;
  while (index < body.length) {
    const char = body[index] ?? '';
    if (entryStart) {
      const key = /^\s*(?:'([^']*)'|([A-Za-z_]\w*))\s*:/.exec(body.slice(index));
      if (key !== null) keys.push(key[1] ?? key[2] ?? '');
      entryStart = false;
    }
    if (char === "'") index = skipString(body, index);
    else if (pairs[char] !== undefined) index = closingIndex(body, index) + 1;
    else {
      if (char === '\n' || char === ',') entryStart = true;
      index += 1;
    }
  }
  return keys;
}

/** Every string literal of an expression (interpolated strings as written). */
export function stringLiterals(expression: string): string[] {
  const literals: string[] = [];
  let index = 0;
  while (index < expression.length) {
    if (expression[index] === "'") {
      const end = skipString(expression, index);
      literals.push(expression.slice(index + 1, end - 1));
      index = end;
    } else {
      index += 1;
    }
  }
  return literals;
}

export interface BicepOutput {
  readonly name: string;
  readonly type: string;
  readonly expression: string;
}

export function outputsOf(file: BicepFile): BicepOutput[] {
  return [...file.code.matchAll(/^output\s+(\w+)\s+(\w+)\s*=\s*/gm)].map((match) => ({
    name: match[1] ?? '',
    type: match[2] ?? '',
    expression: statementFrom(file.code, match.index + match[0].length),
  }));
}

/** The value of `key:` at the top level of an object body, e.g. a resource body. */
export function propertyValue(body: string, key: string): string | undefined {
  const inner = body.slice(1, -1);
  let index = 0;
  let entryStart = true;
  while (index < inner.length) {
    const char = inner[index] ?? '';
    if (entryStart) {
      const match = new RegExp(`^\\s*${key}\\s*:\\s*`).exec(inner.slice(index));
      if (match !== null && !isIdentifierChar(inner[index - 1])) {
        return statementFrom(inner, index + match[0].length);
      }
      entryStart = false;
    }
    if (char === "'") index = skipString(inner, index);
    else if (pairs[char] !== undefined) index = closingIndex(inner, index) + 1;
    else {
      if (char === '\n' || char === ',') entryStart = true;
      index += 1;
    }
  }
  return undefined;
}

/** Follows a path of keys through nested object bodies: `path(body, 'properties', 'sku')`. */
export function propertyPath(body: string, ...keys: string[]): string | undefined {
  let current: string | undefined = body;
  for (const key of keys) {
    if (current === undefined) return undefined;
    current = propertyValue(current, key);
  }
  return current;
}
