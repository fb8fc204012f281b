// Longer than 200 lines because the path and the environment scanners share one cursor and its rules
// for strings and brackets; apart, each would carry a copy of it.
/**
 * Reads connector source text for what it uses: the connector JSON paths it reads and the environment
 * variables it needs. Hand-written cursors over the text, not regular expressions with nested
 * quantifiers: every position is looked at a bounded number of times, so hostile input scans in linear
 * time. It reads text, not syntax: a match inside a comment or a string counts too.
 */

const MAX_SEGMENTS = 16;
const MAX_KEY_CHARS = 128;

const isIdentifierStart = (char: string | undefined) => char !== undefined && /[A-Za-z_$]/.test(char);
const isIdentifierChar = (char: string | undefined) => char !== undefined && /[A-Za-z0-9_$]/.test(char);

class Cursor {
  constructor(
    readonly text: string,
    public at: number,
  ) {}

  peek(offset = 0): string | undefined {
    return this.text[this.at + offset];
  }

  skipSpaces(max = 8): void {
    for (let count = 0; count < max && (this.peek() === ' ' || this.peek() === '\t'); count += 1)
      this.at += 1;
  }

  eat(literal: string): boolean {
    if (!this.text.startsWith(literal, this.at)) return false;
    this.at += literal.length;
    return true;
  }

  /** An identifier of at most MAX_KEY_CHARS characters, or undefined (the cursor does not move). */
  identifier(): string | undefined {
    if (!isIdentifierStart(this.peek())) return undefined;
    let end = this.at + 1;
    while (end - this.at < MAX_KEY_CHARS && isIdentifierChar(this.text[end])) end += 1;
    if (isIdentifierChar(this.text[end])) return undefined;
    const name = this.text.slice(this.at, end);
    this.at = end;
    return name;
  }

  /** A '...' or "..." literal without escapes or line breaks, or undefined (the cursor does not move). */
  quoted(): string | undefined {
    const quote = this.peek();
    if (quote !== '"' && quote !== "'") return undefined;
    let end = this.at + 1;
    while (end - this.at <= MAX_KEY_CHARS) {
      const char = this.text[end];
      if (char === undefined || char === '\\' || char === '\n' || char === '\r') return undefined;
      if (char === quote) {
        const value = this.text.slice(this.at + 1, end);
        this.at = end + 1;
        return value;
      }
      end += 1;
    }
    return undefined;
  }

  /** `["key"]` or `['key']`, or undefined (the cursor does not move). */
  bracketKey(): string | undefined {
    const start = this.at;
    if (!this.eat('[')) return undefined;
    this.skipSpaces();
    const key = this.quoted();
    this.skipSpaces();
    if (key === undefined || !this.eat(']')) {
      this.at = start;
      return undefined;
    }
    return key;
  }
}

/** Every index where `word` occurs as a whole word (not inside a longer identifier). */
function wordsAt(text: string, word: string): number[] {
  const found: number[] = [];
  for (let index = text.indexOf(word); index !== -1; index = text.indexOf(word, index + word.length)) {
    if (!isIdentifierChar(text[index - 1]) && !isIdentifierChar(text[index + word.length])) found.push(index);
  }
  return found;
}

/** A path the code reads from its definition: ['auth', 'clientId'] for `connector.auth.clientId`. */
export type ReferencedPath = readonly string[];

/** The names after a connector root: `.a`, `["b"]`, `['c']`, up to MAX_SEGMENTS; a call or an assignment drops the last. */
function pathAfter(text: string, at: number): ReferencedPath | undefined {
  const cursor = new Cursor(text, at);
  const segments: string[] = [];
  while (segments.length < MAX_SEGMENTS) {
    const before = cursor.at;
    if (cursor.eat('.')) {
      const name = cursor.identifier();
      if (name === undefined) {
        cursor.at = before;
        break;
      }
      segments.push(name);
      continue;
    }
    const key = cursor.bracketKey();
    if (key === undefined) break;
    segments.push(key);
  }
  cursor.skipSpaces();
  const next = cursor.peek();
  const calledOrAssigned = next === '(' || (next === '=' && cursor.peek(1) !== '=');
  const kept = calledOrAssigned ? segments.slice(0, -1) : segments;
  return kept.length > 0 ? kept : undefined;
}

