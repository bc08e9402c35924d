import { Injectable } from '@nestjs/common';
import type { Writable } from 'node:stream';
import type { Actor } from '../access/actor.js';
import { Role } from '../access/roles.js';
import { AuditService } from '../audit/audit.service.js';
import { AttachmentsService } from '../attachments/attachments.service.js';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { DomainException } from '../common/problem/domain.exception.js';
import { pathInActorSubtree } from '../access/scope.js';
import { FindingsService } from '../findings/findings.service.js';
import { InspectionsService } from '../inspections/inspections.service.js';
import { codesOfPath } from '../regions/region-code.js';
import { RegionsService } from '../regions/regions.service.js';
import { RoundsService } from '../rounds/rounds.service.js';
import { LABELS, reportTitle, type MonthlyReport, type MonthlySummary } from './monthly-report.js';
import { renderInspectionPdf } from './renderers/inspection-report.pdf.js';
import { renderMonthlyCsv } from './renderers/monthly-report.csv.js';
import { renderMonthlyPdf } from './renderers/monthly-report.pdf.js';
import { renderMonthlyXlsx } from './renderers/monthly-report.xlsx.js';
import { ReportError } from './reports.errors.js';
import { ReportsRepository, type ReportWindow } from './reports.repository.js';

/** Rows of each list a PDF prints (a province's month can hold thousands; the XLSX and CSV carry them all). */
const PDF_LIST_LIMIT = 1_000;
const FILE_LIST_LIMIT = 200_000;
/** The pseudo-region of the whole country in reports (GB/T 2260 has no code for it; its provinces are the roots). */
export const NATIONAL_CODE = '000000';

export interface ReportFile {
  filename: string;
  contentType: string;
  write(out: Writable): Promise<void>;
}

