import { RouteTable } from '../../../src/shared/http/route-table';

function table() {
  const routes = new RouteTable<string>();
  routes.add({ template: '{*path}', methods: ['GET', 'POST'], target: 'catch-all' });
  routes.add({ template: 'conversations/{id}', methods: ['GET', 'DELETE'], target: 'conversation' });
  routes.add({ template: 'conversations/latest', methods: ['GET'], target: 'latest' });
  return routes;
}

describe('RouteTable', () => {
  it('when a literal and a parameter route both match, then the literal wins, and parameters beat the catch-all', () => {
    expect(table().match('/conversations/latest', 'GET').found?.target).toBe('latest');
    expect(table().match('/conversations/c-1', 'GET').found).toEqual({
      target: 'conversation',
      params: { id: 'c-1' },
    });
    expect(table().match('/other/path', 'GET').found).toEqual({
      target: 'catch-all',
      params: { path: 'other/path' },
    });
  });

  it('when only the method is wrong, then nothing is found and the allowed methods are listed once', () => {
    const routes = new RouteTable<string>();
    routes.add({ template: 'conversations/{id}', methods: ['GET', 'DELETE'], target: 'conversation' });
    expect(routes.match('/conversations/c-1', 'put')).toEqual({ allowed: ['GET', 'DELETE'] });
  });

  it('when a parameter is percent-encoded, then it is decoded, and a broken encoding is kept as it is', () => {
    expect(table().match('/conversations/a%20b', 'GET').found?.params).toEqual({ id: 'a b' });
    expect(table().match('/conversations/%E0%A4%A', 'GET').found?.params).toEqual({ id: '%E0%A4%A' });
  });
});
