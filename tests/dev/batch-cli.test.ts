import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Ajv from 'ajv';

import { freePort } from '../../dev/stack/ports';
import { repoRoot, startTestStack, type TestStack } from '../support/test-stack';

// The built CLI (dist/dev/batch-cli/main.js) as a user runs it, from an empty folder and with an
// environment that holds no BATCH_API_URL or BATCH_API_TOKEN of the developer's, against the test stack.

const CLI = join(repoRoot, 'dist/dev/batch-cli/main.js');
const COMPANIES = join(repoRoot, 'dev/batch-cli/examples/companies.jsonl');
const SCHEMA = join(repoRoot, 'dev/batch-cli/examples/company-schema.json');

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface SavedItem {
  index: number;
  input: unknown;
  output?: Record<string, unknown>;
  error?: string;
}

let stack: TestStack;
let base: string;
let workDir: string;

function runCli(args: readonly string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: workDir, env: { PATH: process.env.PATH ?? '' }, timeout: 20_000 },
      (error, stdout, stderr) => {
        // A non-zero exit is a result; a CLI that could not start or was killed is not.
        if (error !== null && typeof error.code !== 'number') {
          reject(new Error(`the CLI did not run: ${error.message}\n${stderr}`));
        } else {
          resolve({ code: child.exitCode, stdout, stderr });
        }
      },
    );
  });
}

/** The indexes in the first column of a printed results table. */
function tableIndexes(stdout: string): number[] {
  return [...stdout.matchAll(/^│ (\d+) +│/gmu)].map((match) => Number(match[1]));
}

function jobIdOf(stdout: string): string {
  const jobId = /Submitted job (\S+) /.exec(stdout)?.[1];
  if (jobId === undefined) throw new Error(`no job id in:\n${stdout}`);
  return jobId;
}

function expectCleanFailure(run: CliRun, message: RegExp) {
  expect(run.code).not.toBe(0);
  expect(run.stderr).toMatch(message);
  // A clear message, not a crash: no stack frames.
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

const companyLines = () =>
  readFileSync(COMPANIES, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line): unknown => JSON.parse(line));

beforeAll(async () => {
  stack = await startTestStack();
  base = (await stack.startHost()).url;
  workDir = mkdtempSync(join(tmpdir(), 'batch-cli-'));
}, 60_000);

afterAll(async () => {
  await stack.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('npm run batch against the local host', () => {
  let submitted: CliRun;
  let jobId: string;

  beforeAll(async () => {
    submitted = await runCli([
      'submit',
      COMPANIES,
      '--schema',
      SCHEMA,
      '--wait',
      '--out',
      'results.json',
      '--url',
      base,
    ]);
    jobId = jobIdOf(submitted.stdout);
  }, 30_000);

  const savedItems = () => JSON.parse(readFileSync(join(workDir, 'results.json'), 'utf8')) as SavedItem[];

  it('when the examples are submitted with --wait, then it exits 0 and prints a table with every index', () => {
    expect(submitted.stderr).not.toMatch(/error/i);
    expect(submitted.code).toBe(0);
    expect(tableIndexes(submitted.stdout)).toEqual([...Array(12).keys()]);
    expect(submitted.stdout).toContain(`Job ${jobId} completed: 12 of 12 done`);
  });

  it('when the examples are submitted with --wait, then the file holds every item in index order, each output valid against the schema', () => {
    const saved = savedItems();
    const validate = new Ajv().compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as Record<string, unknown>);
    expect(saved.map((item) => item.index)).toEqual([...Array(12).keys()]);
    expect(saved.map((item) => item.input)).toEqual(companyLines());
    for (const item of saved) {
      expect(item.error).toBeUndefined();
      expect(validate(item.output)).toBe(true);
      expect(item.output).toEqual({
        company_name: expect.any(String),
        stock_symbol: expect.any(String),
        ceo: expect.objectContaining({ name: expect.any(String) }),
      });
    }
    // The simulator reads "stock symbol is AAPL" from the text: outputs belong to their own inputs.
    expect(saved[0]?.output?.stock_symbol).toBe('AAPL');
  });

  it('when status is asked for the job, then it shows the job completed with 12 of 12 done', async () => {
    const table = await runCli(['status', jobId, '--url', base]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/│ status +│ completed +│/);
    expect(table.stdout).toMatch(/│ done +│ 12 of 12 +│/);

    const json = await runCli(['status', jobId, '--json', '--url', base]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      jobId,
      status: 'completed',
      total: 12,
      succeeded: 12,
      failed: 0,
      pending: 0,
    });
  });

  it('when results are asked for the job with --out, then the table and the file hold what submit saved', async () => {
    const run = await runCli(['results', jobId, '--out', 'again.json', '--url', base]);
    expect(run.code).toBe(0);
    expect(tableIndexes(run.stdout)).toEqual([...Array(12).keys()]);
    expect(JSON.parse(readFileSync(join(workDir, 'again.json'), 'utf8'))).toEqual(savedItems());
  });

  it('when the same file is submitted again, then its Idempotency-Key finds the same job instead of a new one', async () => {
    const run = await runCli(['submit', COMPANIES, '--schema', SCHEMA, '--url', base]);
    expect(run.code).toBe(0);
    expect(jobIdOf(run.stdout)).toBe(jobId);
    expect(run.stdout).toContain(`npm run batch -- status ${jobId}`);
  });

  it('when an item fails, then submit --wait exits 2 and shows its error in the table and the file', async () => {
    writeFileSync(
      join(workDir, 'mixed.jsonl'),
      '"Apple Inc. stock symbol is AAPL"\n"Broken Corp thinks past the token budget [sim:reasoning-tokens:100000]"\n',
    );
    const run = await runCli([
      'submit',
      'mixed.jsonl',
      '--schema',
      SCHEMA,
      '--wait',
      '--out',
      'mixed.json',
      '--url',
      base,
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/│ error +│/);
    expect(run.stderr).toContain('1 of 2 items failed');
    const saved = JSON.parse(readFileSync(join(workDir, 'mixed.json'), 'utf8')) as SavedItem[];
    expect(saved[0]).toMatchObject({ index: 0, output: { stock_symbol: 'AAPL' } });
    expect(saved[1]).toMatchObject({
      index: 1,
      error: expect.stringContaining('cut short by the token budget'),
    });
    expect(saved[1]?.output).toBeUndefined();
  });

  it('when the job does not exist, then status exits 1 with the API error code, message and correlation id', async () => {
    const run = await runCli(['status', 'no-such-job-123', '--url', base]);
    expectCleanFailure(run, /not_found: No such batch job/);
    expect(run.stderr).toMatch(/HTTP 404 .*correlation id [0-9a-f-]{36}/);
  });

  it('when Ctrl-C stops --wait, then it exits 130 naming the job, which goes on and can be followed with status', async () => {
    stack.model?.configure({ timeToFirstTokenMs: 3_000 });
    try {
      const child = spawn(
        process.execPath,
        [CLI, 'submit', COMPANIES, '--schema', SCHEMA, '--name', 'interrupted', '--wait', '--url', base],
        { cwd: workDir, env: { PATH: process.env.PATH ?? '' } },
      );
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('Submitted job')) resolve();
        });
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      const interrupted = jobIdOf(stdout);
      expect(stderr).toContain(`Stopped waiting for job ${interrupted}`);
      expect(stderr).toContain(`npm run batch -- status ${interrupted} --url ${base}`);
      expect(stderr).toContain(`npm run batch -- results ${interrupted} --url ${base}`);

      const status = await runCli(['status', interrupted, '--json', '--url', base]);
      expect(JSON.parse(status.stdout)).toMatchObject({ jobId: interrupted, name: 'interrupted', total: 12 });
    } finally {
      stack.model?.configure({ timeToFirstTokenMs: 0 });
    }
  });
});

