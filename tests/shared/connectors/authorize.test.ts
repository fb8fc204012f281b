import { authorizeConnectorRun } from '../../../src/shared/connectors/authorize';
import { AppError } from '../../../src/shared/errors';

const statusOf = (call: () => void) => {
  try {
    call();
    return 'allowed';
  } catch (error) {
    return error instanceof AppError ? `${error.status} ${error.code}` : 'unexpected';
  }
};
const config = {
  CONNECTORS_ENABLED: true,
  CONNECTORS_ALLOWED_ROLE: 'Connectors.Run',
  AUTH_MODE: 'easyauth' as const,
};

describe('authorizeConnectorRun', () => {
  it('when the runner is off, then everyone gets 404 connectors_disabled, the local user too', () => {
    const off = { ...config, CONNECTORS_ENABLED: false };
    expect(
      statusOf(() => {
        authorizeConnectorRun({ userId: 'u', roles: ['Connectors.Run'] }, off);
      }),
    ).toBe('404 connectors_disabled');
    expect(
      statusOf(() => {
        authorizeConnectorRun({ userId: 'local-user', roles: [] }, { ...off, AUTH_MODE: 'none' });
      }),
    ).toBe('404 connectors_disabled');
  });

  it('when the runner is on, then only callers with the role may run', () => {
    expect(
      statusOf(() => {
        authorizeConnectorRun({ userId: 'u', roles: ['Connectors.Run'] }, config);
      }),
    ).toBe('allowed');
    expect(
      statusOf(() => {
        authorizeConnectorRun({ userId: 'u', roles: ['Other'] }, config);
      }),
    ).toBe('403 forbidden');
    expect(
      statusOf(() => {
        authorizeConnectorRun({ userId: 'u', roles: [] }, config);
      }),
    ).toBe('403 forbidden');
  });

  it('when AUTH_MODE is none and the runner was turned on, then the local user may run', () => {
    expect(
      statusOf(() => {
        authorizeConnectorRun({ userId: 'local-user', roles: [] }, { ...config, AUTH_MODE: 'none' });
      }),
    ).toBe('allowed');
  });
});
