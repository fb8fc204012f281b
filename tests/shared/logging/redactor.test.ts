import { createLogger } from '../../../src/shared/logging/logger';
import { createRedactor } from '../../../src/shared/logging/redactor';

describe('logging', () => {
  const secret = 'super-secret-value-42';

  it('when a line contains a secret setting, then the secret is masked', () => {
    const redact = createRedactor({ AZURE_OPENAI_API_KEY: secret });
    expect(redact(`calling with ${secret}!`)).toBe('calling with [redacted]!');
  });

  it('when a line contains an account key or bearer token, then they are masked', () => {
    const redact = createRedactor({});
    const line = redact(
      'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc123==;Authorization: Bearer eyJabcdefghijkl',
    );
    expect(line).not.toContain('abc123==');
    expect(line).not.toContain('eyJabcdefghijkl');
  });

  it('when LOG_FORMAT is json, then each line is one JSON object with the bound fields and no secret', () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      format: 'json',
      redact: createRedactor({ COSMOS_KEY: secret }),
      sink: (_level, line) => lines.push(line),
    });
    logger.child({ correlationId: 'abc' }).info('request', { status: 200, note: `key ${secret}` });
    logger.debug('hidden below the level');
    expect(lines).toHaveLength(1);
    const parsed = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(parsed).toMatchObject({ level: 'info', message: 'request', correlationId: 'abc', status: 200 });
    expect(lines[0]).not.toContain(secret);
  });
});
