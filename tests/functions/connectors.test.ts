import { easyAuthHeaders } from '../support/identity';
import { startLoopbackListener } from '../support/loopback-listener';
import { getJson, startTestStack, type TestStack } from '../support/test-stack';

const ROLE = 'Connectors.Run';
const RUNNER = easyAuthHeaders('connector-runner-1', { roles: [ROLE] });
const NO_ROLE = easyAuthHeaders('connector-user-2', { roles: ['Other.Role'] });
const SECRET = 'sk-live-8d1f2c3b4a5e6f70';
const MAX_OUTPUT_BYTES = 8_192;

const PYTHON_MAIN = [
  'import json, os, sys',
  'context = json.load(sys.stdin)',
  'connector = context["connector"]',
  'client_id = connector["auth"]["clientId"]',
  'sheet = context.get("connector", {}).get("configuration", {}).get("sheetName")',
  'value = connector["configuration"]["valueToInsert"]',
  'print("client secret is", os.environ["CLIENT_SECRET"])',
  'print(json.dumps({"ok": True, "result": {',
  '    "clientIdResolved": client_id == os.environ["CLIENT_ID"],',
  '    "placeholderLeft": "{{" in json.dumps(connector),',
  '    "sheet": sheet, "valueToInsert": value, "language": connector["runtime"]["language"]}}))',
].join('\n');

/** The seed's example, with code that reads its paths and variables. */
function seedBody(changes: { connector?: Record<string, unknown>; [key: string]: unknown } = {}) {
  const { connector, ...rest } = changes;
  return {
    connector: {
      schemaVersion: '1.0',
      displayName: 'Google Sheets writer',
      runtime: { language: 'python', entryPoint: 'runner_entrypoint.py', timeoutMs: 20_000, memoryMb: 256 },
      auth: { clientId: '{{env:CLIENT_ID}}' },
      configuration: {
        spreadsheetId: 'SPREADSHEET_ID',
        sheetName: 'Sheet1',
        columnIndex: 3,
        valueToInsert: 'Hello',
      },
      files: { 'runner_entrypoint.py': PYTHON_MAIN },
      ...connector,
    },
    env: { CLIENT_ID: 'client-id-0001', CLIENT_SECRET: SECRET },
    configuration_overrides: { valueToInsert: 'Value set at execution time' },
    network_mode: 'none',
    ...rest,
  };
}

/** A connector of one file in one language. */
function oneFile(
  language: 'python' | 'javascript',
  code: string,
  runtime: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
) {
  const entryPoint = language === 'python' ? 'main.py' : 'index.js';
  return {
    connector: { runtime: { language, entryPoint, ...runtime }, files: { [entryPoint]: code } },
    ...extra,
  };
}

interface Report {
  ok: boolean;
  result?: unknown;
  error?: string;
  stdout: string;
  stderr: string;
  exitCode: number | null;
  durationMs: number;
  timedOut: boolean;
}
interface ErrorBody {
  error: { code: string; message: string; details?: { path?: string; message: string }[] };
  correlationId: string;
}

