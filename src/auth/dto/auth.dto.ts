import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
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

  @ApiPropertyOptional({
    description:
      'The six-digit code of the authenticator app, or an unused recovery code (xxxxx-xxxxx), for a user with a second factor. Without it such a user gets 401 totp_required.',
    example: '123456',
    maxLength: 32,
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(32)
  totp?: string;
}

export class TokenPairDto {
  @ApiProperty({ description: 'JWT (HS256) to send as `Authorization: Bearer <accessToken>`; lives ACCESS_TOKEN_MINUTES' })
  accessToken!: string;

  @ApiProperty({
    description:
      'Renews the access token once (POST /auth/refresh); every refresh answers a new one. Showing a spent one again ends the session.',
  })
  refreshToken!: string;

  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 })
  expiresIn!: number;
}

export class RefreshDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  refreshToken!: string;
}

export class LoginResultDto extends TokenPairDto {
  @ApiProperty({ enum: ['Bearer'] })
  tokenType!: 'Bearer';

  @ApiProperty({ description: 'true: the session is good only for POST /auth/password (a password set by someone else, or expired)' })
  passwordChangeRequired!: boolean;

  @ApiProperty({
    description:
      'true: the role needs a second factor (MFA_REQUIRED_ROLES) and has none yet; the session is good only for POST /auth/totp/enroll and /confirm (then refresh for a full token)',
  })
  mfaEnrollmentRequired!: boolean;

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

export class TotpEnrollmentDto {
  @ApiProperty({ description: 'otpauth://totp/… to open in an authenticator app', example: 'otpauth://totp/…' })
  otpauthUrl!: string;

  @ApiProperty({ description: 'The secret in base32, to type in by hand' })
  secret!: string;

  @ApiProperty({ description: 'otpauthUrl as an SVG QR code' })
  qrSvg!: string;
}

export class TotpConfirmDto {
  @ApiProperty({ description: 'The current six-digit code of the authenticator app', example: '123456', pattern: '^\\s*\\d{6}\\s*$' })
  @IsString()
  @Matches(/^\s*\d{6}\s*$/, { message: 'code must be the six digits shown by the authenticator app' })
  code!: string;
}

export class RecoveryCodesDto {
  @ApiProperty({ type: [String], description: 'Ten single-use codes for a login without the app; shown this once' })
  recoveryCodes!: string[];
}

export class AuthOptionsDto {
  @ApiProperty({ description: 'The roles that must log in with a second factor (MFA_REQUIRED_ROLES)', type: [String] })
  mfaRequiredRoles!: string[];

  @ApiProperty({ description: 'Demo data is loaded (SEED_DEMO): the demo accounts may log in without a second factor' })
  demo!: boolean;

  @ApiProperty({ description: 'Minutes an access token lives (ACCESS_TOKEN_MINUTES)' })
  accessTokenMinutes!: number;

  @ApiProperty({ description: 'Minutes of inactivity that end a session (SESSION_IDLE_MINUTES)' })
  sessionIdleMinutes!: number;

  @ApiProperty({ description: 'Failed logins in a row that lock an account (LOCKOUT_THRESHOLD)' })
  lockoutThreshold!: number;

  @ApiProperty({ description: 'Minutes a lockout lasts (LOCKOUT_MINUTES)' })
  lockoutMinutes!: number;
}
