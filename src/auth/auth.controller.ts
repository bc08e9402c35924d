import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { UserDto } from '../users/dto/user.dto.js';
import type { Actor } from '../access/actor.js';
import { Allow, AllowPasswordChangeToken, CurrentActor, Public } from '../access/decorators.js';
import { AuthService } from './auth.service.js';
import { ChangePasswordDto, LoginDto, LoginResultDto } from './dto/auth.dto.js';
import { LOGIN_LIMIT, LoginRateLimiter } from './login-rate-limiter.js';
import { Permission } from '../access/permissions.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly limiter: LoginRateLimiter,
  ) {}

  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'Exchange username and password for an access token', security: [] })
  @ApiOkResponse({ type: LoginResultDto })
  @ApiUnauthorizedResponse({ description: 'Invalid username or password (the same answer for every failure)' })
  @ApiTooManyRequestsResponse({ description: `More than ${LOGIN_LIMIT.attempts} attempts per minute for one IP and username` })
  async login(@Body() body: LoginDto, @Ip() ip: string) {
    await this.limiter.hit(ip, body.username);
    return this.auth.login(body.username, body.password, ip);
  }

  @Post('password')
  @HttpCode(200)
  @ApiBearerAuth()
  @Allow(Permission.ReadSelf)
  @AllowPasswordChangeToken()
  @ApiOperation({ summary: 'Change your own password; answers a new token (every other session of yours ends)' })
  @ApiOkResponse({ type: LoginResultDto })
  changePassword(@CurrentActor() actor: Actor, @Body() body: ChangePasswordDto, @Ip() ip: string) {
    return this.auth.changePassword(actor, body.currentPassword, body.newPassword, ip);
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
