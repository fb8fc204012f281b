import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ScoringSimulator } from '../../dev/scoring-simulator';
import { freePort } from '../../dev/stack/ports';
import { repoRoot, startTestStack, type TestStack } from '../support/test-stack';

// The built doctor (dist/dev/doctor/main.js) as a user runs it, from an empty folder so no
// local.settings.json or .env leaks in, against the test stack's emulators and simulators.

const DOCTOR = join(repoRoot, 'dist/dev/doctor/main.js');
const SENTINEL_AOAI_KEY = 'sentinel-aoai-key-3b9f0c6d1e';
const SENTINEL_AML_KEY = 'sentinel-aml-key-8e2a4f7c05';
// Base64, as a storage account key is: the redactor masks it inside the connection string.
const SENTINEL_ACCOUNT_KEY = Buffer.from('sentinel-storage-key-6c1d9a').toString('base64');

interface DoctorRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly output: string;
}

interface CheckLine {
  readonly mark: string;
  readonly detail: string;
  readonly hint?: string;
}

let stack: TestStack;
let scoring: ScoringSimulator;
let emptyDir: string;

function runDoctor(env: Record<string, string>): Promise<DoctorRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [DOCTOR],
      { cwd: emptyDir, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        // A non-zero exit is a result; a doctor that could not start or was killed is not.
        if (error !== null && typeof error.code !== 'number') {
          reject(new Error(`doctor did not run: ${error.message}`));
        } else {
          resolve({ code: child.exitCode, stdout, output: stdout + stderr });
        }
      },
    );
  });
}

/** The lines of one check (a check name can have several, e.g. one per bad setting), with their hints. */
function linesOf(stdout: string, name: string): CheckLine[] {
  const lines = stdout.split('\n');
  return lines.flatMap((line, index) => {
    const match = /^([✔✖!]) (.{24}) (.*)$/u.exec(line);
    if (match?.[2]?.trim() !== name) return [];
    const hint = /^\s+fix: (.*)$/.exec(lines[index + 1] ?? '')?.[1];
    return [{ mark: match[1] ?? '', detail: match[3] ?? '', ...(hint === undefined ? {} : { hint }) }];
  });
}

function lineOf(stdout: string, name: string): CheckLine {
  const found = linesOf(stdout, name);
  expect(found).toHaveLength(1);
  return found[0] ?? { mark: '', detail: '' };
}

beforeAll(async () => {
  stack = await startTestStack();
  if (stack.scoring === undefined) throw new Error('the test stack has no scoring simulator');
  scoring = stack.scoring;
  emptyDir = mkdtempSync(join(tmpdir(), 'doctor-cwd-'));
}, 60_000);

afterAll(async () => {
  await stack.stop();
  rmSync(emptyDir, { recursive: true, force: true });
});

beforeEach(() => {
  scoring.resetStats();
});

