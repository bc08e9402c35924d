import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../access/decorators.js';
import { DomainException } from '../common/problem/domain.exception.js';
import { KIND_TITLES } from './document-numbers.js';
import { DocumentsService, type Verification } from './documents.service.js';
import { VerificationDto } from './dto/document.dto.js';

const STATUS_TEXT = { issued: '有效（已签发）', served: '有效（已送达）', revoked: '已作废' } as const;

/** The public page a document's QR code opens: HTML for people, JSON with `Accept: application/json`. */
@ApiTags('documents')
@Controller('verify')
export class VerifyController {
  constructor(private readonly documents: DocumentsService) {}

  /** `/verify/` without a code: the same 404 as an unknown code (not the framework's bare page). */
  @Get()
  @Public()
  @ApiExcludeEndpoint()
  async none(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.verify('', req, res);
  }

  @Get(':code')
  @Public()
  @ApiOperation({
    summary: 'Verify a document by the code of its QR (no authentication; nothing personal)',
    operationId: 'verifyDocument',
    security: [],
  })
  @ApiProduces('text/html', 'application/json')
  @ApiOkResponse({ type: VerificationDto })
  async verify(@Param('code') code: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const json = req.accepts(['html', 'json']) === 'json';
    // an unknown code: a page for a browser (it asks for text/html), problem+json for anything else
    const browser = /text\/html/.test(req.headers.accept ?? '');
    let found: Verification | undefined;
    try {
      found = await this.documents.verify(code);
    } catch (error) {
      if (json || !browser || !(error instanceof DomainException)) throw error;
    }
    res.setHeader('Cache-Control', 'no-store');
    if (json) return void res.status(200).json(found);
    res
      .status(found ? 200 : 404)
      .type('html')
      .send(page(found));
  }
}

function escape(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(v: Verification | undefined): string {
  const rows = v
    ? [
        ['文书种类', KIND_TITLES[v.kind]],
        ['文号', v.number],
        ['签发机关', v.issuerName],
        ['签发时间', new Date(v.issuedAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })],
        ['状态', STATUS_TEXT[v.status]],
        ['PDF 文件 SHA-256', v.sha256],
      ]
    : [];
  const body = v
    ? `<h1>${v.status === 'revoked' ? '本文书已作废' : '文书核验通过'}</h1><table>${rows
        .map(([k, val]) => `<tr><th>${escape(k)}</th><td>${escape(val)}</td></tr>`)
        .join('')}</table><p>请核对纸质文书的文号、签发机关与上表一致；PDF 文件的 SHA-256 应与上表相同。</p>`
    : '<h1>未找到该文书</h1><p>核验码无效，或文书不存在。请核对二维码或联系签发机关。</p>';
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>文书核验</title><style>body{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}
th{text-align:left;padding:.4rem 1rem .4rem 0;white-space:nowrap;vertical-align:top}
td{word-break:break-all}h1{font-size:1.4rem}</style></head>
<body>${body}</body></html>`;
}
