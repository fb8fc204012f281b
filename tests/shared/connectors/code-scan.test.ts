import fc from 'fast-check';

import {
  envPlaceholders,
  referencedConnectorPaths,
  referencedEnv,
} from '../../../src/shared/connectors/code-scan';

describe('referencedConnectorPaths', () => {
  it('when code reads dotted and bracketed paths, with or without context., then each path is found', () => {
    const code = [
      'client = connector.auth.clientId',
      'sheet = context.connector.configuration.sheetName',
      'secret = connector["auth"]["clientSecret"]',
      "col = connector['configuration']['columnIndex']",
    ].join('\n');
    expect(referencedConnectorPaths(code)).toEqual([
      ['auth', 'clientId'],
      ['configuration', 'sheetName'],
      ['auth', 'clientSecret'],
      ['configuration', 'columnIndex'],
    ]);
  });

  it('when Python reads the loaded context as a dict, then ["connector"] is a root too', () => {
    expect(
      referencedConnectorPaths(
        'x = ctx["connector"]["auth"]["clientId"]; y = c[\'connector\'][\'configuration\']',
      ),
    ).toEqual([['auth', 'clientId'], ['configuration']]);
  });

  it('when a path ends in a method call or an assignment, then the last name is not part of it', () => {
    expect(referencedConnectorPaths('connector.configuration.get("x")')).toEqual([['configuration']]);
    expect(referencedConnectorPaths('connector.auth.token = fetchToken()')).toEqual([['auth']]);
    expect(referencedConnectorPaths('if connector.auth.mode == "x": pass')).toEqual([['auth', 'mode']]);
    expect(referencedConnectorPaths('connector.get("auth")')).toEqual([]);
  });

  it('when the word is part of another name, or a property of another object, then it is not a connector path', () => {
    expect(referencedConnectorPaths('myconnector.auth.x; self.connector.auth.y; connector_config.z')).toEqual(
      [],
    );
    expect(referencedConnectorPaths('subcontext.connector.auth.x')).toEqual([]);
  });

  it('when JavaScript uses optional chaining, then the path stops before the optional part', () => {
    expect(referencedConnectorPaths('const x = connector.auth?.clientId')).toEqual([['auth']]);
    expect(referencedConnectorPaths('const x = connector?.auth')).toEqual([]);
  });
});

describe('referencedEnv', () => {
  const required = (code: string) =>
    referencedEnv(code)
      .filter((reference) => reference.required)
      .map((reference) => reference.name);
  const optional = (code: string) =>
    referencedEnv(code)
      .filter((reference) => !reference.required)
      .map((reference) => reference.name);

  it('when JavaScript reads process.env.KEY or process.env["KEY"], then the variable is required', () => {
    expect(required('const a = process.env.CLIENT_ID; const b = process.env["CLIENT_SECRET"];')).toEqual([
      'CLIENT_ID',
      'CLIENT_SECRET',
    ]);
  });

  it('when JavaScript gives a fallback, then the variable is optional', () => {
    const code = 'const a = process.env.A || "x"; const b = process.env.B ?? 1; const c = process.env?.C;';
    expect(required(code)).toEqual([]);
    expect(optional(code)).toEqual(['A', 'B', 'C']);
  });

  it('when Python reads os.environ["KEY"], os.environ.get("KEY") or os.getenv("KEY"), then the variable is required', () => {
    const code = 'a = os.environ["A"]\nb = os.environ.get("B")\nc = os.getenv( \'C\' )';
    expect(required(code)).toEqual(['A', 'B', 'C']);
  });

  it('when Python passes a default, then the variable is optional', () => {
    const code = 'a = os.environ.get("A", "x")\nb = os.getenv("B", None)';
    expect(required(code)).toEqual([]);
    expect(optional(code)).toEqual(['A', 'B']);
  });

  it('when similar names appear, then they are not taken for environment reads', () => {
    expect(
      referencedEnv('process.envelope.A; myos.environ["B"]; os.environment["C"]; pos.getenv("D")'),
    ).toEqual([]);
  });

  it('when a text holds {{env:KEY}} placeholders, spaced or not, then each is required', () => {
    expect(envPlaceholders('{{env:A}} and {{ env:B }} but not {{env:}} {{envC}} {{env:D}')).toEqual([
      'A',
      'B',
    ]);
    expect(required('url = "{{env:BASE_URL}}/x"')).toEqual(['BASE_URL']);
  });
});

describe('scanning hostile text', () => {
  const hostile = [
    'connector.'.repeat(200_000),
    'connector["'.repeat(200_000),
    `connector${'.a'.repeat(300_000)}`,
    'process.env.'.repeat(200_000),
    'os.environ.get("'.repeat(150_000),
    '{{ env:'.repeat(300_000),
    `context.${'context.connector.'.repeat(100_000)}`,
    `connector[${"'".repeat(500_000)}`,
  ];

  it.each(hostile.map((text, index) => [index, text] as const))(
    'when text %i of about 2 MB repeats a pattern, then scanning it takes well under a second (linear, no backtracking)',
    (_index, text) => {
      const started = performance.now();
      referencedConnectorPaths(text);
      referencedEnv(text);
      expect(performance.now() - started).toBeLessThan(2_000);
    },
  );

  it('when the text is anything at all, then scanning returns names of bounded length and never throws', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(
            'connector',
            '.',
            '[',
            ']',
            '"',
            "'",
            'a',
            'os',
            'process',
            '.env',
            '(',
            ')',
            '{{env:',
            '}}',
            ' ',
            '\n',
          ),
        }),
        (text) => {
          for (const path of referencedConnectorPaths(text)) {
            expect(path.length).toBeLessThanOrEqual(16);
            for (const segment of path) expect(segment.length).toBeLessThanOrEqual(128);
          }
          for (const reference of referencedEnv(text)) expect(reference.name.length).toBeLessThanOrEqual(128);
        },
      ),
      { numRuns: 300 },
    );
  });
});