describe('npm run batch errors', () => {
  it('when the items file is missing, then it exits 1 with "no such file" and its path', async () => {
    const run = await runCli(['submit', 'missing.jsonl', '--schema', SCHEMA, '--url', base]);
    expectCleanFailure(run, /^error: no such file: missing\.jsonl$/m);
  });

  it('when a JSON Lines file has bad JSON, then it exits 1 naming the file and the line', async () => {
    writeFileSync(
      join(workDir, 'bad.jsonl'),
      '"Apple Inc. is led by Tim Cook"\n\nMicrosoft, led by Satya Nadella\n',
    );
    const run = await runCli(['submit', 'bad.jsonl', '--schema', SCHEMA, '--url', base]);
    expectCleanFailure(run, /bad JSON in bad\.jsonl at line 3, column 1/);
  });

  it('when a JSON array file has bad JSON, then it exits 1 naming the file and the line', async () => {
    writeFileSync(join(workDir, 'bad.json'), '[\n  "Apple Inc.",\n  "Microsoft",\n  "Tesla",,\n]\n');
    const run = await runCli(['submit', 'bad.json', '--schema', SCHEMA, '--url', base]);
    expectCleanFailure(run, /bad JSON in bad\.json at line 4, column 11/);
  });

  it('when the schema file is not JSON, then it exits 1 naming the schema file and the line', async () => {
    writeFileSync(join(workDir, 'schema.json'), '{\n  "type": "object",\n  properties: {}\n}\n');
    const run = await runCli(['submit', COMPANIES, '--schema', 'schema.json', '--url', base]);
    expectCleanFailure(run, /bad JSON in schema\.json at line 3/);
  });

  it('when the server rejects the schema, then it exits 1 with its code, message and correlation id', async () => {
    writeFileSync(join(workDir, 'array-schema.json'), '{"type": "array", "items": {"type": "string"}}');
    const run = await runCli(['submit', COMPANIES, '--schema', 'array-schema.json', '--url', base]);
    expectCleanFailure(run, /validation_error: The schema must describe an object/);
    expect(run.stderr).toMatch(/HTTP 400 from POST \/api\/batch-jobs, correlation id [0-9a-f-]{36}/);
  });

  it('when nothing listens at --url, then it exits 1 saying it cannot reach it and to run npm start', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const run = await runCli(['submit', COMPANIES, '--schema', SCHEMA, '--url', closed]);
    expectCleanFailure(
      run,
      new RegExp(`cannot reach ${closed} \\(ECONNREFUSED\\): is \`npm start\` running\\?`),
    );
  });

  it('when the server never answers, then it gives up after --timeout and says so', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const run = await runCli([
        'status',
        'some-job-123',
        '--timeout',
        '0.5',
        '--url',
        `http://127.0.0.1:${port}`,
      ]);
      expectCleanFailure(run, /no answer from http:\/\/127\.0\.0\.1:\d+ within 0\.5 s/);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
