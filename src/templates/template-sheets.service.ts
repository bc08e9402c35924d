import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { Actor } from '../access/actor.js';
import { importFields, parseTemplateSheet } from './template-import.js';
import { diffTemplates, templateCsv, templateXlsx, type TemplateDiff } from './template-sheets.js';
import { receiveSheet } from './sheet-upload.js';
import type { Template } from './template.types.js';
import { TemplatesService } from './templates.service.js';

export interface SheetFile {
  filename: string;
  contentType: string;
  bytes: Buffer;
}

/** Templates to and from spreadsheets, and the diff of two versions. */
@Injectable()
export class TemplateSheetsService {
  constructor(private readonly templates: TemplatesService) {}

  async import(actor: Actor, req: Request, dryRun: boolean) {
    const upload = await receiveSheet(req);
    const fields = importFields(upload.fields);
    const parsed = await parseTemplateSheet(upload.bytes, fields);
    if (!parsed.content) return { template: null, created: false, errors: parsed.errors, items: parsed.items, version: null };
    const saved = await this.templates.saveImported(actor, fields.code, parsed.content, dryRun);
    return { template: saved.template, created: saved.created, errors: [], items: parsed.items, version: saved.version };
  }

  async export(actor: Actor, id: string, format: 'xlsx' | 'csv'): Promise<SheetFile> {
    const template = await this.templates.get(id, actor);
    const base = `${template.code}-v${template.version}`;
    if (format === 'csv') return { filename: `${base}.csv`, contentType: 'text/csv; charset=utf-8', bytes: templateCsv(template) };
    return {
      filename: `${base}.xlsx`,
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      bytes: await templateXlsx(template),
    };
  }

  async diff(actor: Actor, id: string, to: string): Promise<TemplateDiff> {
    const [from, next]: Template[] = await Promise.all([this.templates.get(id, actor), this.templates.get(to, actor)]);
    return diffTemplates(from, next);
  }
}
