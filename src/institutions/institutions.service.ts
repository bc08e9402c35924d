import { Injectable } from '@nestjs/common';
import { CsvError } from 'csv-parse';
import type { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../access/actor.js';
import { AuditService } from '../audit/audit.service.js';
import type { InstitutionType } from '../common/labels.zh-CN.js';
import { offsetOf, type Page, type PageQueryDto } from '../common/pagination.js';
import { DomainException } from '../common/problem/domain.exception.js';
import { pathInActorSubtree } from '../access/scope.js';
import { Transactions } from '../common/transactions.js';
import { maskPhone } from '../common/mask.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { UploadTooLargeError } from '../common/multipart.js';
import { RegionsService } from '../regions/regions.service.js';
import type { CreateInstitutionDto, UpdateInstitutionDto } from './dto/institution.dto.js';
import { CsvHeaderError, readInstitutionCsv } from './institution-csv.js';
import { InstitutionError } from './institutions.errors.js';
import { InstitutionsRepository, type InstitutionFields, type InstitutionRow } from './institutions.repository.js';

export interface Institution {
  id: string;
  name: string;
  type: InstitutionType;
  regionCode: string;
  address: string | null;
  beds: number | null;
  creditCode: string | null;
  headName: string | null;
  phone: string | null;
  active: boolean;
}

export interface ImportResult {
  created: number;
  updated: number;
  failed: { line: number; message: string }[];
}

const IMPORT_BATCH = 500;

@Injectable()
export class InstitutionsService {
  constructor(
    private readonly repository: InstitutionsRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly regions: RegionsService,
    private readonly crypto: CryptoService,
  ) {}

  /** Phone numbers are stored encrypted (CryptoService) with a blind index for exact search, and shown masked unless revealed. */
  private seal<T extends string | null | undefined>(phone: T): { phone: T | string; phoneIndex: T | string } {
    return phone
      ? { phone: this.crypto.encrypt(phone), phoneIndex: this.crypto.blindIndex(phoneDigits(phone)) }
      : { phone, phoneIndex: phone };
  }

  private open(stored: string | null): string | null {
    // a value written before phones were encrypted reads as it is, until the boot seals it
    return stored === null || !CryptoService.isEncrypted(stored) ? stored : this.crypto.decrypt(stored);
  }

  private view(row: InstitutionRow, reveal = false): Institution {
    const phone = this.open(row.phone);
    return toInstitution(row, reveal ? phone : maskPhone(phone));
  }

  /** The institution if the actor may see it: for other features' checks. */
  async findInScope(actor: Actor, id: string, em?: EntityManager): Promise<Institution | undefined> {
    const row = await this.repository.findInScope(actor, id, em);
    return row && this.view(row);
  }

  /** The institutions among `ids` the actor may see, in one query. */
  async findManyInScope(actor: Actor, ids: string[]): Promise<Institution[]> {
    return (await this.repository.findManyInScope(actor, [...new Set(ids)])).map((row) => this.view(row));
  }

  async get(actor: Actor, id: string): Promise<Institution> {
    const found = await this.findInScope(actor, id);
    if (!found) throw notFound(id);
    return found;
  }

  /** The institution with its phone in full, for a bureau in scope; each reveal is audited (who saw whose number). */
  async reveal(actor: Actor, id: string): Promise<Institution> {
    return this.transactions.run(async (em) => {
      const row = await this.repository.findInScope(actor, id, em);
      if (!row) throw notFound(id);
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'institution.reveal',
        entity: 'institution',
        entityId: id,
        regionCode: row.region_code,
        data: { fields: ['phone'] },
      });
      return this.view(row, true);
    });
  }

  async list(
    actor: Actor,
    filter: { regionCode?: string; type?: string; q?: string; active?: boolean; phone?: string },
    page: PageQueryDto,
  ): Promise<Page<Institution>> {
    let regionPath: string | undefined;
    if (filter.regionCode) {
      const region = await this.regions.find(filter.regionCode);
      if (!region) return { items: [], total: 0, page: page.page, pageSize: page.pageSize };
      regionPath = region.path;
    }
    // exact search by phone through its blind index (the numbers themselves are encrypted)
    const phoneIndexes = filter.phone === undefined ? undefined : this.crypto.blindIndexes(phoneDigits(filter.phone));
    const { rows, total } = await this.repository.list(actor, { ...filter, regionPath, phoneIndexes }, page.pageSize, offsetOf(page));
    return { items: rows.map((row) => this.view(row)), total, page: page.page, pageSize: page.pageSize };
  }

  async create(actor: Actor, input: CreateInstitutionDto): Promise<Institution> {
    await this.checkRegion(actor, input.regionCode);
    return this.transactions.run(async (em) => {
      const row = await this.repository.insert(em, {
        name: input.name,
        type: input.type,
        regionCode: input.regionCode,
        address: input.address || null,
        beds: input.beds ?? null,
        creditCode: input.creditCode ?? null,
        headName: input.headName || null,
        ...this.seal(input.phone || null),
      });
      if (!row) throw duplicateCreditCode(input.creditCode);
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'institution.create',
        entity: 'institution',
        entityId: row.id,
        regionCode: row.region_code,
        data: { ...this.view(row) },
      });
      return this.view(row);
    });
  }

  async update(actor: Actor, id: string, patch: UpdateInstitutionDto): Promise<Institution> {
    if (patch.regionCode !== undefined) await this.checkRegion(actor, patch.regionCode);
    return this.transactions.run(async (em) => {
      const existing = await this.repository.findInScope(actor, id, em);
      if (!existing) throw notFound(id);
      let row: InstitutionRow;
      try {
        row = await this.repository.update(em, id, { ...patch, ...this.seal(patch.phone) });
      } catch (error) {
        // the failed statement aborts the transaction, which rolls back as this propagates
        if ((error as { driverError?: { code?: string } }).driverError?.code === '23505') throw duplicateCreditCode(patch.creditCode);
        throw error;
      }
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'institution.update',
        entity: 'institution',
        entityId: id,
        regionCode: row.region_code,
        data: {
          changes: { ...patch, phone: patch.phone === undefined ? undefined : maskPhone(patch.phone || null) },
          previousRegionCode: existing.region_code !== row.region_code ? existing.region_code : undefined,
        },
      });
      return this.view(row);
    });
  }

  /**
   * Streams a CSV into institutions in one transaction: set-based upserts by
   * credit code in batches; a bad row is reported with its line and never
   * blocks the good ones.
   */
  async importCsv(actor: Actor, input: Readable): Promise<ImportResult> {
    const result: ImportResult = { created: 0, updated: 0, failed: [] };
    const regionPaths = new Map<string, string | null>();
    try {
      await this.transactions.run(
        async (em) => {
          result.created = 0;
          result.updated = 0;
          result.failed = [];
          let batch: { line: number; fields: InstitutionFields }[] = [];
          const codesInBatch = new Set<string>();
          const flush = async () => {
            await this.importBatch(em, actor, batch, regionPaths, result);
            batch = [];
            codesInBatch.clear();
          };
          for await (const record of readInstitutionCsv(input)) {
            if (record.error !== undefined) {
              result.failed.push({ line: record.line, message: record.error });
              continue;
            }
            const code = record.fields.creditCode;
            // a code seen again in the batch: flush first, so the second row updates the first
            if (batch.length >= IMPORT_BATCH || (code && codesInBatch.has(code))) await flush();
            if (code) codesInBatch.add(code);
            batch.push(record);
          }
          await flush();
          result.failed.sort((a, b) => a.line - b.line);
          await this.audit.append(em, {
            actorId: actor.id,
            action: 'institution.import',
            entity: 'institution',
            entityId: null,
            regionCode: actor.regionCode,
            data: { created: result.created, updated: result.updated, failed: result.failed.length },
          });
        },
        { retry: false },
      );
    } catch (error) {
      if (error instanceof CsvHeaderError) throw new DomainException(InstitutionError.InvalidCsv, error.message);
      if (error instanceof UploadTooLargeError) throw error.toDomain();
      if (error instanceof CsvError) {
        throw new DomainException(InstitutionError.InvalidCsv, `The file is not a readable CSV: ${(error as Error).message}`);
      }
      throw error;
    }
    return result;
  }

  private async importBatch(
    em: EntityManager,
    actor: Actor,
    batch: { line: number; fields: InstitutionFields }[],
    regionPaths: Map<string, string | null>,
    result: ImportResult,
  ): Promise<void> {
    const unknownCodes = [...new Set(batch.map((r) => r.fields.regionCode))].filter((c) => !regionPaths.has(c));
    if (unknownCodes.length > 0) {
      const found = new Map((await this.regions.findMany(unknownCodes)).map((r) => [r.code, r.path]));
      for (const code of unknownCodes) regionPaths.set(code, found.get(code) ?? null);
    }
    const good: { line: number; fields: InstitutionFields }[] = [];
    for (const row of batch) {
      const path = regionPaths.get(row.fields.regionCode) ?? null;
      if (path === null) result.failed.push({ line: row.line, message: `行政区划代码不存在：${row.fields.regionCode}` });
      else if (!pathInActorSubtree(actor, path))
        result.failed.push({ line: row.line, message: `行政区划不在您的管辖范围内：${row.fields.regionCode}` });
      else good.push({ line: row.line, fields: { ...row.fields, ...this.seal(row.fields.phone) } });
    }
    const withCode = good.filter((r) => r.fields.creditCode !== null);
    const withoutCode = good.filter((r) => r.fields.creditCode === null);
    result.created += await this.repository.insertMany(
      em,
      withoutCode.map((r) => r.fields),
    );
    const outcome = await this.repository.upsertByCreditCode(
      em,
      actor,
      withCode.map((r) => r.fields),
    );
    for (const row of withCode) {
      const done = outcome.get(row.fields.creditCode as string);
      if (done === 'created') result.created++;
      else if (done === 'updated') result.updated++;
      else result.failed.push({ line: row.line, message: `统一社会信用代码已被管辖范围外的机构使用：${row.fields.creditCode}` });
    }
  }

  private async checkRegion(actor: Actor, regionCode: string): Promise<void> {
    const region = await this.regions.find(regionCode);
    if (!region) {
      throw new DomainException(InstitutionError.UnknownRegion, `Region ${regionCode} does not exist`, {
        errors: [{ field: 'regionCode', message: `Region ${regionCode} does not exist` }],
      });
    }
    if (!pathInActorSubtree(actor, region.path)) {
      throw new DomainException(InstitutionError.RegionOutOfScope, `Region ${regionCode} is outside your scope`);
    }
  }
}

function notFound(id: string): DomainException {
  return new DomainException(InstitutionError.NotFound, `Institution ${id} not found`);
}

function duplicateCreditCode(code: string | undefined): DomainException {
  return new DomainException(InstitutionError.DuplicateCreditCode, `Credit code ${code ?? ''} is used by another institution`);
}

function toInstitution(row: InstitutionRow, phone: string | null): Institution {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    regionCode: row.region_code,
    address: row.address,
    beds: row.beds,
    creditCode: row.credit_code,
    headName: row.head_name,
    phone,
    active: row.active,
  };
}

/** What a phone's blind index is taken of: its digits (0855-7654321 and 0855 7654321 are one number). */
export function phoneDigits(phone: string): string {
  return phone.replace(/\D/g, '');
}
