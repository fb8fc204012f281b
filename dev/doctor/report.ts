import type { Redact } from '../../src/shared/logging/redactor';
import type { CheckResult, CheckStatus } from './check';

const MARKS: Readonly<Record<CheckStatus, string>> = { pass: '✔', warn: '!', fail: '✖' };
const NAME_WIDTH = 24;
const LINE_LIMIT = 400;

export interface Report {
  add(results: readonly CheckResult[]): void;
  /** A line that is not a check (a heading, a note). */
  note(text: string): void;
  /** Prints the totals; true when nothing failed. */
  finish(): boolean;
}

/**
 * Prints check results, one line each plus an indented fix hint, every line through `redact` so no
 * secret can reach the terminal whatever a service or an error message echoes.
 *
 * @example
 * const report = createReport(createRedactor(config), (line) => process.stdout.write(`${line}\n`));
 * report.add([pass('settings', 'all valid')]);
 * const healthy = report.finish();
 */
export function createReport(redact: Redact, write: (line: string) => void): Report {
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0 };
  const print = (text: string) => {
    write(redact(text));
  };
  // Redacted first, then cut: a cut before redaction could leave the start of a secret unmasked.
  const printCheck = (text: string) => {
    write(cut(redact(text)));
  };
  return {
    add(results) {
      for (const result of results) {
        counts[result.status] += 1;
        printCheck(
          `${MARKS[result.status]} ${result.name.padEnd(NAME_WIDTH)} ${oneLine(redact, result.detail)}`,
        );
        if (result.hint !== undefined) {
          printCheck(`  ${' '.repeat(NAME_WIDTH)} fix: ${oneLine(redact, result.hint)}`);
        }
      }
    },
    note(text) {
      print(text);
    },
    finish() {
      const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
      print('');
      print(
        `${counts.fail === 0 ? 'Ready' : 'Not ready'}: ${plural(counts.fail, 'failure')}, ${plural(counts.warn, 'warning')}, ${counts.pass} passed.`,
      );
      return counts.fail === 0;
    },
  };
}

/** Redacted before whitespace is collapsed, so a secret is matched as it was written. */
function oneLine(redact: Redact, text: string): string {
  return redact(text).replace(/\s+/g, ' ').trim();
}

function cut(line: string): string {
  return line.length > LINE_LIMIT ? `${line.slice(0, LINE_LIMIT)}...` : line;
}
