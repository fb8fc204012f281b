import { AppError, QuotaExceededError, ValidationError } from '../../../src/shared/errors';
import { correlationIdFrom } from '../../../src/shared/http/correlation';
import { toErrorResponse } from '../../../src/shared/http/error-response';

describe('error envelope', () => {
  it('when a validation error is mapped, then it is a 400 envelope with details and the correlation id', () => {
    const response = toErrorResponse(
      new ValidationError('bad', [{ path: 'prompt', message: 'required' }]),
      'id-1',
    );
    expect(response.status).toBe(400);
    expect(response.jsonBody).toEqual({
      error: { code: 'validation_error', message: 'bad', details: [{ path: 'prompt', message: 'required' }] },
      correlationId: 'id-1',
    });
  });

  it('when an unknown error is mapped, then only "Internal server error" is shown', () => {
    const response = toErrorResponse(new Error('connection string AccountKey=xyz at line 3'), 'id-2');
    expect(response.status).toBe(500);
    expect(JSON.stringify(response.jsonBody)).not.toContain('AccountKey');
    expect(response.jsonBody).toEqual({
      error: { code: 'internal_error', message: 'Internal server error' },
      correlationId: 'id-2',
    });
  });

  it('when a quota error is mapped, then it names the quota and carries Retry-After in whole seconds', () => {
    const response = toErrorResponse(new QuotaExceededError('requests_per_minute', 'slow down', 2.2), 'id-3');
    expect(response.status).toBe(429);
    expect(response.headers).toEqual({ 'Retry-After': '3' });
    expect(response.jsonBody).toMatchObject({
      error: { code: 'quota_exceeded', details: [{ code: 'requests_per_minute' }] },
    });
  });

  it("when a day's quota is used up, then the error is not worth retrying; a minute's is", () => {
    expect(new QuotaExceededError('tokens_per_day', 'x', 36_000).retryable).toBe(false);
    expect(new QuotaExceededError('requests_per_minute', 'x', 20).retryable).toBe(true);
  });

  it('when an AppError has a custom status, then the status is kept', () => {
    expect(toErrorResponse(new AppError(503, 'x', 'y'), 'id').status).toBe(503);
  });
});

describe('correlation ids', () => {
  it('when the caller sends a sane id, then it is kept', () => {
    expect(correlationIdFrom('abc-123_DEF.9:x')).toBe('abc-123_DEF.9:x');
  });

  it.each([[undefined], [null], [''], ['has space'], ['<script>'], ['x'.repeat(200)], ['line\nbreak']])(
    'when the caller sends %p, then a new UUID is used',
    (value) => {
      expect(correlationIdFrom(value)).toMatch(/^[0-9a-f-]{36}$/);
    },
  );
});
