import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { UserDto } from '../users/dto/user.dto.js';
import type { Actor } from '../access/actor.js';
import { Allow, CurrentActor, Public } from '../access/decorators.js';
import { AuthService } from './auth.service.js';
import { LoginDto, LoginResultDto } from './dto/auth.dto.js';
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

  @Get('me')
  @ApiBearerAuth()
  @Allow(Permission.ReadSelf)
  @ApiOperation({ summary: 'The signed-in user: role, scope and name, read fresh from the database' })
  @ApiOkResponse({ type: UserDto })
  me(@CurrentActor() actor: Actor) {
    return this.auth.me(actor);
  }
}
