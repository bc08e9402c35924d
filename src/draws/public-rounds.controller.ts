import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../access/decorators.js';
import { DomainException } from '../common/problem/domain.exception.js';
import { DrawError } from './draws.errors.js';
import { PublicRoundDto } from './dto/draw.dto.js';
import { renderNotPublishedHtml, renderPublicRoundHtml } from './public-page.zh-CN.js';
import { PublicRoundsService } from './public-rounds.service.js';

/**
 * 一公开 at /public/rounds/:id, outside /api/v1 and without authentication.
 * One path for machines and people, by content negotiation: JSON unless the
 * client prefers text/html (a browser), which gets the plain zh-CN page.
 */
@ApiTags('public')
@Controller('public')
export class PublicRoundsController {
  constructor(private readonly rounds: PublicRoundsService) {}

  @Get('rounds/:id')
  @Public()
  @ApiOperation({
    summary: 'A published round and its results (no authentication); HTML when the client prefers text/html',
    description: "JSON for `Accept: application/json` or `*/*`; a browser's `Accept: text/html` gets the page. 404 unless published.",
    operationId: 'getPublicRound',
    security: [],
  })
  @ApiProduces('application/json', 'text/html')
  @ApiOkResponse({ type: PublicRoundDto })
  @ApiNotFoundResponse({ description: 'Unknown or unpublished round' })
  async get(@Param('id') id: string, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<PublicRoundDto | string> {
    res.setHeader('Vary', 'Accept');
    res.setHeader('Cache-Control', 'no-cache');
    const html = req.accepts(['application/json', 'text/html']) === 'text/html';
    let view;
    try {
      view = await this.rounds.get(id);
    } catch (error) {
      if (!html || !(error instanceof DomainException)) throw error;
      res.status(404).type('text/html; charset=utf-8');
      return renderNotPublishedHtml();
    }
    if (html) {
      res.type('text/html; charset=utf-8');
      return renderPublicRoundHtml(view);
    }
    return view;
  }

  /** `/public/rounds/` without an id: the same problem+json 404 as an unknown id (outside /api/v1 Express would answer HTML). */
  @Get('rounds')
  @Public()
  @ApiExcludeEndpoint()
  list(): never {
    throw new DomainException(DrawError.NotPublished, 'No published round with this id');
  }
}
