import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { UserDto } from '../../users/dto/user.dto.js';

export class LoginDto {
  @ApiProperty({ example: 'demo-inspector' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  username!: string;

  @ApiProperty({ example: 'Paicha-2026' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password!: string;
}

export class LoginResultDto {
  @ApiProperty({ description: 'JWT (HS256) to send as `Authorization: Bearer <accessToken>`' })
  accessToken!: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType!: 'Bearer';

  @ApiProperty({ description: 'Seconds until the token expires', example: 43200 })
  expiresIn!: number;

  @ApiProperty({ description: 'true: the token is good only for POST /auth/password (a password set by someone else, or expired)' })
  passwordChangeRequired!: boolean;

  @ApiProperty({ type: UserDto })
  user!: UserDto;
}

export class ChangePasswordDto {
  @ApiProperty({ maxLength: 1024 })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  currentPassword!: string;

  @ApiProperty({
    minLength: 8,
    maxLength: 256,
    description: 'At least 8 characters with three of lower case, upper case, digits, symbols; not the username; not one of the last 5',
  })
  @IsString()
  @MinLength(8)
  @MaxLength(256)
  newPassword!: string;
}
