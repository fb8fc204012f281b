import type { HttpRequest } from '@azure/functions';
import * as z from 'zod';

import { ForbiddenError } from '../errors';

/** Who is calling. The user id partitions every piece of stored data. */
export interface Caller {
  readonly userId: string;
  /** Roles the identity provider granted: a token's `roles` claim, or the signed-in principal's roles. */
  readonly roles: readonly string[];
}

/** Resolves the caller from the request; throws UnauthorizedError (401) or ForbiddenError (403) when it cannot. */
export type CallerResolver = (request: HttpRequest) => Promise<Caller>;

export const userIdSchema = z.string().regex(/^[A-Za-z0-9._@:-]{1,128}$/);

const MAX_ROLES = 200;
const roleSchema = z.string().min(1).max(256);

/** The sane role names among claimed values (at most 200); anything else is ignored. */
export function rolesFrom(values: readonly unknown[]): string[] {
  return values
    .flatMap((value) => {
      const role = roleSchema.safeParse(value);
      return role.success ? [role.data] : [];
    })
    .slice(0, MAX_ROLES);
}

/** Whether the caller holds AUTH_ADMIN_ROLE. */
export function isAdmin(caller: Caller, adminRole: string): boolean {
  return caller.roles.includes(adminRole);
}

/** The single user of AUTH_MODE=none (local runs only): an admin, so every route can be tried locally. */
export function localUser(adminRole: string): Caller {
  return { userId: 'local-user', roles: [adminRole] };
}

/** Throws a 403 unless the caller holds AUTH_ADMIN_ROLE. */
export function requireAdmin(caller: Caller, adminRole: string): Caller {
  if (!isAdmin(caller, adminRole)) {
    throw new ForbiddenError('Only callers with the admin role (AUTH_ADMIN_ROLE) may do this', {
      code: 'admin_only',
    });
  }
  return caller;
}
