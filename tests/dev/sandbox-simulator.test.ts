import { spawnSync } from 'node:child_process';

import { type SandboxSimulator, startSandboxSimulator } from '../../dev/sandbox-simulator';
import { startLoopbackListener } from '../support/loopback-listener';

const TOKEN = 'sandbox-token-123';
const API = '2025-10-02-preview';

let simulator: SandboxSimulator;

beforeAll(async () => {
  simulator = await startSandboxSimulator({ token: TOKEN });
  if (simulator.isolationProblem !== undefined) throw new Error(simulator.isolationProblem);
});
afterAll(() => simulator.close());

let sequence = 0;
const newIdentifier = () => `test-${process.pid}-${++sequence}`;

function call(
  pool: string,
  path: string,
  options: {
    identifier?: string;
    apiVersion?: string | null;
    token?: string | null;
    init?: RequestInit;
    query?: Record<string, string>;
  } = {},
) {
  const url = new URL(`${simulator.endpoint(pool)}/${path}`);
  if (options.apiVersion !== null) url.searchParams.set('api-version', options.apiVersion ?? API);
  if (options.identifier !== undefined) url.searchParams.set('identifier', options.identifier);
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
  const token = options.token === undefined ? TOKEN : options.token;
  return fetch(url, {
    ...options.init,
    headers: {
      ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
      ...(options.init?.headers as Record<string, string> | undefined),
    },
  });
}

const execute = (pool: string, identifier: string, code: string, extra: Record<string, unknown> = {}) =>
  call(pool, 'executions', {
    identifier,
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        codeInputType: 'Inline',
        executionType: 'Synchronous',
        code,
        timeoutInSeconds: 30,
        ...extra,
      }),
    },
  });

interface Execution {
  id: string;
  status: string;
  result: { stdout: string; stderr: string };
  error?: { error: { code: string } };
}