describe('POST /api/connectors/execute', () => {
  let stack: TestStack;
  let base: string;

  const post = (body: unknown, headers: Record<string, string> = RUNNER) =>
    getJson(`${base}/api/connectors/execute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const run = async (body: unknown) => {
    const { status, body: report } = await post(body);
    expect({ status, report }).toMatchObject({ status: 200 });
    return report as Report;
  };
  /** Starts the host with these settings, stopping the one a previous block started. */
  const restartHost = async (settings: Record<string, string>) => {
    try {
      await stack.host().stop();
    } catch {
      // no host yet (a filtered run skipped the block that starts it)
    }
    base = (await stack.startHost(settings)).url;
  };
  const executions = () =>
    Object.values(stack.sandbox?.stats().executions ?? {}).reduce((sum, count) => sum + count, 0);

  beforeAll(async () => {
    stack = await startTestStack();
    const problem = stack.sandbox?.isolationProblem;
    if (problem !== undefined) throw new Error(`the sandbox simulator cannot run code here: ${problem}`);
  }, 120_000);
  afterAll(() => stack.stop());

  describe('when CONNECTORS_ENABLED is not set', () => {
    beforeAll(() => restartHost({ AUTH_MODE: 'easyauth' }), 60_000);

    it('then the route answers 404 connectors_disabled, even to a caller with the role, and runs nothing', async () => {
      const { status, body } = await post(seedBody());
      expect(status).toBe(404);
      expect((body as ErrorBody).error).toEqual({
        code: 'connectors_disabled',
        message: 'The connector runner is not enabled on this deployment (CONNECTORS_ENABLED)',
      });
      expect(executions()).toBe(0);
    });
  });

  describe('when the runner is enabled', () => {
    beforeAll(
      () =>
        restartHost({
          AUTH_MODE: 'easyauth',
          CONNECTORS_ENABLED: 'true',
          CONNECTORS_ALLOWED_ROLE: ROLE,
          CONNECTORS_MAX_TIMEOUT_MS: '20000',
          CONNECTORS_MAX_OUTPUT_BYTES: String(MAX_OUTPUT_BYTES),
        }),
      60_000,
    );

    it('when a caller lacks the role, then 403 and nothing runs', async () => {
      const before = executions();
      const { status, body } = await post(seedBody(), NO_ROLE);
      expect(status).toBe(403);
      expect((body as ErrorBody).error).toMatchObject({
        code: 'forbidden',
        message: `Running connectors needs the app role "${ROLE}"`,
      });
      expect(executions()).toBe(before);
    });

    it('when the seed connector runs in Python, then its result comes back with placeholders resolved and overrides applied', async () => {
      const report = await run(seedBody());
      expect(report).toMatchObject({
        ok: true,
        exitCode: 0,
        timedOut: false,
        result: {
          clientIdResolved: true,
          placeholderLeft: false,
          sheet: 'Sheet1',
          valueToInsert: 'Value set at execution time',
          language: 'python',
        },
      });
    });

    it('when the code prints an env secret, then the answer has it redacted and no log line has it', async () => {
      const report = await run(seedBody());
      expect(report.stdout).toContain('client secret is [redacted]\n');
      expect(JSON.stringify(report)).not.toContain(SECRET);
      expect(stack.host().output()).not.toContain(SECRET);
    });

    it('when a JavaScript connector reads its definition from CONNECTOR_CONTEXT_FILE and stdin, then it reports its result', async () => {
      const code = [
        'const fs = require("fs");',
        'const fromFile = JSON.parse(fs.readFileSync(process.env.CONNECTOR_CONTEXT_FILE, "utf8"));',
        'const fromStdin = JSON.parse(fs.readFileSync(0, "utf8"));',
        'const { connector } = fromFile;',
        'console.log(JSON.stringify({ ok: true, result: { same: JSON.stringify(fromStdin) === JSON.stringify(fromFile),',
        '  target: connector.configuration.target, node: process.version.startsWith("v") } }));',
      ].join('\n');
      const report = await run({
        ...oneFile('javascript', code),
        connector: { ...oneFile('javascript', code).connector, configuration: { target: 'crm' } },
      });
      expect(report).toMatchObject({
        ok: true,
        result: { same: true, target: 'crm', node: true },
        exitCode: 0,
      });
    });

    it('when the code reads paths the definition lacks, then 400 missing_connector_paths lists them all and nothing runs', async () => {
      const before = { executions: executions(), uploads: stack.sandbox?.stats().uploads };
      const { status, body } = await post(
        seedBody({
          connector: { auth: {}, configuration: { spreadsheetId: 'x' } },
          configuration_overrides: {},
        }),
      );
      expect(status).toBe(400);
      const { error } = body as ErrorBody;
      expect(error.code).toBe('missing_connector_paths');
      expect(error.details?.map((detail) => detail.path)).toEqual([
        'connector.auth.clientId',
        'connector.configuration.valueToInsert',
      ]);
      expect({ executions: executions(), uploads: stack.sandbox?.stats().uploads }).toEqual(before);
    });

    it('when env lacks variables the code or a placeholder needs, then 400 missing_env lists them and nothing runs', async () => {
      const before = { executions: executions(), uploads: stack.sandbox?.stats().uploads };
      const { status, body } = await post(seedBody({ env: {} }));
      expect(status).toBe(400);
      const { error } = body as ErrorBody;
      expect(error.code).toBe('missing_env');
      expect(error.details).toEqual([
        { path: 'env.CLIENT_ID', message: 'is required by runner_entrypoint.py, the definition' },
        { path: 'env.CLIENT_SECRET', message: 'is required by runner_entrypoint.py' },
      ]);
      expect({ executions: executions(), uploads: stack.sandbox?.stats().uploads }).toEqual(before);
    });

    it('when a file name climbs out of the folder, then 400 says which file and why', async () => {
      const body = seedBody();
      const { status, body: answer } = await post({
        ...body,
        connector: { ...body.connector, files: { ...body.connector.files, '../escape.py': 'print(1)' } },
      });
      expect(status).toBe(400);
      expect((answer as ErrorBody).error.details).toEqual([
        expect.objectContaining({
          path: 'connector.files.../escape.py',
          message: '"../escape.py" must stay inside the connector folder: "." and ".." are not allowed',
        }),
      ]);
    });

    describe('networks', () => {
      let listener: Awaited<ReturnType<typeof startLoopbackListener>>;
      let port: number;
      beforeAll(async () => {
        listener = await startLoopbackListener('listener reached');
        port = listener.port;
      });
      afterAll(() => listener.close());

      const probe = () =>
        [
          'import json, urllib.request',
          'try:',
          `    answer = urllib.request.urlopen("http://127.0.0.1:${port}/", timeout=5).read().decode()`,
          'except Exception as error:',
          '    answer = "unreachable: " + type(error).__name__',
          'print(json.dumps({"ok": True, "result": answer}))',
        ].join('\n');

      it('when network_mode is none, then the code cannot reach a port on 127.0.0.1 the test listens on', async () => {
        const report = await run(oneFile('python', probe(), {}, { network_mode: 'none' }));
        expect(report.result).toMatch(/^unreachable: /);
      });

      it('when network_mode is bridge, then the code reaches it', async () => {
        const report = await run(oneFile('python', probe(), {}, { network_mode: 'bridge' }));
        expect(report.result).toBe('listener reached');
      });
    });

    it('when the code loops forever, then it is stopped at its timeout with timedOut true', async () => {
      const report = await run(oneFile('python', 'while True:\n    pass', { timeoutMs: 2_000 }));
      expect(report).toMatchObject({ ok: false, timedOut: true, exitCode: null });
      expect(report.error).toBe('The connector ran longer than 2000 ms and was stopped');
      expect(report.durationMs).toBeGreaterThanOrEqual(1_900);
      expect(report.durationMs).toBeLessThan(15_000);
    });

    it('when the code allocates past memoryMb, then it is stopped before its timeout', async () => {
      const python = await run(
        oneFile('python', 'chunks = []\nwhile True:\n    chunks.append(bytearray(10_000_000))', {
          memoryMb: 96,
          timeoutMs: 15_000,
        }),
      );
      expect(python).toMatchObject({
        ok: false,
        timedOut: false,
        error: 'The connector ran out of memory (memoryMb 96) and was stopped',
      });
      const javascript = await run(
        oneFile('javascript', 'const kept = [];\nfor (;;) kept.push(Buffer.alloc(10_000_000, 1));', {
          memoryMb: 96,
          timeoutMs: 15_000,
        }),
      );
      expect(javascript).toMatchObject({
        ok: false,
        timedOut: false,
        error: 'The connector ran out of memory (memoryMb 96) and was stopped',
      });
    });

    it('when the code floods stdout, then the answer keeps CONNECTORS_MAX_OUTPUT_BYTES of it and says the connector was stopped', async () => {
      const report = await run(
        oneFile('python', 'import sys\nfor _ in range(100_000):\n    sys.stdout.write("x" * 100)'),
      );
      expect(report.ok).toBe(false);
      expect(Buffer.byteLength(report.stdout)).toBe(MAX_OUTPUT_BYTES);
      expect(report.error).toBe(
        `The connector wrote more than ${MAX_OUTPUT_BYTES} bytes to stdout and was stopped; its output is cut at that limit`,
      );
      const javascript = await run(
        oneFile('javascript', 'for (let i = 0; i < 100000; i++) process.stdout.write("x".repeat(100));'),
      );
      expect({ ok: javascript.ok, bytes: Buffer.byteLength(javascript.stdout) }).toEqual({
        ok: false,
        bytes: MAX_OUTPUT_BYTES,
      });
    });

    describe('dependencies', () => {
      const usesIsNumber =
        'const isNumber = require("is-number");\nconsole.log(JSON.stringify({ ok: true, result: isNumber(42) }));';

      it.each([
        ['an array of {name, version}', [{ name: 'is-number', version: '7.0.0' }]],
        ['an array of names', ['is-number']],
        ['a {name: version} map', { 'is-number': '7.0.0' }],
      ])(
        'when a JavaScript connector lists them as %s with network_mode bridge, then npm installs them and the code uses them',
        async (_form, dependencies) => {
          const report = await run(
            oneFile(
              'javascript',
              usesIsNumber,
              { dependencies, timeoutMs: 20_000 },
              { network_mode: 'bridge' },
            ),
          );
          expect({ ok: report.ok, result: report.result, error: report.error }).toEqual({
            ok: true,
            result: true,
            error: undefined,
          });
        },
        120_000,
      );

      it.each([
        ['an array of {name, version}', [{ name: 'tinydb', version: '4.8.0' }], 'tinydb==4.8.0'],
        ['an array of names', ['tinydb'], 'tinydb'],
        ['a {name: version} map', { tinydb: '4.8.0' }, 'tinydb==4.8.0'],
      ])(
        'when a Python connector lists them as %s but no package index is reachable, then the answer says pip could not install them',
        async (_form, dependencies, spec) => {
          const report = await run(
            oneFile('python', 'import tinydb', { dependencies }, { network_mode: 'bridge' }),
          );
          expect(report).toMatchObject({ ok: false, exitCode: null });
          expect(report.error).toContain(
            `The dependencies could not be installed: pip install ${spec} failed (exit 1)`,
          );
          expect(report.error).toMatch(/No matching distribution|Could not find a version/);
        },
        60_000,
      );

      it('when dependencies are missing and network_mode is none, then the answer says there is no network to install them', async () => {
        const report = await run(oneFile('javascript', usesIsNumber, { dependencies: ['is-number'] }));
        expect(report.error).toBe(
          'The dependencies could not be installed: network_mode is none, so the sandbox has no network to install is-number (use network_mode bridge, or only packages the session already has)',
        );
      });

      it('when a dependency is not one of the forms, then 400 before anything runs', async () => {
        const { status, body } = await post(oneFile('python', 'print(1)', { dependencies: 'requests' }));
        expect(status).toBe(400);
        expect((body as ErrorBody).error.details?.[0]?.path).toBe('connector.runtime.dependencies');
      });
    });

    it('when the session pool refuses or is busy, then the answer says what to fix or when to retry', async () => {
      stack.sandbox?.scriptNext({
        status: 429,
        headers: { 'retry-after': '7' },
        body: { error: { code: 'TooManyRequests', message: 'slow down' } },
      });
      const busy = await post(seedBody());
      expect({
        status: busy.status,
        retryAfter: busy.headers.get('retry-after'),
        code: (busy.body as ErrorBody).error.code,
      }).toEqual({
        status: 503,
        retryAfter: '7',
        code: 'sandbox_busy',
      });
      stack.sandbox?.scriptNext({ status: 403, body: { error: { code: 'Forbidden', message: 'no role' } } });
      const forbidden = await post(seedBody());
      expect({ status: forbidden.status, error: (forbidden.body as ErrorBody).error }).toEqual({
        status: 502,
        error: {
          code: 'sandbox_forbidden',
          message:
            "The app's identity may not upload a connector file (403): it needs the Azure ContainerApps Session Executor role on the session pool",
        },
      });
    });

    it('when the language is unknown, then 400 names the languages', async () => {
      const { status, body } = await post(oneFile('python', 'x', { language: 'ruby' }));
      expect(status).toBe(400);
      expect((body as ErrorBody).error.details?.[0]).toMatchObject({
        path: 'connector.runtime.language',
        message: 'must be "python" or "javascript"',
      });
    });
  });

  describe('when no egress pool is configured', () => {
    beforeAll(
      () =>
        restartHost({
          AUTH_MODE: 'easyauth',
          CONNECTORS_ENABLED: 'true',
          CONNECTORS_SESSIONS_PYTHON_EGRESS_ENDPOINT: '',
        }),
      60_000,
    );

    it('then network_mode bridge is refused with 400 naming the setting, and none still runs', async () => {
      const before = executions();
      const { status, body } = await post(
        oneFile('python', 'print("{\\"ok\\": true}")', {}, { network_mode: 'bridge' }),
      );
      expect(status).toBe(400);
      expect((body as ErrorBody).error).toMatchObject({
        code: 'network_mode_unavailable',
        message: expect.stringContaining('CONNECTORS_SESSIONS_PYTHON_EGRESS_ENDPOINT'),
      });
      expect(executions()).toBe(before);
      expect((await run(oneFile('python', 'print(\'{"ok": true}\')'))).ok).toBe(true);
    });
  });

  describe('when a caller has used up QUOTA_CONNECTOR_RUNS_PER_DAY', () => {
    beforeAll(
      () =>
        restartHost({
          AUTH_MODE: 'easyauth',
          CONNECTORS_ENABLED: 'true',
          QUOTA_CONNECTOR_RUNS_PER_DAY: '1',
        }),
      60_000,
    );

    it('then the next run is 429 quota_exceeded before the sandbox runs anything, and a definition that fails its checks costs nothing', async () => {
      const caller = easyAuthHeaders('connector-quota-user', { roles: [ROLE] });
      const missing = await post({ ...seedBody(), env: {} }, caller);
      expect(missing.status).toBe(400);
      expect((await post(oneFile('python', 'print(\'{"ok": true}\')'), caller)).status).toBe(200);
      const before = executions();
      const over = await post(oneFile('python', 'print(\'{"ok": true}\')'), caller);
      expect(over.status).toBe(429);
      expect(over.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((over.body as ErrorBody).error).toMatchObject({
        code: 'quota_exceeded',
        details: [expect.objectContaining({ code: 'connector_runs_per_day' })],
      });
      expect(executions()).toBe(before);
      // Another user is still served.
      const another = easyAuthHeaders('connector-quota-user-2', { roles: [ROLE] });
      expect((await post(oneFile('python', 'print(\'{"ok": true}\')'), another)).status).toBe(200);
    });
  });
});