/**
 * The connector JSON paths a text reads: `connector.a.b`, `connector["a"]["b"]`, the same under
 * `context.`, and `<anything>["connector"]["a"]` (how Python reads the context it loaded). Optional access
 * (`?.`) ends a path; a method call or an assignment drops its last name.
 */
export function referencedConnectorPaths(text: string): ReferencedPath[] {
  const paths: ReferencedPath[] = [];
  for (const index of wordsAt(text, 'connector')) {
    if (text[index - 1] === '.') {
      // Only `context.connector` is a connector root; `self.connector` and the like are not.
      const root = index - 'context.'.length;
      const rooted = root >= 0 && text.startsWith('context.', root);
      if (!rooted || isIdentifierChar(text[root - 1]) || text[root - 1] === '.') continue;
    }
    if (text[index - 1] === '"' || text[index - 1] === "'") continue; // a quoted key: below
    const path = pathAfter(text, index + 'connector'.length);
    if (path !== undefined) paths.push(path);
  }
  for (const root of ['["connector"]', "['connector']"]) {
    for (let index = text.indexOf(root); index !== -1; index = text.indexOf(root, index + root.length)) {
      const path = pathAfter(text, index + root.length);
      if (path !== undefined) paths.push(path);
    }
  }
  return paths;
}

/** An environment variable the code reads, and whether it reads it without a fallback. */
export interface ReferencedEnv {
  readonly name: string;
  readonly required: boolean;
}

/** `process.env.KEY`, `process.env["KEY"]`; `|| x`, `?? x` or `?.` make it optional. */
function javascriptEnv(text: string, found: ReferencedEnv[]): void {
  for (const index of wordsAt(text, 'process')) {
    const cursor = new Cursor(text, index + 'process'.length);
    if (!cursor.eat('.env')) continue;
    if (isIdentifierChar(cursor.peek())) continue;
    let name: string | undefined;
    let optional = false;
    if (cursor.eat('?.')) {
      optional = true;
      name = cursor.identifier() ?? cursor.bracketKey();
    } else if (cursor.eat('.')) {
      name = cursor.identifier();
    } else {
      name = cursor.bracketKey();
    }
    if (name === undefined) continue;
    cursor.skipSpaces();
    if (cursor.eat('||') || cursor.eat('??')) optional = true;
    found.push({ name, required: !optional });
  }
}

/** `os.environ["KEY"]`, `os.environ.get("KEY")`, `os.getenv("KEY")`; a default argument makes it optional. */
function pythonEnv(text: string, found: ReferencedEnv[]): void {
  const call = (cursor: Cursor): ReferencedEnv | undefined => {
    if (!cursor.eat('(')) return undefined;
    cursor.skipSpaces();
    const name = cursor.quoted();
    if (name === undefined) return undefined;
    cursor.skipSpaces();
    if (cursor.eat(')')) return { name, required: true };
    if (cursor.eat(',')) return { name, required: false };
    return undefined;
  };
  for (const index of wordsAt(text, 'os')) {
    const cursor = new Cursor(text, index + 'os'.length);
    let reference: ReferencedEnv | undefined;
    if (cursor.eat('.environ')) {
      if (isIdentifierChar(cursor.peek())) continue;
      if (cursor.eat('.get')) {
        reference = call(cursor);
      } else {
        const name = cursor.bracketKey();
        if (name !== undefined) reference = { name, required: true };
      }
    } else if (cursor.eat('.getenv')) {
      reference = call(cursor);
    }
    if (reference !== undefined) found.push(reference);
  }
}

/** `{{env:KEY}}` placeholders (spaces allowed inside the braces). */
export function envPlaceholders(text: string): string[] {
  const names: string[] = [];
  for (let index = text.indexOf('{{'); index !== -1; index = text.indexOf('{{', index + 2)) {
    const cursor = new Cursor(text, index + 2);
    cursor.skipSpaces();
    if (!cursor.eat('env:')) continue;
    cursor.skipSpaces();
    const name = cursor.identifier();
    if (name === undefined) continue;
    cursor.skipSpaces();
    if (cursor.eat('}}')) names.push(name);
  }
  return names;
}

/** Every environment variable a source text reads, in JavaScript or Python spelling, and its placeholders. */
export function referencedEnv(text: string): ReferencedEnv[] {
  const found: ReferencedEnv[] = [];
  javascriptEnv(text, found);
  pythonEnv(text, found);
  for (const name of envPlaceholders(text)) found.push({ name, required: true });
  return found;
}