describe('the dynamic sessions simulator', () => {
  it('when a request has no bearer token or a wrong one, then 401 with an Azure error body and WWW-Authenticate', async () => {
    for (const token of [null, 'wrong-token']) {
      const response = await call('pythonpool', 'executions', {
        identifier: newIdentifier(),
        token,
        init: { method: 'POST' },
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(response.headers.get('x-ms-error-code')).toBe('Unauthorized');
      expect(await response.json()).toEqual({ error: { code: 'Unauthorized', message: expect.any(String) } });
    }
  });

  it('when the api-version, the identifier or the pool is wrong, then 400 or 404 with the error code', async () => {
    const cases = [
      [
        await call('pythonpool', 'executions', {
          identifier: newIdentifier(),
          apiVersion: null,
          init: { method: 'POST' },
        }),
        400,
        'UnsupportedApiVersion',
      ],
      [
        await call('pythonpool', 'executions', {
          identifier: newIdentifier(),
          apiVersion: '2024-02-02-preview',
          init: { method: 'POST' },
        }),
        400,
        'UnsupportedApiVersion',
      ],
      [
        await call('pythonpool', 'executions', { identifier: 'ab', init: { method: 'POST' } }),
        400,
        'InvalidIdentifier',
      ],
      [
        await call('nosuchpool', 'executions', { identifier: newIdentifier(), init: { method: 'POST' } }),
        404,
        'SessionPoolNotFound',
      ],
    ] as const;
    for (const [response, status, code] of cases) {
      expect({
        status: response.status,
        code: ((await response.json()) as { error: { code: string } }).error.code,
      }).toEqual({ status, code });
    }
  });

  it('when the execution body lacks required properties, then 400 names them', async () => {
    const response = await call('pythonpool', 'executions', {
      identifier: newIdentifier(),
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: 'print(1)' }),
      },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe(
      'Missing required properties: codeInputType, executionType, timeoutInSeconds.',
    );
  });

  it('when Python and Node.js code run, then the answer is a SessionCodeExecutionResource with their output', async () => {
    const python = await execute(
      'pythonpool',
      newIdentifier(),
      'import os\nprint(os.getcwd(), sorted(os.environ))',
    );
    expect(python.status).toBe(200);
    expect(python.headers.get('operation-id')).toMatch(/^[0-9a-f-]{36}$/);
    const body = (await python.json()) as Execution;
    expect(body).toMatchObject({ status: 'Succeeded', executionType: 'Synchronous' });
    expect(body.result.stdout).toBe("/mnt/data ['HOME', 'LANG', 'PATH', 'PWD']\n");

    const node = await execute('nodepool', newIdentifier(), 'console.log(process.cwd(), typeof require)');
    expect(((await node.json()) as Execution).result.stdout).toBe('/mnt/data function\n');
  });

  it('when code raises, then the execution failed with its stderr', async () => {
    const body = (await (
      await execute('pythonpool', newIdentifier(), 'raise ValueError("boom")')
    ).json()) as Execution;
    expect(body.status).toBe('Failed');
    expect(body.error?.error.code).toBe('ExecutionError');
    expect(body.result.stderr).toContain('ValueError: boom');
  });

  it('when code runs longer than timeoutInSeconds, then it is killed with everything it started', async () => {
    const started = Date.now();
    const code = 'import subprocess, time\nsubprocess.Popen(["sleep", "617"])\ntime.sleep(600)';
    const body = (await (
      await execute('pythonpool', newIdentifier(), code, { timeoutInSeconds: 1 })
    ).json()) as Execution;
    expect(body.error?.error.code).toBe('ExecutionTimeout');
    expect(Date.now() - started).toBeLessThan(15_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(spawnSync('pgrep', ['-f', 'sleep 617']).stdout.toString()).toBe('');
  });

  describe('networks', () => {
    let listener: Awaited<ReturnType<typeof startLoopbackListener>>;
    let port: number;
    beforeAll(async () => {
      listener = await startLoopbackListener('reached');
      port = listener.port;
    });
    afterAll(() => listener.close());

    const probe = () =>
      `import urllib.request\ntry:\n    print(urllib.request.urlopen("http://127.0.0.1:${port}/", timeout=5).read().decode())\nexcept Exception as error:\n    print("unreachable", type(error).__name__)`;

    it('when a pool has egress disabled, then its code cannot reach a port the host listens on', async () => {
      const body = (await (await execute('pythonpool', newIdentifier(), probe())).json()) as Execution;
      expect(body.result.stdout).toMatch(/^unreachable/);
    });

    it('when a pool has egress enabled, then its code reaches the same port', async () => {
      const body = (await (await execute('pythonegress', newIdentifier(), probe())).json()) as Execution;
      expect(body.result.stdout).toBe('reached\n');
    });
  });

  it('when the code looks for host files, then it sees only the system, its session folder and an empty /tmp', async () => {
    const code =
      'import os\nprint(sorted(os.listdir("/")), os.path.exists("/root"), os.path.exists("/work"), os.listdir("/tmp"))';
    const body = (await (await execute('pythonpool', newIdentifier(), code)).json()) as Execution;
    expect(body.result.stdout).toMatch(/^\[.*'mnt'.*'usr'\] False False \[\]\n$/);
  });

  it('when files are uploaded, listed, read and deleted, then each answers as the files API does', async () => {
    const identifier = newIdentifier();
    const form = new FormData();
    form.append('file', new Blob(['hello']), 'greeting.txt');
    const upload = await call('pythonpool', 'files', {
      identifier,
      query: { path: '/mnt/data/docs' },
      init: { method: 'POST', body: form },
    });
    expect(upload.status).toBe(200);
    expect(await upload.json()).toMatchObject({
      name: 'greeting.txt',
      type: 'File',
      sizeInBytes: 5,
      directory: '/mnt/data/docs',
    });

    const list = (await (
      await call('pythonpool', 'files', { identifier, query: { path: 'docs' } })
    ).json()) as { value: { name: string }[] };
    expect(list.value.map((file) => file.name)).toEqual(['greeting.txt']);
    const content = await call('pythonpool', 'files/greeting.txt/content', {
      identifier,
      query: { path: '/mnt/data/docs' },
    });
    expect(await content.text()).toBe('hello');

    const read = (await (
      await execute('pythonpool', identifier, 'print(open("docs/greeting.txt").read())')
    ).json()) as Execution;
    expect(read.result.stdout).toBe('hello\n');

    expect(
      (
        await call('pythonpool', 'files/greeting.txt', {
          identifier,
          query: { path: 'docs' },
          init: { method: 'DELETE' },
        })
      ).status,
    ).toBe(204);
    const missing = await call('pythonpool', 'files/greeting.txt/content', {
      identifier,
      query: { path: 'docs' },
    });
    expect({ status: missing.status, code: missing.headers.get('x-ms-error-code') }).toEqual({
      status: 404,
      code: 'FileNotFound',
    });
  });

  it('when an upload path leaves the session, then 400', async () => {
    const form = new FormData();
    form.append('file', new Blob(['x']), 'x.txt');
    for (const path of ['../../etc', '/etc', '/mnt/data/../x']) {
      const response = await call('pythonpool', 'files', {
        identifier: newIdentifier(),
        query: { path },
        init: { method: 'POST', body: form },
      });
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
    }
  });

  it("when the session's code plants links to host files, then the files API never follows them", async () => {
    const identifier = newIdentifier();
    const plant =
      'import os\nos.symlink("/etc/hostname", "leak.txt")\nos.symlink("/etc", "hostdir")\nprint("planted")';
    expect(((await (await execute('pythonpool', identifier, plant)).json()) as Execution).result.stdout).toBe(
      'planted\n',
    );
    const read = await call('pythonpool', 'files/leak.txt/content', { identifier });
    expect(read.status).toBe(404);
    const listed = await call('pythonpool', 'files', { identifier, query: { path: 'hostdir' } });
    expect(listed.status).toBe(400);
    const form = new FormData();
    form.append('file', new Blob(['x']), 'written.txt');
    const upload = await call('pythonpool', 'files', {
      identifier,
      query: { path: 'hostdir' },
      init: { method: 'POST', body: form },
    });
    expect(upload.status).toBe(400);
    const over = new FormData();
    over.append('file', new Blob(['x']), 'leak.txt');
    expect(
      (await call('pythonpool', 'files', { identifier, init: { method: 'POST', body: over } })).status,
    ).toBe(400);
  });

  it('when an execution is asynchronous, then 202 with Operation-Location, and GET follows it to the end', async () => {
    const identifier = newIdentifier();
    const started = await execute('pythonpool', identifier, 'import time\ntime.sleep(0.5)\nprint("late")', {
      executionType: 'Asynchronous',
    });
    expect(started.status).toBe(202);
    const { id, status } = (await started.json()) as Execution;
    expect(status).toBe('Running');
    let body: Execution | undefined;
    for (let attempt = 0; attempt < 50 && body?.status !== 'Succeeded'; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      body = (await (await call('pythonpool', `executions/${id}`, { identifier })).json()) as Execution;
    }
    expect(body?.result.stdout).toBe('late\n');
  });

  it('when a session is deleted, then its files are gone and the identifier starts a fresh session', async () => {
    const identifier = newIdentifier();
    await execute('pythonpool', identifier, 'open("kept.txt", "w").write("x")');
    expect((await call('pythonpool', 'session', { identifier, init: { method: 'DELETE' } })).status).toBe(
      204,
    );
    const body = (await (
      await execute('pythonpool', identifier, 'import os\nprint(os.listdir("."))')
    ).json()) as Execution;
    expect(body.result.stdout).toBe('[]\n');
  });
});
