import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Response } from 'express';
import { Public } from '../access/decorators.js';
import { AttachmentsService } from '../attachments/attachments.service.js';

class HealthDto {
  @ApiProperty({ enum: ['ok', 'error'], example: 'ok' })
  status!: 'ok' | 'error';

  @ApiProperty({ enum: ['up', 'down'], example: 'up' })
  db!: 'up' | 'down';

  @ApiProperty({
    enum: ['up', 'down'],
    example: 'up',
    description:
      'Whether the file store (STORAGE_DIR or the STORAGE_URL bucket) answers. Down does not make the response 503: ' +
      'uploads answer 503 meanwhile, stored files are served where the store answers.',
  })
  storage!: 'up' | 'down';
}

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly database: TypeOrmHealthIndicator,
    private readonly attachments: AttachmentsService,
  ) {}

  @Get()
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness and database reachability', security: [] })
  @ApiResponse({ status: 200, type: HealthDto, description: 'The service and its database are up' })
  @ApiResponse({ status: 503, type: HealthDto, description: 'The database cannot be reached' })
  async check(@Res({ passthrough: true }) res: Response): Promise<HealthDto> {
    const [up, storage] = await Promise.all([
      this.database
        .pingCheck('db')
        .withTimeout(2_000)
        .then(
          (result) => result.db.status === 'up',
          () => false,
        ),
      this.attachments.storageStatus(2_000),
    ]);
    res.setHeader('Cache-Control', 'no-store');
    if (!up) {
      res.status(503);
      return { status: 'error', db: 'down', storage };
    }
    return { status: 'ok', db: 'up', storage };
  }
}
