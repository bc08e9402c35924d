import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { UserDto } from '../users/dto/user.dto.js';
import type { Actor } from '../access/actor.js';
import { Allow, AllowPasswordChangeToken, AllowRestricted, CurrentActor, Public } from '../access/decorators.js';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { AuthService } from './auth.service.js';
import {
  AuthOptionsDto,
  ChangePasswordDto,
  LoginDto,
  LoginResultDto,
  RecoveryCodesDto,
  RefreshDto,
  TokenPairDto,
  TotpConfirmDto,
  TotpEnrollmentDto,
} from './dto/auth.dto.js';
import { LOGIN_LIMIT, LoginRateLimiter } from './login-rate-limiter.js';
import { Permission } from '../access/permissions.js';
import { SessionsService } from './sessions.service.js';
import { TotpService } from './totp.service.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly totp: TotpService,
    private readonly limiter: LoginRateLimiter,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary: 'Exchange username, password (and the TOTP code, if enrolled) for a session: an access and a refresh token',
    security: [],
  })
  @ApiOkResponse({ type: LoginResultDto })
  @ApiUnauthorizedResponse({
    description:
      'invalid_credentials (the same answer for every failure), totp_required (the password was right; send `totp` too) or invalid_totp',
  })
  @ApiForbiddenResponse({ description: 'address_not_allowed: admin, security_admin and auditor log in only from ADMIN_ALLOWED_CIDRS' })
  @ApiTooManyRequestsResponse({ description: `More than ${LOGIN_LIMIT.attempts} attempts per minute for one IP and username` })
  async login(@Body() body: LoginDto, @Ip() ip: string) {
    await this.limiter.hit(ip, body.username);
    return this.auth.login(body.username, body.password, body.totp, ip);
  }

  @Post('refresh')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary: 'Renew the access token; the refresh token rotates (a spent one shown again ends the session: 401)',
    security: [],
  })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: 'invalid_refresh_token: unknown, spent, idle, expired or ended session' })
  async refresh(@Body() body: RefreshDto, @Ip() ip: string) {
    // per address and session: guessing one session's secret is slowed, a whole office behind one address is not
    await this.limiter.hit(ip, `refresh:${body.refreshToken.slice(0, 36)}`);
    return this.sessions.refresh(body.refreshToken, ip);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @Allow(Permission.ReadSelf)
  @AllowRestricted('password_change', 'mfa_enrollment')
  @ApiOperation({ summary: 'End this session now: its access and refresh tokens stop working on every instance' })
  @ApiNoContentResponse({ description: 'Ended' })
  async logout(@CurrentActor() actor: Actor, @Ip() ip: string): Promise<void> {
    await this.sessions.logout(actor, ip);
  }

  @Get('options')
  @Public()
  @ApiOperation({ summary: 'What the login screen needs to know: second-factor roles, demo mode, session lengths', security: [] })
  @ApiOkResponse({ type: AuthOptionsDto })
  options(): AuthOptionsDto {
    return {
      mfaRequiredRoles: this.config.mfaRequiredRoles,
      demo: this.config.seedDemo,
      accessTokenMinutes: this.config.accessTokenMinutes,
      sessionIdleMinutes: this.config.sessionIdleMinutes,
      lockoutThreshold: this.config.lockoutThreshold,
      lockoutMinutes: this.config.lockoutMinutes,
    };
  }

  @Post('password')
  @HttpCode(200)
  @ApiBearerAuth()
  @Allow(Permission.ReadSelf)
  @AllowPasswordChangeToken()
  @ApiOperation({ summary: 'Change your own password; every session of yours ends and a new one opens' })
  @ApiOkResponse({ type: LoginResultDto })
  changePassword(@CurrentActor() actor: Actor, @Body() body: ChangePasswordDto, @Ip() ip: string) {
    return this.auth.changePassword(actor, body.currentPassword, body.newPassword, ip);
  }

  @Post('totp/enroll')
  @HttpCode(200)
  @ApiBearerAuth()
  @Allow(Permission.ReadSelf)
  @AllowRestricted('mfa_enrollment')
  @ApiOperation({ summary: 'Start binding an authenticator app (TOTP, RFC 6238): a new secret, pending until confirmed' })
  @ApiOkResponse({ type: TotpEnrollmentDto })
  enroll(@CurrentActor() actor: Actor) {
    return this.totp.enroll(actor);
  }

  @Post('totp/confirm')
  @HttpCode(200)
  @ApiBearerAuth()
  @Allow(Permission.ReadSelf)
  @AllowRestricted('mfa_enrollment')
  @ApiOperation({ summary: 'Confirm the binding with a code from the app; answers ten recovery codes, shown once' })
  @ApiOkResponse({ type: RecoveryCodesDto })
  confirm(@CurrentActor() actor: Actor, @Body() body: TotpConfirmDto) {
    return this.totp.confirm(actor, body.code);
  }

  @Get('me')
  @ApiBearerAuth()
  @Allow(Permission.ReadSelf)
  @ApiOperation({ summary: 'The signed-in user: role, scope and name, read fresh from the database' })
  @ApiOkResponse({ type: UserDto })
  me(@CurrentActor() actor: Actor) {
    return this.auth.me(actor);
  }
}
