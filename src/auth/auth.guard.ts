import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainException } from '../common/problem/domain.exception.js';
import type { Actor } from '../access/actor.js';
import { PERMISSIONS_KEY, PUBLIC_KEY, RESTRICTED_KEY, type Restriction } from '../access/decorators.js';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { addressAllowed, PRIVILEGED_ROLES } from '../config/security-settings.js';
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
    @InjectConfig() private readonly config: AppConfig,
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
    if (
      actor.restriction &&
      !(this.reflector.getAllAndOverride<Restriction[]>(RESTRICTED_KEY, targets) ?? []).includes(actor.restriction)
    ) {
      throw actor.restriction === 'password_change'
        ? new DomainException(AuthError.PasswordChangeRequired, 'Change your password first (POST /api/v1/auth/password)')
        : new DomainException(
            AuthError.MfaEnrollmentRequired,
            'Enrol a second factor first (POST /api/v1/auth/totp/enroll, then /confirm)',
          );
    }
    // 等保 访问控制: the privileged roles work only from the management network (ADMIN_ALLOWED_CIDRS)
    if (PRIVILEGED_ROLES.includes(actor.role) && !addressAllowed(this.config.adminAllowedCidrs, req.ip)) {
      throw new DomainException(AuthError.AddressNotAllowed, '该账号只能从指定的管理网络访问');
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
