import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../access/actor.js';
import { Allow, CurrentActor } from '../access/decorators.js';
import { Permission } from '../access/permissions.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { MonthlyQueryDto, SummaryDto, SummaryQueryDto } from './dto/report.dto.js';
import { ReportsService, type ReportFile } from './reports.service.js';

async function send(res: Response, file: ReportFile): Promise<void> {
  const ascii = file.filename.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '');
  res.status(200);
  res.setHeader('Content-Type', file.contentType);
  res.setHeader('Content-Disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
  res.setHeader('Cache-Control', 'private, no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  await file.write(res);
}

@ApiTags('reports')
@ApiBearerAuth()
@Controller()
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('reports/summary')
  @Allow(Permission.ReadReports)
  @ApiOperation({ summary: 'The monthly summary over a region subtree (a bureau: its own subtree only, else 404)' })
  @ApiOkResponse({ type: SummaryDto })
  summary(@CurrentActor() actor: Actor, @Query() query: SummaryQueryDto) {
    return this.reports.summary(actor, query.regionCode, query.month);
  }

  @Get('reports/monthly')
  @Allow(Permission.ReadReports)
  @ApiOperation({ summary: 'The monthly report as a file (PDF in Chinese with charts and lists, CSV with BOM, or XLSX)' })
  @ApiProduces('application/pdf', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({ description: 'The file, as an attachment' })
  async monthly(@CurrentActor() actor: Actor, @Query() query: MonthlyQueryDto, @Res() res: Response) {
    await send(res, await this.reports.monthly(actor, query.regionCode, query.month, query.format));
  }

  @Get('inspections/:id/report.pdf')
  @Allow(Permission.ReadInspections)
  @ApiTags('inspections')
  @ApiOperation({ summary: 'The filled checklist of an inspection as a PDF (items, results, notes, photos, signature, findings)' })
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'The PDF, as an attachment' })
  async inspection(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Res() res: Response) {
    await send(res, await this.reports.inspection(actor, id));
  }
}
