import { HttpRequest } from '@azure/functions';

import { easyAuthCaller } from '../../../src/shared/identity/easy-auth';

function principalRequest(principal: unknown, id = 'user-0001'): HttpRequest {
  return new HttpRequest({
    method: 'GET',
    url: 'http://localhost/api/x',
    headers: {
      'x-ms-client-principal-id': id,
      'x-ms-client-principal': Buffer.from(JSON.stringify(principal)).toString('base64'),
    },
  });
}

describe('easyAuthCaller roles', () => {
  it('when the principal lists roles claims, then the caller holds those roles', async () => {
    const caller = await easyAuthCaller(
      principalRequest({
        auth_typ: 'aad',
        role_typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role',
        claims: [
          { typ: 'oid', val: 'user-0001' },
          { typ: 'roles', val: 'Connectors.Run' },
          { typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role', val: 'Reader' },
          { typ: 'name', val: 'Connectors.Admin' },
        ],
      }),
    );
    expect(caller).toEqual({ userId: 'user-0001', roles: ['Connectors.Run', 'Reader'] });
  });

  it('when role_typ names another claim type, then claims of that type are roles too', async () => {
    const caller = await easyAuthCaller(
      principalRequest({
        role_typ: 'groups-as-roles',
        claims: [{ typ: 'groups-as-roles', val: 'Connectors.Run' }],
      }),
    );
    expect(caller.roles).toEqual(['Connectors.Run']);
  });

  it('when the principal has no role claims, or empty or huge ones, then the caller holds no such role', async () => {
    const caller = await easyAuthCaller(
      principalRequest({
        claims: [
          { typ: 'roles', val: '' },
          { typ: 'roles', val: 'x'.repeat(300) },
        ],
      }),
    );
    expect(caller.roles).toEqual([]);
  });
});
