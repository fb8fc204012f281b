import { connectorRequestSchema } from '../../../src/shared/connectors/connector-request';
import {
  dependencyProblem,
  toDependencies,
  toInstallSpec,
} from '../../../src/shared/connectors/dependencies';
import { filePathProblem } from '../../../src/shared/connectors/file-paths';

const schema = connectorRequestSchema({ maxFiles: 3, maxFileBytes: 100 });
const body = (connector: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  connector: {
    runtime: { language: 'python', entryPoint: 'main.py' },
    files: { 'main.py': 'print(1)' },
    ...connector,
  },
  ...extra,
});
const issues = (value: unknown) => {
  const result = schema.safeParse(value);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('the connector request schema', () => {
  it('when the body is the seed example, then it parses with env, overrides and network_mode defaulted', () => {
    const parsed = schema.parse(body({ configuration: { sheetName: 'Sheet1' } }));
    expect(parsed.env).toEqual({});
    expect(parsed.configuration_overrides).toEqual({});
    expect(parsed.network_mode).toBe('none');
    expect(parsed.connector.configuration).toEqual({ sheetName: 'Sheet1' });
  });

  it('when the definition has keys of its own (auth, displayName ...), then they are kept for the code', () => {
    const parsed = schema.parse(body({ auth: { clientId: 'x' }, displayName: 'Sheets' }));
    expect(parsed.connector).toMatchObject({ auth: { clientId: 'x' }, displayName: 'Sheets' });
  });

  it('when the language is unknown, then the problem names the languages', () => {
    expect(issues(body({ runtime: { language: 'ruby', entryPoint: 'main.rb' } }))).toEqual([
      'connector.runtime.language: must be "python" or "javascript"',
    ]);
  });

  it('when dependencies take each of the three forms, then all parse to the same list', () => {
    const forms = [
      [{ name: 'requests', version: '2.32.3' }, { name: 'six' }],
      ['requests', 'six'],
      { requests: '2.32.3', six: '*' },
    ];
    const lists = forms.map((dependencies) =>
      toDependencies(
        schema.parse(body({ runtime: { language: 'python', entryPoint: 'main.py', dependencies } })).connector
          .runtime.dependencies,
      ),
    );
    expect(lists.map((list) => list.map((dependency) => dependency.name))).toEqual([
      ['requests', 'six'],
      ['requests', 'six'],
      ['requests', 'six'],
    ]);
    expect(lists[0]).toEqual([{ name: 'requests', version: '2.32.3' }, { name: 'six' }]);
  });

  it('when dependencies are none of the three forms, then the problem says which forms are accepted', () => {
    for (const dependencies of ['requests', 42, [1], [{ package: 'x' }], { requests: 3 }]) {
      expect(
        issues(body({ runtime: { language: 'python', entryPoint: 'main.py', dependencies } })).join(' '),
      ).toMatch(/dependencies/);
    }
    expect(
      issues(body({ runtime: { language: 'python', entryPoint: 'main.py', dependencies: 'requests' } })),
    ).toEqual([
      'connector.runtime.dependencies: must be an array of {"name", "version"} objects, an array of package names, or a {"name": "version"} map',
    ]);
  });

  it('when a file name escapes the folder or is absolute, then the problem says so', () => {
    const problems = issues(body({ files: { 'main.py': 'x', '../evil.py': 'x' } }));
    expect(problems).toEqual([
      expect.stringMatching(/"\.\.\/evil\.py" must stay inside the connector folder/),
    ]);
    expect(issues(body({ files: { 'main.py': 'x', '/etc/passwd': 'x' } }))[0]).toMatch(/not an absolute one/);
  });

  it('when there are too many files or one is too large, then the limits are named', () => {
    expect(issues(body({ files: { 'main.py': 'x', 'a.py': '', 'b.py': '', 'c.py': '' } }))).toEqual([
      'connector.files: must hold at most 3 files',
    ]);
    expect(issues(body({ files: { 'main.py': 'é'.repeat(51) } }))).toEqual([
      'connector.files.main.py: each file must be at most 100 bytes',
    ]);
  });

  it('when env sets a name the runner owns or an invalid name, then it is refused', () => {
    expect(issues(body({}, { env: { PATH: '/evil' } }))[0]).toMatch(/^env\.PATH: is set by the runner/);
    expect(issues(body({}, { env: { NODE_OPTIONS: '--require x' } }))[0]).toMatch(
      /^env\.NODE_OPTIONS: is set by the runner/,
    );
    expect(issues(body({}, { env: { '1BAD': 'x' } }))[0]).toMatch(/names must be letters/);
    expect(issues(body({}, { env: { OK: 1 } }))).toEqual([
      'env.OK: Invalid input: expected string, received number',
    ]);
  });

  it('when network_mode is not none or bridge, then it is refused', () => {
    expect(issues(body({}, { network_mode: 'host' }))).toEqual(['network_mode: must be "none" or "bridge"']);
  });
});

describe('file paths', () => {
  it.each([
    ['main.py', undefined],
    ['lib/util.py', undefined],
    ['a/b/c/d.js', undefined],
    ['../x.py', /"\." and "\.\." are not allowed/],
    ['lib/../../x.py', /"\." and "\.\." are not allowed/],
    ['./x.py', /"\." and "\.\." are not allowed/],
    ['/abs.py', /absolute/],
    ['C:/x.py', /absolute/],
    ['lib\\x.py', /"\/" between folders/],
    ['lib.v2/x.py', /folder names may hold only/],
    ['.env', /the file name may hold only/],
    ['a//b.py', /folder names may hold only/],
    ['__proto__', /__proto__/],
    ['', /must not be empty/],
  ])('when a file is named %j, then it is %s', (name, problem) => {
    const found = filePathProblem(name);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });
});

describe('dependencies', () => {
  it('when a name could be read as an option or is not a package name, then it is refused', () => {
    expect(dependencyProblem('python', { name: '--index-url=http://evil' })).toMatch(
      /not a valid Python package name/,
    );
    expect(dependencyProblem('javascript', { name: '-g' })).toMatch(/not a valid npm package name/);
    expect(dependencyProblem('javascript', { name: '@scope/pkg', version: '^1.2.0' })).toBeUndefined();
  });

  it("when a version uses the other ecosystem's range syntax, then the problem says so", () => {
    expect(dependencyProblem('python', { name: 'requests', version: '^2.0' })).toMatch(/npm range syntax/);
    expect(dependencyProblem('javascript', { name: 'axios', version: '==1.0.0' })).toMatch(/pip syntax/);
  });

  it('when install specs are built, then pip gets name==version or the range and npm name@version', () => {
    expect(toInstallSpec('python', { name: 'requests', version: '2.32.3' })).toBe('requests==2.32.3');
    expect(toInstallSpec('python', { name: 'requests', version: '>=2.0' })).toBe('requests>=2.0');
    expect(toInstallSpec('javascript', { name: 'axios', version: '1.7.2' })).toBe('axios@1.7.2');
    expect(toInstallSpec('javascript', { name: 'axios' })).toBe('axios');
  });
});
