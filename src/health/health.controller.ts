import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Response } from 'express';
import { Public } from '../access/decorators.js';

class HealthDto {
  @ApiProperty({ enum: ['ok', 'error'], example: 'ok' })
  status!: 'ok' | 'error';

  @ApiProperty({ enum: ['up', 'down'], example: 'up' })
  db!: 'up' | 'down';
}

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(private readonly database: TypeOrmHealthIndicator) {}

  @Get()
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness and database reachability', security: [] })
  @ApiResponse({ status: 200, type: HealthDto, description: 'The service and its database are up' })
  @ApiResponse({ status: 503, type: HealthDto, description: 'The database cannot be reached' })
  async check(@Res({ passthrough: true }) res: Response): Promise<HealthDto> {
    let up: boolean;
    try {
      const result = await this.database.pingCheck('db').withTimeout(2_000);
      up = result.db.status === 'up';
    } catch {
      up = false;
    }
    res.setHeader('Cache-Control', 'no-store');
    if (!up) {
      res.status(503);
      return { status: 'error', db: 'down' };
    }
    return { status: 'ok', db: 'up' };
  }
}
