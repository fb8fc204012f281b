import { connectorRequestSchema } from '../../../src/shared/connectors/connector-request';
import { prepareConnectorRun } from '../../../src/shared/connectors/prepare-run';
import { AppError } from '../../../src/shared/errors';

const schema = connectorRequestSchema({ maxFiles: 50, maxFileBytes: 262_144 });
const limits = { maxTimeoutMs: 60_000, maxMemoryMb: 512, installTimeoutMs: 90_000, maxOutputBytes: 65_536 };

const PYTHON = [
  'import json, os, sys',
  'context = json.load(sys.stdin)',
  'client_id = context["connector"]["auth"]["clientId"]',
  'sheet = context.connector.configuration.sheetName',
  'secret = os.environ["CLIENT_SECRET"]',
  'region = os.getenv("REGION", "eu")',
].join('\n');

function request(overrides: Record<string, unknown> = {}, connector: Record<string, unknown> = {}) {
  return schema.parse({
    connector: {
      schemaVersion: '1.0',
      displayName: 'Sheets',
      runtime: { language: 'python', entryPoint: 'main.py' },
      auth: { clientId: '{{env:CLIENT_ID}}' },
      configuration: { sheetName: 'Sheet1', columnIndex: 3 },
      files: { 'main.py': PYTHON },
      ...connector,
    },
    env: { CLIENT_ID: 'client-1', CLIENT_SECRET: 's3cret-value' },
    ...overrides,
  });
}

/** The AppError a call throws (fails the test when it throws nothing or something else). */
function thrown(call: () => unknown): AppError {
  try {
    call();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
}

describe('prepareConnectorRun', () => {
  it('when the definition has every path and variable the code uses, then the run carries the resolved definition', () => {
    const run = prepareConnectorRun(request(), limits);
    expect(run.context).toEqual({
      connector: {
        schemaVersion: '1.0',
        displayName: 'Sheets',
        runtime: { language: 'python', entryPoint: 'main.py' },
        auth: { clientId: 'client-1' },
        configuration: { sheetName: 'Sheet1', columnIndex: 3 },
      },
    });
    expect(run).toMatchObject({
      language: 'python',
      entryPoint: 'main.py',
      network: 'none',
      timeoutMs: 30_000,
      memoryMb: 256,
    });
  });

  it('when paths are missing, then 400 missing_connector_paths lists every one with the file reading it', () => {
    const error = thrown(() =>
      prepareConnectorRun(request({}, { auth: {}, configuration: { columnIndex: 3 } }), limits),
    );
    expect({ status: error.status, code: error.code }).toEqual({
      status: 400,
      code: 'missing_connector_paths',
    });
    expect(error.details?.map((detail) => detail.path)).toEqual([
      'connector.auth.clientId',
      'connector.configuration.sheetName',
    ]);
    expect(error.details?.[0]?.message).toMatch(/read by main\.py/);
    expect(error.message).toContain('connector.auth.clientId, connector.configuration.sheetName');
  });

  it('when a top-level key the code uses is missing, then it is listed too', () => {
    const error = thrown(() => prepareConnectorRun(request({}, { auth: undefined }), limits));
    expect(error.details?.map((detail) => detail.path)).toEqual(['connector.auth.clientId']);
  });

  it('when configuration_overrides supply a missing path, then the run passes and the override wins', () => {
    const run = prepareConnectorRun(
      request(
        { configuration_overrides: { sheetName: 'Override', extra: { deep: true } } },
        { configuration: { columnIndex: 3 } },
      ),
      limits,
    );
    expect((run.context as { connector: { configuration: unknown } }).connector.configuration).toEqual({
      columnIndex: 3,
      sheetName: 'Override',
      extra: { deep: true },
    });
  });

  it('when the code reads metadata keys, then they are not required', () => {
    const code = 'print(connector.notes.text, connector.version.major, connector.description)';
    expect(() =>
      prepareConnectorRun(request({ env: {} }, { files: { 'main.py': code }, auth: undefined }), limits),
    ).not.toThrow();
  });

  it('when variables are missing, then 400 missing_env lists each with where it is needed, optional ones not included', () => {
    const error = thrown(() => prepareConnectorRun(request({ env: {} }), limits));
    expect({ status: error.status, code: error.code }).toEqual({ status: 400, code: 'missing_env' });
    expect(error.details).toEqual([
      { path: 'env.CLIENT_ID', message: 'is required by the definition' },
      { path: 'env.CLIENT_SECRET', message: 'is required by main.py' },
    ]);
  });

  it('when the entry point is not a file, or not of the language, then 400 says which', () => {
    const missing = thrown(() =>
      prepareConnectorRun(request({}, { runtime: { language: 'python', entryPoint: 'run.py' } }), limits),
    );
    expect({ code: missing.code, message: missing.message }).toEqual({
      code: 'missing_entry_point',
      message: 'connector.runtime.entryPoint "run.py" is not one of connector.files',
    });
    const wrong = thrown(() =>
      prepareConnectorRun(
        request({}, { runtime: { language: 'javascript', entryPoint: 'main.py' } }),
        limits,
      ),
    );
    expect(wrong.message).toBe(
      'connector.runtime.entryPoint "main.py" is not a javascript file (.js, .mjs, .cjs)',
    );
  });

  it('when a dependency does not suit the language, then 400 invalid_dependency names it', () => {
    const error = thrown(() =>
      prepareConnectorRun(
        request(
          {},
          { runtime: { language: 'python', entryPoint: 'main.py', dependencies: { requests: '^2.0' } } },
        ),
        limits,
      ),
    );
    expect({ code: error.code, path: error.details?.[0]?.path }).toEqual({
      code: 'invalid_dependency',
      path: 'connector.runtime.dependencies.0',
    });
  });

  it('when the definition asks for more time or memory than the settings allow, then the settings cap it', () => {
    const run = prepareConnectorRun(
      request(
        {},
        { runtime: { language: 'python', entryPoint: 'main.py', timeoutMs: 900_000, memoryMb: 64_000 } },
      ),
      limits,
    );
    expect({ timeoutMs: run.timeoutMs, memoryMb: run.memoryMb }).toEqual({
      timeoutMs: 60_000,
      memoryMb: 512,
    });
  });
});
