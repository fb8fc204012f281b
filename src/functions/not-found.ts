import * as z from 'zod';

import { MethodNotAllowedError, NotFoundError } from '../shared/errors';
import type { FunctionTrigger } from '../shared/hosting/function-definition';
import { ALL_METHODS } from '../shared/hosting/function-table';
import { defineCatchAllFunction } from '../shared/hosting/http-function';
import { RouteTable } from '../shared/http/route-table';

/**
 * The catch-all route: literal and parameter routes win over it, so it sees only requests no other
 * function serves, and answers them with the JSON error envelope (404, or 405 when only the method is wrong)
 * instead of the host's empty 404. It reads the routes of the function table, not the functions' modules.
 */
export function createNotFoundFunction(triggers: () => readonly FunctionTrigger[]) {
  let routes: RouteTable<string> | undefined;
  const table = () => {
    if (routes !== undefined) return routes;
    routes = new RouteTable<string>();
    for (const trigger of triggers()) {
      if (trigger.kind === 'http' && trigger.name !== 'not-found') {
        routes.add({ template: trigger.route, methods: trigger.methods, target: trigger.name });
      }
    }
    return routes;
  };
  return defineCatchAllFunction({
    name: 'not-found',
    route: '{*path}',
    methods: ALL_METHODS,
    request: { params: z.object({ path: z.string().optional() }) },
    handle: ({ params }, { request }) => {
      const { found, allowed } = table().match(`/${params.path ?? ''}`, request.method);
      if (found === undefined && allowed.length > 0) throw new MethodNotAllowedError(request.method, allowed);
      throw new NotFoundError(`No endpoint serves ${request.method} ${new URL(request.url).pathname}`);
    },
  });
}
