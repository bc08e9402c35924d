import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';

/** Each field: omitted = unchanged, null = removed, a value = set (the masked value GET gave = unchanged). */
export class PutChannelsDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 2048,
    example: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa',
    description: '企业微信群机器人 webhook; https on qyapi.weixin.qq.com (plain http only to loopback) unless CHANNEL_ALLOW_ANY_HOST',
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @MaxLength(2048)
  wecomWebhookUrl?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 2048,
    example: 'https://oapi.dingtalk.com/robot/send?access_token=xxxx',
    description: '钉钉自定义机器人 webhook; https on oapi.dingtalk.com (plain http only to loopback) unless CHANNEL_ALLOW_ANY_HOST',
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @MaxLength(2048)
  dingtalkWebhookUrl?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 128,
    description: 'The DingTalk robot’s 加签 secret (SEC…); never shown again in full',
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @MaxLength(128)
  @Matches(/^[\x21-\x7e]+$/, { message: 'dingtalkSecret must be printable ASCII without spaces' })
  dingtalkSecret?: string | null;
}

export class ChannelsDto {
  @ApiProperty({ example: '522633' }) regionCode!: string;
  @ApiProperty({ type: String, nullable: true, description: 'masked: the key is shown as ****abcd' }) wecomWebhookUrl!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'masked: the access_token is shown as ****abcd' }) dingtalkWebhookUrl!:
    string | null;
  @ApiProperty({ type: String, nullable: true, description: 'masked: SEC****abcd' }) dingtalkSecret!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) updatedAt!: string | null;
}

export class ChannelTestDto {
  @ApiProperty({ description: 'Test messages queued (one per configured robot)', example: 2 }) queued!: number;
}
