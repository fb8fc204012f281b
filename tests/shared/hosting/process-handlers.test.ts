import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { repoRoot } from '../../support/test-stack';

// A worker of its own, as the Azure Functions Node.js worker sets itself up: its listener ends the process
// on an uncaught exception (and Node raises an unhandled rejection as one when nobody listens for it).
// Two invocations run at once; the first leaves a rejected promise nobody awaits, or throws from a timer.
const WORKER = (install: boolean, fault: 'rejection' | 'exception') => `
const { installProcessHandlers } = require(${JSON.stringify(join(repoRoot, 'dist/src/shared/hosting/process-handlers.js'))});
const { createLogger, consoleSink } = require(${JSON.stringify(join(repoRoot, 'dist/src/shared/logging/logger.js'))});
const { runWithCorrelation } = require(${JSON.stringify(join(repoRoot, 'dist/src/shared/telemetry/correlation.js'))});
process.on('uncaughtException', (error) => {
  process.stderr.write('worker uncaught exception: ' + error.message + '\\n');
  process.exit(1);
});
${install ? "installProcessHandlers(createLogger({ level: 'info', format: 'text', redact: (text) => text, sink: consoleSink }));" : ''}
runWithCorrelation('invocation-1', async () => {
  await new Promise((resolve) => setTimeout(resolve, 10));
  ${
    fault === 'rejection'
      ? "void Promise.reject(new Error('a bug nobody awaited'));"
      : "setTimeout(() => { throw new Error('a bug in a timer'); }, 0);"
  }
  return 'invocation-1 answered';
}).then((answer) => process.stdout.write(answer + '\\n'));
runWithCorrelation('invocation-2', async () => {
  await new Promise((resolve) => setTimeout(resolve, 300));
  process.stdout.write('invocation-2 answered\\n');
});
`;

function run(install: boolean, fault: 'rejection' | 'exception') {
  const child = spawnSync(process.execPath, ['-e', WORKER(install, fault)], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: child.status, output: `${child.stdout}${child.stderr}` };
}

describe('installProcessHandlers, in a process set up as the Functions Node.js worker sets itself up', () => {
  it("when no handlers are installed, then one invocation's unhandled rejection ends the worker and the other invocation with it", () => {
    const { code, output } = run(false, 'rejection');
    expect(code).toBe(1);
    expect(output).toContain('worker uncaught exception: a bug nobody awaited');
    expect(output).not.toContain('invocation-2 answered');
  });

  it('when they are installed, then an unhandled rejection is logged with the correlation id of its invocation and the other invocation still answers', () => {
    const { code, output } = run(true, 'rejection');
    expect(code).toBe(0);
    expect(output).toMatch(
      /ERROR unhandled promise rejection; the process goes on correlationId=invocation-1 .*a bug nobody awaited/,
    );
    expect(output).toContain('invocation-1 answered');
    expect(output).toContain('invocation-2 answered');
    expect(output).not.toContain('worker uncaught exception');
  });

  it('when they are installed and an invocation throws an uncaught exception, then it is logged with its correlation id first and the worker still ends the process', () => {
    const { code, output } = run(true, 'exception');
    expect(code).toBe(1);
    expect(output).toMatch(/ERROR uncaught exception correlationId=invocation-1 .*a bug in a timer/);
    expect(output.indexOf('ERROR uncaught exception')).toBeLessThan(
      output.indexOf('worker uncaught exception'),
    );
  });
});