@Injectable()
export class ReportsService {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly repository: ReportsRepository,
    private readonly regions: RegionsService,
    private readonly inspections: InspectionsService,
    private readonly rounds: RoundsService,
    private readonly findings: FindingsService,
    private readonly attachments: AttachmentsService,
    private readonly audit: AuditService,
  ) {}

  async summary(actor: Actor, regionCode: string | undefined, month: string): Promise<MonthlySummary> {
    const { window, region, depth } = await this.window(actor, regionCode, month);
    const [row, byChildRegion, byType, bySection] = await Promise.all([
      this.repository.summary(window),
      this.repository.byChildRegion(window, region.code, depth),
      this.repository.byType(window),
      this.repository.bySection(window, LABELS.adHocSection),
    ]);
    return {
      regionCode: region.code,
      regionName: region.name,
      month,
      institutions: { total: row.institutions_total, inspected: row.inspected },
      inspections: { submitted: row.submitted, missed: row.missed },
      findings: { found: row.found, major: row.major, closed: row.closed, open: row.open, overdue: row.overdue },
      rectificationRate: row.found === 0 ? 0 : row.closed / row.found,
      byType,
      byChildRegion: byChildRegion.map((r) => ({
        regionCode: r.region_code,
        regionName: r.region_name,
        institutions: r.institutions,
        found: r.found,
        closed: r.closed,
        overdue: r.overdue,
      })),
      bySection: bySection.map((s) => ({ sectionTitle: s.section_title, found: s.found })),
    };
  }

  async monthly(actor: Actor, regionCode: string | undefined, month: string, format: 'pdf' | 'csv' | 'xlsx'): Promise<ReportFile> {
    const summary = await this.summary(actor, regionCode, month);
    const { window } = await this.window(actor, summary.regionCode, month);
    await this.audit.recordAccess(actor, {
      action: 'report.download',
      entity: 'region',
      entityId: summary.regionCode,
      regionCode: summary.regionCode,
      data: { month, format },
    });
    const limit = format === 'pdf' ? PDF_LIST_LIMIT : FILE_LIST_LIMIT;
    const [majors, overdue, roundNames] = await Promise.all([
      this.repository.list(window, 'major', limit),
      this.repository.list(window, 'overdue', limit),
      this.repository.roundNames(window),
    ]);
    const report: MonthlyReport = {
      ...summary,
      generatedAt: this.now(),
      timeZone: this.config.timeZone,
      roundNames,
      majors: { rows: majors, total: summary.findings.major },
      overdueList: { rows: overdue, total: summary.findings.overdue },
    };
    const filename = `${reportTitle(report)}.${format}`;
    switch (format) {
      case 'pdf':
        return { filename, contentType: 'application/pdf', write: (out) => renderMonthlyPdf(report, out) };
      case 'csv':
        return { filename, contentType: 'text/csv; charset=utf-8', write: async (out) => void out.end(renderMonthlyCsv(report)) };
      case 'xlsx': {
        const bytes = await renderMonthlyXlsx(report);
        return {
          filename,
          contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          write: async (out) => void out.end(bytes),
        };
      }
    }
  }

  /** The filled checklist of an inspection the actor may see, as a PDF. */
  async inspection(actor: Actor, id: string): Promise<ReportFile> {
    const inspection = await this.inspections.forReport(actor, id);
    await this.audit.recordAccess(actor, {
      action: 'inspection.report_download',
      entity: 'inspection',
      entityId: id,
      regionCode: inspection.regionCode,
      data: {},
    });
    const [round, region, findings] = await Promise.all([
      this.rounds.get(actor, inspection.roundId).catch(() => undefined),
      this.regions.find(inspection.regionCode),
      this.findings.list(actor, { inspectionId: id }, { page: 1, pageSize: 500 }),
    ]);
    const photos = await this.attachments.readForEmbedding(
      actor,
      inspection.answers.flatMap((a) => a.attachmentIds ?? []),
    );
    return {
      filename: `${inspection.institutionName}安全隐患排查检查表.pdf`,
      contentType: 'application/pdf',
      write: (out) =>
        renderInspectionPdf(
          {
            institutionName: inspection.institutionName,
            regionName: region?.name ?? inspection.regionCode,
            roundName: round?.name ?? '',
            kind: inspection.kind,
            status: inspection.status,
            submittedAt: inspection.submittedAt ? this.format(new Date(inspection.submittedAt)) : null,
            submittedByName: inspection.submittedByName,
            signature: inspection.signature,
            generatedAt: this.now(),
            template: inspection.template,
            answers: inspection.answers,
            findings: findings.items.map((f) => ({
              itemCode: f.itemCode,
              title: f.title,
              severity: f.severity,
              deadline: f.deadline,
              status: f.status,
            })),
            photos,
          },
          out,
        ),
    };
  }

  /** The report's region, in scope (404 otherwise, like an unknown one), and the month window. */
  private async window(actor: Actor, regionCode: string | undefined, month: string) {
    const code = regionCode ?? actor.regionCode;
    if (!code) {
      throw new DomainException(ReportError.InvalidRequest, 'regionCode is required', {
        errors: [{ field: 'regionCode', message: 'regionCode is required' }],
      });
    }
    if (code === NATIONAL_CODE) {
      // the whole country: every province is a root region, so the subtree is every path (admins only; a bureau has a province at most)
      if (actor.role !== Role.Admin) throw new DomainException(ReportError.RegionNotFound, `Region ${code} not found`);
      const window: ReportWindow = { monthStart: `${month}-01`, timeZone: this.config.timeZone, regionPath: '/' };
      return { window, region: { code, name: LABELS.nation }, depth: 0 };
    }
    const region = await this.regions.find(code);
    if (!region || (actor.role !== Role.Admin && !pathInActorSubtree(actor, region.path))) {
      throw new DomainException(ReportError.RegionNotFound, `Region ${code} not found`);
    }
    const window: ReportWindow = { monthStart: `${month}-01`, timeZone: this.config.timeZone, regionPath: region.path };
    return { window, region, depth: codesOfPath(region.path).length };
  }

  private now(): string {
    return this.format(new Date());
  }

  private format(date: Date): string {
    const parts = new Intl.DateTimeFormat('en-CA', {
      timeZone: this.config.timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(date);
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
  }
}
