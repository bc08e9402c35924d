import { Injectable } from '@nestjs/common';
import type { Actor } from '../access/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainException } from '../common/problem/domain.exception.js';
import { offsetOf, type Page, type PageQueryDto } from '../common/pagination.js';
import { Transactions } from '../common/transactions.js';
import { RegionLevel } from './region.entity.js';
import { canBeParent, codesOfPath, levelOfCode, pathOf } from './region-code.js';
import { RegionError } from './regions.errors.js';
import { RegionsRepository, type NewRegion, type RegionRow } from './regions.repository.js';
import { loadNationalDivisions, nationalProvinceCodes } from './national-divisions.js';

export interface Region {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
}

export interface RegionDetail extends Region {
  path: { code: string; name: string }[];
}

@Injectable()
export class RegionsService {
  constructor(
    private readonly repository: RegionsRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  async children(parentCode: string | undefined, page: PageQueryDto): Promise<Page<Region>> {
    if (parentCode !== undefined && !(await this.repository.findByCode(parentCode))) {
      throw new DomainException(RegionError.NotFound, `Region ${parentCode} does not exist`);
    }
    const { rows, total } = await this.repository.children(parentCode ?? null, page.pageSize, offsetOf(page));
    return { items: rows.map(toRegion), total, page: page.page, pageSize: page.pageSize };
  }

  async get(code: string): Promise<RegionDetail> {
    const row = await this.repository.findByCode(code);
    if (!row) throw new DomainException(RegionError.NotFound, `Region ${code} does not exist`);
    return this.detail(row);
  }

  /** A region row by code, or undefined: for other features' validation. */
  find(code: string): Promise<RegionRow | undefined> {
    return this.repository.findByCode(code);
  }

  findMany(codes: string[]): Promise<RegionRow[]> {
    return this.repository.findByCodes(codes);
  }

  async create(actor: Actor, input: { code: string; name: string; parentCode?: string }): Promise<RegionDetail> {
    const level = levelOfCode(input.code);
    const name = input.name.trim();
    return this.transactions.run(async (em) => {
      let parentPath: string | null = null;
      if (level === RegionLevel.Province) {
        if (input.parentCode) throw new DomainException(RegionError.InvalidParent, `A province (${input.code}) has no parent`);
      } else {
        if (!input.parentCode) throw new DomainException(RegionError.InvalidParent, `A ${level} needs a parentCode`);
        const parent = await this.repository.findByCode(input.parentCode, em);
        if (!parent) throw new DomainException(RegionError.InvalidParent, `Parent region ${input.parentCode} does not exist`);
        if (!canBeParent(parent.code, input.code)) {
          throw new DomainException(
            RegionError.InvalidParent,
            `Region ${input.code} (${level}) cannot sit under ${parent.code} (${parent.level}): GB/T 2260 codes nest by their leading digits`,
          );
        }
        parentPath = parent.path;
      }
      const region: NewRegion = {
        code: input.code,
        name,
        level,
        parentCode: input.parentCode ?? null,
        path: pathOf(parentPath, input.code),
      };
      if (!(await this.repository.insert(em, region))) {
        throw new DomainException(RegionError.DuplicateCode, `Region ${input.code} exists already`);
      }
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'region.create',
        entity: 'region',
        entityId: region.code,
        regionCode: region.code,
        data: { name, level, parentCode: region.parentCode },
      });
      return this.detail({ code: region.code, name, level, parent_code: region.parentCode, path: region.path }, em);
    });
  }

  /** Loads the official list (all or some provinces) in one set-based statement; idempotent. */
  async importNational(actor: Actor, provinceCodes?: string[]): Promise<{ created: number; existing: number }> {
    if (provinceCodes) {
      const known = nationalProvinceCodes();
      const unknown = provinceCodes.filter((c) => !known.has(c));
      if (unknown.length > 0) throw new DomainException(RegionError.UnknownProvince, `Unknown province code(s): ${unknown.join(', ')}`);
    }
    const divisions = loadNationalDivisions(provinceCodes);
    const paths = new Map<string, string>();
    const regions: NewRegion[] = divisions.map((d) => {
      const path = pathOf(d.parentCode ? (paths.get(d.parentCode) ?? null) : null, d.code);
      paths.set(d.code, path);
      return { ...d, path };
    });
    return this.transactions.run(async (em) => {
      const created = await this.repository.insertMany(em, regions);
      const result = { created, existing: regions.length - created };
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'region.import',
        entity: 'region',
        entityId: null,
        regionCode: null,
        data: { source: 'national', provinceCodes: provinceCodes ?? null, ...result },
      });
      return result;
    });
  }

  private async detail(row: RegionRow, em?: Parameters<RegionsRepository['findByCodes']>[1]): Promise<RegionDetail> {
    const codes = codesOfPath(row.path);
    const names = new Map((await this.repository.findByCodes(codes, em)).map((r) => [r.code, r.name]));
    return { ...toRegion(row), path: codes.map((code) => ({ code, name: names.get(code) ?? code })) };
  }
}

export function toRegion(row: RegionRow): Region {
  return { code: row.code, name: row.name, level: row.level, parentCode: row.parent_code };
}
