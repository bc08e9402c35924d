import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Actor } from './actor.js';
import type { Permission } from './permissions.js';

export const PERMISSIONS_KEY = 'paicha:permissions';
export const PUBLIC_KEY = 'paicha:public';

/** The route needs an authenticated actor holding every listed permission. */
export const Allow = (...permissions: [Permission, ...Permission[]]) => SetMetadata(PERMISSIONS_KEY, permissions);

export const PASSWORD_CHANGE_KEY = 'paicha:password-change';

/** The route is open to a token given for a password change only (POST /auth/password). */
export const AllowPasswordChangeToken = () => SetMetadata(PASSWORD_CHANGE_KEY, true);

/** The route needs no token (login, health, docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<Request & { actor?: Actor }>().actor;
  if (!actor) throw new Error('CurrentActor used on a route without authentication');
  return actor;
});
