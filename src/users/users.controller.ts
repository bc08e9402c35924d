import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../access/actor.js';
import { Allow, CurrentActor } from '../access/decorators.js';
import { Permission } from '../access/permissions.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { CreateUserDto, UpdateUserDto, UserDto, UserPageDto, UsersQueryDto } from './dto/user.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Allow(Permission.ManageUsers)
  @ApiOperation({
    summary: 'Create a user',
    description:
      'admin: anyone. bureau: a bureau for a region strictly inside its own, inspectors in its subtree, heads of institutions in its subtree; never an admin. 409 on a taken username.',
  })
  @ApiCreatedResponse({ type: UserDto })
  create(@CurrentActor() actor: Actor, @Body() body: CreateUserDto) {
    return this.users.create(actor, body);
  }

  @Get()
  @Allow(Permission.ReadUsers)
  @ApiOperation({ summary: 'Users the actor manages (admin: all)' })
  @ApiOkResponse({ type: UserPageDto })
  list(@CurrentActor() actor: Actor, @Query() query: UsersQueryDto) {
    return this.users.list(actor, { role: query.role, regionCode: query.regionCode, institutionId: query.institutionId }, query);
  }

  @Get(':id')
  @Allow(Permission.ReadUsers)
  @ApiOperation({ summary: 'A user you manage (404 otherwise)' })
  @ApiOkResponse({ type: UserDto })
  get(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.users.get(actor, id);
  }

  @Patch(':id')
  @Allow(Permission.ManageUsers)
  @ApiOperation({ summary: 'Change display name, password or active; a new password or a deactivation ends the user’s sessions' })
  @ApiOkResponse({ type: UserDto })
  update(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() body: UpdateUserDto) {
    return this.users.update(actor, id, body);
  }

  @Post(':id/unlock')
  @HttpCode(200)
  @Allow(Permission.ManageSecurity)
  @ApiOperation({ summary: 'End a lockout now (security admin; audited)' })
  @ApiOkResponse({ type: UserDto })
  unlock(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.users.unlock(actor, id);
  }

  @Post(':id/totp/reset')
  @HttpCode(200)
  @Allow(Permission.ManageSecurity)
  @ApiOperation({
    summary: 'Remove the user’s second factor (a lost phone): their sessions end and they enrol again (security admin; audited)',
  })
  @ApiOkResponse({ type: UserDto })
  resetTotp(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.users.resetTotp(actor, id);
  }
}
