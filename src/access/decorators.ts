import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Actor } from './actor.js';
import type { Permission } from './permissions.js';

export const PERMISSIONS_KEY = 'paicha:permissions';
export const PUBLIC_KEY = 'paicha:public';

/** The route needs an authenticated actor holding every listed permission. */
export const Allow = (...permissions: [Permission, ...Permission[]]) => SetMetadata(PERMISSIONS_KEY, permissions);

export const RESTRICTED_KEY = 'paicha:restricted';

/** A restricted session: good for changing the password only, or for enrolling a second factor only. */
export type Restriction = NonNullable<Actor['restriction']>;

/** The route is open to sessions restricted to these steps too (the password change, the TOTP enrolment, logout). */
export const AllowRestricted = (...restrictions: [Restriction, ...Restriction[]]) => SetMetadata(RESTRICTED_KEY, restrictions);

/** The route is open to a token given for a password change only (POST /auth/password). */
export const AllowPasswordChangeToken = () => AllowRestricted('password_change');

/** The route needs no token (login, health, docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<Request & { actor?: Actor }>().actor;
  if (!actor) throw new Error('CurrentActor used on a route without authentication');
  return actor;
});