describe('npm run doctor', () => {
  test('when every dependency of the stack is up, then it exits 0 with a ✔ line for each and no secret', async () => {
    const run = await runDoctor(stack.env);

    expect(run.code).toBe(0);
    for (const name of [
      'settings',
      'Azure OpenAI endpoint',
      'Azure OpenAI deployment',
      'Azure ML scoring',
      'Cosmos DB account',
      'Storage queue service',
    ]) {
      expect({ name, mark: lineOf(run.stdout, name).mark }).toEqual({ name, mark: '✔' });
    }
    expect(lineOf(run.stdout, 'Azure OpenAI endpoint').detail).toContain('AZURE_OPENAI_API_KEY set');
    expect(lineOf(run.stdout, 'Azure ML scoring').detail).toContain("'neutral or dissatisfied'");
    // Nothing has created the database or the queues yet: a note, not a failure.
    expect(lineOf(run.stdout, 'Cosmos DB database').mark).toBe('!');
    expect(lineOf(run.stdout, 'Storage queues').detail).toMatch(/batch-jobs.*created on first use locally/);
    expect(run.stdout).not.toContain('✖');
    expect(scoring.stats().requests).toBe(1);
    const accountKey = /AccountKey=([^;]+)/.exec(stack.env.AzureWebJobsStorage ?? '')?.[1] ?? '';
    for (const secret of [
      stack.env.AZURE_OPENAI_API_KEY,
      stack.env.AML_API_KEY,
      stack.env.COSMOS_KEY,
      accountKey,
    ]) {
      expect(secret?.length).toBeGreaterThan(8);
      expect(run.output).not.toContain(secret);
    }
  });

  test('when the key, the scoring URI, Cosmos and storage are wrong, then it exits 1 with a ✖ and a hint for each', async () => {
    const run = await runDoctor({
      ...stack.env,
      AZURE_OPENAI_API_KEY: SENTINEL_AOAI_KEY,
      AML_SCORING_URI: 'https://x.openai.azure.com/openai/deployments/chat/chat/completions',
      AML_API_KEY: SENTINEL_AML_KEY,
      COSMOS_ENDPOINT: `https://127.0.0.1:${await freePort()}`,
      AzureWebJobsStorage: (stack.env.AzureWebJobsStorage ?? '').replace(
        /AccountKey=[^;]+/,
        `AccountKey=${SENTINEL_ACCOUNT_KEY}`,
      ),
    });

    expect(run.code).toBe(1);
    expect(lineOf(run.stdout, 'Azure OpenAI endpoint')).toMatchObject({
      mark: '✖',
      hint: expect.stringContaining('AZURE_OPENAI_API_KEY'),
    });
    expect(lineOf(run.stdout, 'Azure ML scoring')).toMatchObject({
      mark: '✖',
      detail: expect.stringContaining('not called'),
      hint: expect.stringMatching(/Azure OpenAI URL.*inference\.ml\.azure\.com\/score/),
    });
    expect(lineOf(run.stdout, 'Cosmos DB account')).toMatchObject({
      mark: '✖',
      detail: expect.stringContaining('ECONNREFUSED'),
      hint: expect.stringContaining('COSMOS_ENDPOINT'),
    });
    expect(lineOf(run.stdout, 'Storage queue service')).toMatchObject({
      mark: '✖',
      hint: expect.stringContaining('AccountKey in AzureWebJobsStorage'),
    });
    for (const secret of [SENTINEL_AOAI_KEY, SENTINEL_AML_KEY, SENTINEL_ACCOUNT_KEY]) {
      expect(run.output).not.toContain(secret);
    }
  });

  test('when the deployment is unknown and nothing listens at the scoring URI, then both fail with their hints', async () => {
    const run = await runDoctor({
      ...stack.env,
      AZURE_OPENAI_DEPLOYMENT: 'no-such-deployment',
      AML_SCORING_URI: `http://127.0.0.1:${await freePort()}/score`,
    });

    expect(run.code).toBe(1);
    expect(lineOf(run.stdout, 'Azure OpenAI endpoint').mark).toBe('✔');
    expect(lineOf(run.stdout, 'Azure OpenAI deployment')).toMatchObject({
      mark: '✖',
      detail: expect.stringContaining('no-such-deployment'),
      hint: expect.stringContaining('AZURE_OPENAI_DEPLOYMENT'),
    });
    expect(lineOf(run.stdout, 'Azure ML scoring')).toMatchObject({
      mark: '✖',
      detail: expect.stringContaining('could not reach the scoring endpoint'),
      hint: expect.stringContaining('AML_SCORING_URI'),
    });
  });

  test('when the scoring endpoint refuses the key and echoes it, then the line shows the 401 and hint but not the key', async () => {
    scoring.scriptNext({ status: 401, body: `key_auth_access_denied: ${SENTINEL_AML_KEY} is not a key` });

    const run = await runDoctor({ ...stack.env, AML_API_KEY: SENTINEL_AML_KEY });

    expect(run.code).toBe(1);
    expect(lineOf(run.stdout, 'Azure ML scoring')).toMatchObject({
      mark: '✖',
      detail: expect.stringMatching(/HTTP 401.*\[redacted\] is not a key/),
      hint: expect.stringContaining('AML_API_KEY'),
    });
    expect(run.output).not.toContain(SENTINEL_AML_KEY);
  });

  test('when settings do not parse, then each gets its own ✖ line with the setting description as hint', async () => {
    const run = await runDoctor({ ...stack.env, LOG_LEVEL: 'loud', AML_TIMEOUT_MS: 'soon' });

    expect(run.code).toBe(1);
    const settings = linesOf(run.stdout, 'settings');
    expect(settings).toHaveLength(2);
    expect(settings).toEqual(
      expect.arrayContaining([
        { mark: '✖', detail: expect.stringMatching(/^LOG_LEVEL: /), hint: 'Lowest level logged' },
        {
          mark: '✖',
          detail: expect.stringMatching(/^AML_TIMEOUT_MS: /),
          hint: 'Timeout of one scoring request, in ms',
        },
      ]),
    );
    // The dependencies are still checked with the settings that did parse.
    expect(lineOf(run.stdout, 'Cosmos DB account').mark).toBe('✔');
  });

  test('when nothing is configured, then it exits 1 listing the required settings and pointing at npm start', async () => {
    const run = await runDoctor({});

    expect(run.code).toBe(1);
    const required = linesOf(run.stdout, 'settings').map((line) => line.detail.split(':')[0]);
    expect(required).toEqual(
      expect.arrayContaining([
        'AZURE_OPENAI_ENDPOINT',
        'AZURE_OPENAI_DEPLOYMENT',
        'COSMOS_ENDPOINT',
        'AzureWebJobsStorage',
      ]),
    );
    expect(
      linesOf(run.stdout, 'settings').every((line) => line.mark === '✖' && line.hint !== undefined),
    ).toBe(true);
    expect(run.stdout).toMatch(/`npm start` runs local stand-ins/);
    expect(scoring.stats().requests).toBe(0);
  });

  describe("the deployment's model", () => {
    const model = () => {
      if (stack.model === undefined) throw new Error('no model simulator');
      return stack.model;
    };
    afterEach(() => {
      model().configure({ deployments: ['chat:reasoning'] });
    });

    test('when the deployment is a reasoning model on the v1 API, then the 1-token check passes and names model, version and dates', async () => {
      model().resetStats();
      const before = model().recentRequests().length;
      const run = await runDoctor(stack.env);

      expect(lineOf(run.stdout, 'Azure OpenAI endpoint').detail).toContain(
        `answered on the v1 API (${stack.env.AZURE_OPENAI_ENDPOINT ?? ''}/openai/v1/)`,
      );
      expect(lineOf(run.stdout, 'Azure OpenAI deployment')).toEqual({
        mark: '✔',
        detail:
          "'chat' answered a 1-token chat completion: model gpt-5.4-mini, version 2026-03-17 (GA; no new customers from 2027-03-17, retires 2027-09-21)",
      });
      expect(model().recentRequests().slice(before)).toEqual([
        expect.objectContaining({ max_completion_tokens: 1 }) as unknown,
      ]);
      expect(model().stats().refused).toBe(0);
    });

    test('when the classic path is configured, then the endpoint line says so', async () => {
      const run = await runDoctor({ ...stack.env, AZURE_OPENAI_API_VERSION: '2025-04-01-preview' });
      expect(lineOf(run.stdout, 'Azure OpenAI endpoint').detail).toContain(
        'answered on the classic path, api-version 2025-04-01-preview',
      );
      expect(lineOf(run.stdout, 'Azure OpenAI deployment').mark).toBe('✔');
    });

    test('when the version retires within 60 days (or has), then it is a warning with the date and what to do', async () => {
      model().configure({ deployments: ['chat:reasoning@o3-pro-2025-06-10'] });
      const run = await runDoctor(stack.env);

      const line = lineOf(run.stdout, 'Azure OpenAI deployment');
      expect(line.mark).toBe('!');
      expect(line.detail).toMatch(
        /model o3-pro, version 2025-06-10 \(GA; .*retires 2026-12-17\): it (retires in|retired) \d+ day/,
      );
      expect(line.hint).toContain('deploy a newer model version');
      expect(run.code).toBe(0);
    });

    test('when the model is not in infra/models.json, then it is a warning saying where to look', async () => {
      model().configure({ deployments: ['chat:reasoning@gpt-7-2031-01-01'] });
      const run = await runDoctor(stack.env);

      const line = lineOf(run.stdout, 'Azure OpenAI deployment');
      expect(line).toMatchObject({
        mark: '!',
        detail: expect.stringContaining(
          'model gpt-7, version 2031-01-01, which infra/models.json does not list',
        ) as unknown,
      });
    });
  });
});
