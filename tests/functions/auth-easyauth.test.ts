import { easyAuthHeaders, staticWebAppsHeaders } from '../support/identity';
import { getJson, startTestStack, type TestStack } from '../support/test-stack';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

describe('AUTH_MODE=easyauth', () => {
  let stack: TestStack;
  let base: string;

  beforeAll(async () => {
    stack = await startTestStack();
    base = (await stack.startHost({ AUTH_MODE: 'easyauth', AUTH_ADMIN_ROLE: 'chat.admin' })).url;
  });
  afterAll(() => stack.stop());

  it('when the app runs in Azure without App Service Authentication on, then it refuses to start and says why', async () => {
    const failure = await stack
      .startAnotherHost({ AUTH_MODE: 'easyauth', WEBSITE_SITE_NAME: 'func-example' })
      .then(
        () => new Error('the host started'),
        (thrown: unknown) => thrown as Error,
      );
    expect(failure.message).toMatch(/Invalid configuration:/);
    expect(failure.message).toMatch(/WEBSITE_AUTH_ENABLED/);
    expect(failure.message).not.toMatch(/\n\s+at /);
  });

  it('when Azure Static Web Apps passes its principal (no -id header), then the caller is its userId', async () => {
    const alice = staticWebAppsHeaders({
      userId: 'swa-alice-0001',
      userRoles: ['anonymous', 'authenticated'],
    });
    const created = await getJson(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...alice },
      body: JSON.stringify({ message: 'hello from a static web app' }),
    });
    expect(created.status).toBe(200);
    const id = (created.body as { conversationId: string }).conversationId;
    expect((await getJson(`${base}/api/conversations/${id}`, { headers: alice })).status).toBe(200);
    const bob = staticWebAppsHeaders({ userId: 'swa-bob-0002', userRoles: ['authenticated'] });
    expect((await getJson(`${base}/api/conversations/${id}`, { headers: bob })).status).toBe(404);
  });

  it.each([
    [
      'a Static Web Apps principal without userId',
      { 'x-ms-client-principal': encode({ identityProvider: 'aad', userRoles: [] }) },
    ],
    [
      'a Static Web Apps principal with an empty userId',
      { 'x-ms-client-principal': encode({ identityProvider: 'aad', userId: '', userRoles: [] }) },
    ],
    [
      'an App Service principal without its -id header',
      { 'x-ms-client-principal': encode({ auth_typ: 'aad', claims: [{ typ: 'oid', val: 'u-1' }] }) },
    ],
    ['an empty -id header', { ...easyAuthHeaders('someone-0001'), 'x-ms-client-principal-id': '' }],
  ])('when the request carries %s, then 401', async (_name, headers) => {
    const { status, body } = await getJson(`${base}/api/conversations`, { headers });
    expect(status).toBe(401);
    expect(body).toMatchObject({ error: { code: 'unauthorized' }, correlationId: expect.any(String) });
  });

  it('when a signed-in user without the admin role reads the configuration or the deep health, then 403', async () => {
    const user = easyAuthHeaders('plain-user-0001');
    const config = await getJson(`${base}/api/config/info`, { headers: user });
    expect(config.status).toBe(403);
    expect(config.body).toMatchObject({ error: { code: 'forbidden' } });
    expect(JSON.stringify(config.body)).not.toContain(stack.env.AZURE_OPENAI_ENDPOINT ?? 'no endpoint');
    expect((await getJson(`${base}/api/health?deep=true`, { headers: user })).status).toBe(403);
  });

  it('when an anonymous caller asks for the deep health, then 401, while plain health stays anonymous', async () => {
    expect((await getJson(`${base}/api/health?deep=true`)).status).toBe(401);
    expect((await getJson(`${base}/api/health`)).status).toBe(200);
  });

  it('when a caller has the admin role (App Service or Static Web Apps), then config-info and deep health answer', async () => {
    for (const admin of [
      easyAuthHeaders('admin-user-0001', { roles: ['chat.admin'] }),
      staticWebAppsHeaders({ userId: 'swa-admin-0001', userRoles: ['authenticated', 'chat.admin'] }),
    ]) {
      expect((await getJson(`${base}/api/config/info`, { headers: admin })).status).toBe(200);
      expect((await getJson(`${base}/api/health?deep=true`, { headers: admin })).status).toBe(200);
    }
  });
});
