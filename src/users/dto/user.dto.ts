import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { MIN_PASSWORD_LENGTH } from '../password.js';
import { Role, ROLES } from '../../access/roles.js';
import { PageDto, PageQueryDto } from '../../common/pagination.js';
import { REGION_CODE_PATTERN } from '../../regions/region-code.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'demo-inspector' }) username!: string;
  @ApiProperty({ example: '从江县民政局 检查员' }) displayName!: string;
  @ApiProperty({ enum: Role }) role!: Role;
  @ApiProperty({ nullable: true, type: String, example: '522633' }) regionCode!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) institutionId!: string | null;
  @ApiProperty({ description: 'Deactivated users cannot log in and their tokens stop working' }) active!: boolean;
}

export class CreateUserDto {
  @ApiProperty({ example: 'cj-inspector-01', pattern: '^[A-Za-z0-9_.@-]{3,64}$' })
  @Matches(/^[A-Za-z0-9_.@-]{3,64}$/, { message: "username must be 3–64 letters, digits or '_', '.', '@', '-'" })
  username!: string;

  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH, maxLength: 256 })
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(256)
  password!: string;

  @ApiProperty({ example: '王检查', maxLength: 100 })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName!: string;

  @ApiProperty({ enum: Role })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({ example: '522633', description: 'Required for bureau and inspector' })
  @IsOptional()
  @Matches(REGION_CODE_PATTERN, { message: 'regionCode must be a 6- or 9-digit GB/T 2260 code' })
  regionCode?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Required for institution_head' })
  @IsOptional()
  @IsUUID('all')
  institutionId?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName?: string;

  @ApiPropertyOptional({ minLength: MIN_PASSWORD_LENGTH, maxLength: 256, description: 'Changing it ends the sessions of the user' })
  @IsOptional()
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(256)
  password?: string;

  @ApiPropertyOptional({ description: 'false deactivates the user: no login, tokens stop working' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class UsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: Role })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ example: '522633', description: 'Users of this region (exactly)' })
  @IsOptional()
  @Matches(REGION_CODE_PATTERN, { message: 'regionCode must be a 6- or 9-digit GB/T 2260 code' })
  regionCode?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  institutionId?: string;
}

export class UserPageDto extends PageDto {
  @ApiProperty({ type: [UserDto] }) items!: UserDto[];
}
