import type { SandboxOutcome } from '../../../src/shared/connectors/connector-sandbox';
import { redactValues, toRunReport } from '../../../src/shared/connectors/run-report';

const run = {
  env: { TOKEN: 'tok-abc-123', SHORT: '1' },
  timeoutMs: 5_000,
  memoryMb: 128,
  maxOutputBytes: 1_024,
};
const outcome = (over: Partial<SandboxOutcome>): SandboxOutcome => ({
  stdout: '',
  stderr: '',
  exitCode: 0,
  timedOut: false,
  durationMs: 12,
  ...over,
});

describe('toRunReport', () => {
  it('when the last line of stdout is {"ok": true, "result": ...}, then the result is reported', () => {
    const report = toRunReport(outcome({ stdout: 'log line\n{"ok": true, "result": {"rows": 2}}\n' }), run);
    expect(report).toEqual({
      ok: true,
      result: { rows: 2 },
      stdout: 'log line\n{"ok": true, "result": {"rows": 2}}\n',
      stderr: '',
      exitCode: 0,
      durationMs: 12,
      timedOut: false,
    });
  });

  it('when the code prints an env value, raw or JSON-escaped, then it is redacted everywhere, the result too', () => {
    const report = toRunReport(
      outcome({ stdout: 'token tok-abc-123\n{"ok": true, "result": "tok-abc-123"}', stderr: 'tok-abc-123' }),
      run,
    );
    expect(report.stdout).toBe('token [redacted]\n{"ok": true, "result": "[redacted]"}');
    expect(report.stderr).toBe('[redacted]');
    expect(report.result).toBe('[redacted]');
    expect(redactValues('{"v":"a\\"quoted\\"b"}', ['a"quoted"b'])).toBe('{"v":"[redacted]"}');
  });

  it('when a value is shorter than 4 characters, then it is not redacted (it cannot be told from output)', () => {
    expect(toRunReport(outcome({ stdout: '{"ok": true, "result": 1}' }), run).result).toBe(1);
  });

  it('when output was cut in the middle of a secret, then the start of the secret is cut too', () => {
    expect(redactValues('xx tok-ab', ['tok-abc-123'], true)).toBe('xx ');
    expect(redactValues('xx tok-ab', ['tok-abc-123'], false)).toBe('xx tok-ab');
  });

  it('when the code says ok false, then its error is reported', () => {
    const report = toRunReport(outcome({ stdout: '{"ok": false, "error": {"status": 403}}' }), run);
    expect({ ok: report.ok, error: report.error }).toEqual({ ok: false, error: '{"status":403}' });
  });

  it('when the last line is not a JSON object with ok, then the report says so', () => {
    expect(toRunReport(outcome({ stdout: 'done' }), run).error).toMatch(
      /not a JSON object like \{"ok": true/,
    );
    expect(toRunReport(outcome({ stdout: '[1,2]' }), run).ok).toBe(false);
  });

  it('when the code exits non-zero, times out, floods its output, runs out of memory or cannot install, then ok is false and error says why', () => {
    expect(toRunReport(outcome({ exitCode: 3, stdout: '{"ok": true}' }), run).error).toBe(
      'The connector exited with code 3',
    );
    expect(toRunReport(outcome({ exitCode: null, timedOut: true, signal: 'SIGKILL' }), run).error).toBe(
      'The connector ran longer than 5000 ms and was stopped',
    );
    expect(
      toRunReport(outcome({ exitCode: null, outputExceeded: 'stdout', signal: 'SIGKILL' }), run).error,
    ).toMatch(/more than 1024 bytes to stdout and was stopped/);
    expect(toRunReport(outcome({ exitCode: 1, stderr: 'Traceback ...\nMemoryError\n' }), run).error).toBe(
      'The connector ran out of memory (memoryMb 128) and was stopped',
    );
    expect(
      toRunReport(outcome({ install: { ok: false, message: 'pip failed' }, exitCode: null }), run).error,
    ).toBe('The dependencies could not be installed: pip failed');
  });
});
