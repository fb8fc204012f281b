import { readFile } from 'node:fs/promises';

import {
  parse as parseTolerant,
  type ParseError,
  type ParseErrorCode,
  printParseErrorCode,
} from 'jsonc-parser';

import { CliError } from './cli-error';

const EXCERPT_CHARS = 60;

/** A file's text; a missing file, a folder or an unreadable file becomes a one-line error naming it. */
export async function readText(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`no such file: ${path}`);
    if (code === 'EISDIR') throw new CliError(`${path} is a folder, not a file`);
    if (code === 'EACCES') throw new CliError(`cannot read ${path}: permission denied`);
    throw new CliError(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * JSON.parse, with an error that names the file, the line and the column. JSON.parse decides what is valid;
 * jsonc-parser only locates the problem, since Node's messages do not always give one.
 *
 * @example
 * parseJson('[1,\n x]', { file: 'items.json' }); // throws "bad JSON in items.json at line 2, column 2: ..."
 */
export function parseJson(text: string, where: { file: string; line?: number; hint?: string }): unknown {
  if (text.trim() === '') throw new CliError(`${where.file} is empty`);
  try {
    return JSON.parse(text);
  } catch (error) {
    const problem = locate(text);
    const firstLine = where.line ?? 1;
    const at =
      problem === undefined
        ? where.line === undefined
          ? ''
          : ` at line ${where.line}`
        : ` at line ${firstLine + problem.line - 1}, column ${problem.column}`;
    const reason = problem?.reason ?? (error instanceof Error ? error.message : 'not valid JSON');
    const excerpt = problem === undefined ? '' : cut(text.split('\n')[problem.line - 1]?.trim() ?? '');
    throw new CliError(
      `bad JSON in ${where.file}${at}: ${reason}` +
        (excerpt === '' ? '' : `\n  ${excerpt}`) +
        (where.hint === undefined ? '' : `\n  ${where.hint}`),
    );
  }
}

/** The first problem's 1-based line and column within `text`. */
function locate(text: string): { line: number; column: number; reason: string } | undefined {
  const errors: ParseError[] = [];
  parseTolerant(text, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  const first = errors[0];
  if (first === undefined) return undefined;
  const before = text.slice(0, first.offset);
  const line = before.split('\n').length;
  const column = first.offset - before.lastIndexOf('\n');
  return { line, column, reason: describe(first.error) };
}

/** "CommaExpected" -> "comma expected". */
function describe(code: ParseErrorCode): string {
  return printParseErrorCode(code)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

function cut(text: string): string {
  const chars = Array.from(text);
  return chars.length <= EXCERPT_CHARS ? text : `${chars.slice(0, EXCERPT_CHARS - 1).join('')}…`;
}
