import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainException } from '../common/problem/domain.exception.js';
import type { Actor } from '../access/actor.js';
import { PASSWORD_CHANGE_KEY, PERMISSIONS_KEY, PUBLIC_KEY } from '../access/decorators.js';
import { AuthError } from './auth.errors.js';
import { AuthService } from './auth.service.js';
import { hasPermission, type Permission } from '../access/permissions.js';

/**
 * The global guard: every route is either @Public() or declares its
 * permissions with @Allow(...). A route that declares nothing is denied
 * (fails closed), so a forgotten decorator cannot open a route.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('AuthGuard');

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const req = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim()) : null;
    if (!match) throw new DomainException(AuthError.InvalidToken, 'Missing, invalid or expired access token');
    const actor = await this.auth.authenticate(match[1]);
    req.actor = actor;
    if (actor.passwordChangeOnly && !this.reflector.getAllAndOverride<boolean>(PASSWORD_CHANGE_KEY, targets)) {
      throw new DomainException(AuthError.PasswordChangeRequired, 'Change your password first (POST /api/v1/auth/password)');
    }

    const permissions = this.reflector.getAllAndOverride<Permission[] | undefined>(PERMISSIONS_KEY, targets);
    if (!permissions || permissions.length === 0) {
      this.logger.error(`Route ${req.method} ${req.route?.path ?? req.path} declares no permission: denied`);
      throw new DomainException(AuthError.UndeclaredRoute, 'This route declares no permission and is closed');
    }
    const missing = permissions.filter((p) => !hasPermission(actor.role, p));
    if (missing.length > 0) {
      throw new DomainException(AuthError.MissingPermission, `The role ${actor.role} may not do this (needs ${missing.join(', ')})`);
    }
    return true;
  }
}
