import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Actor } from '../access/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainException } from '../common/problem/domain.exception.js';
import { Transactions } from '../common/transactions.js';
import { DRAW_ALGORITHM, populationSha256, runDraw, type DrawParameters, type StratumDimension } from './draw-algorithm.js';
import { verifyExport, type DrawExport } from './draw-verify.js';
import { DrawError } from './draws.errors.js';
import { DrawsRepository, type DrawRoundRow, type DrawRow } from './draws.repository.js';
import type { CreateDrawDto } from './dto/draw.dto.js';

export interface Draw {
  id: string;
  roundId: string;
  algorithm: string;
  seed: string;
  parameters: DrawParameters;
  population: { count: number; sha256: string };
  strata: { key: string; population: number; selected: number }[];
  selected: { institutionId: string; institutionName: string; regionCode: string; type: string; stratum: string; inspectorIds: string[] }[];
  inspectors: { id: string; displayName: string }[];
  drawnAt: string;
  drawnBy: string;
}

/** Bits of a generated seed: 128, written as 32 hex digits. */
const SEED_BYTES = 16;

/** 双随机: draws the institutions of a supervisory round and their inspectors (see docs/draw.md). */
@Injectable()
export class DrawsService {
  constructor(
    private readonly repository: DrawsRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  /** Draws (or draws again) for a draft supervisory round; one transaction with its audit event. */
  async draw(actor: Actor, roundId: string, input: CreateDrawDto): Promise<Draw> {
    const hasRatio = input.ratio !== undefined && input.ratio !== null;
    const hasCount = input.count !== undefined && input.count !== null;
    if (hasRatio === hasCount) {
      const message = 'give exactly one of ratio and count';
      throw new DomainException(DrawError.InvalidRequest, message, { errors: [{ field: hasRatio ? 'count' : 'ratio', message }] });
    }
    const parameters: DrawParameters = {
      ratio: hasRatio ? (input.ratio as number) : null,
      count: hasCount ? (input.count as number) : null,
      stratifyBy: (['type', 'county'] as StratumDimension[]).filter((d) => input.stratifyBy.includes(d)),
      minPerStratum: input.minPerStratum ?? 0,
      inspectorsPerInspection: input.inspectorsPerInspection,
    };
    const seed = input.seed ?? randomBytes(SEED_BYTES).toString('hex');
    return this.transactions.run(async (em) => {
      const round = await this.repository.round(actor, roundId, 'manage', em, true);
      if (!round) throw roundNotFound(roundId);
      if (round.kind !== 'supervisory')
        throw new DomainException(DrawError.WrongRound, 'Only a supervisory round is drawn; this is a self-check round');
      if (round.status !== 'draft') {
        throw new DomainException(DrawError.WrongRound, `Only a draft round is drawn; this one is ${round.status}`, {
          currentStatus: round.status,
        });
      }
      const [population, pool, recusals] = [
        await this.repository.population(round, em),
        await this.repository.pool(round, em),
        await this.repository.recusalsFor(round, em),
      ];
      const result = runDraw({ algorithm: DRAW_ALGORITHM, seed, parameters, population, pool, recusals });
      if (result.understaffed.length > 0) {
        const names = await this.repository.institutionNames(
          result.understaffed.map((u) => u.institutionId),
          em,
        );
        const institutions = result.understaffed.map((u) => ({
          institutionId: u.institutionId,
          institutionName: names.get(u.institutionId) ?? '',
          eligible: u.eligible,
        }));
        throw new DomainException(
          DrawError.NotEnoughInspectors,
          `${institutions.length} drawn institution(s) have fewer than ${parameters.inspectorsPerInspection} eligible inspectors: ` +
            institutions.map((i) => `${i.institutionName} (${i.eligible})`).join(', '),
          { institutions },
        );
      }
      const { replaced } = await this.repository.replace(em, {
        round_id: round.id,
        algorithm: DRAW_ALGORITHM,
        seed,
        parameters,
        population_count: result.population.count,
        population_sha256: result.population.sha256,
        population: population.map((m) => ({ id: m.id, type: m.type, regionCode: m.regionCode, regionPath: m.regionPath })),
        pool,
        recusals,
        strata: result.strata,
        selected: result.selected,
        drawn_by: actor.id,
      });
      const row = (await this.repository.find(round.id, em)) as DrawRow;
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'draw.create',
        entity: 'draw',
        entityId: row.id,
        regionCode: round.region_code,
        data: {
          roundId: round.id,
          algorithm: DRAW_ALGORITHM,
          seed,
          parameters,
          population: result.population,
          selected: result.selected.map((s) => ({ institutionId: s.institutionId, inspectorIds: s.inspectorIds })),
          replacedDrawId: replaced,
        },
      });
      return this.present(row, em);
    });
  }

  async get(actor: Actor, roundId: string): Promise<Draw> {
    return this.present(await this.drawOf(actor, roundId));
  }

  /** The JSON an outsider needs to recompute the draw (scripts/draw-verify.mjs). */
  async export(actor: Actor, roundId: string): Promise<DrawExport & { roundId: string; drawId: string; drawnAt: string }> {
    return exportOf(await this.drawOf(actor, roundId));
  }

  async verify(
    actor: Actor,
    roundId: string,
  ): Promise<{ ok: boolean; recomputedSha256: string; currentSha256: string; difference: string | null }> {
    const row = await this.drawOf(actor, roundId);
    const round = (await this.repository.round(actor, roundId, 'read')) as DrawRoundRow;
    const outcome = verifyExport(exportOf(row));
    const recomputedSha256 = populationSha256(row.population);
    const currentSha256 = populationSha256(await this.repository.population(round));
    const difference = outcome.ok ? (recomputedSha256 === row.population_sha256 ? null : 'population.sha256 differs') : outcome.difference;
    return { ok: difference === null, recomputedSha256, currentSha256, difference };
  }

  /** 一公开: the round becomes public at /public/rounds/:id (once; publishing again changes nothing). */
  async publish(actor: Actor, roundId: string): Promise<{ roundId: string; publishedAt: string; url: string }> {
    return this.transactions.run(async (em) => {
      const round = await this.repository.round(actor, roundId, 'manage', em, true);
      if (!round) throw roundNotFound(roundId);
      if (round.status === 'draft') {
        throw new DomainException(DrawError.WrongRound, 'A draft round has no results to publish: open it first', {
          currentStatus: round.status,
        });
      }
      const { publishedAt, created } = await this.repository.publish(em, round.id, actor.id);
      if (created) {
        await this.audit.append(em, {
          actorId: actor.id,
          action: 'round.publish',
          entity: 'round',
          entityId: round.id,
          regionCode: round.region_code,
          data: { url: publicUrl(round.id) },
        });
      }
      return { roundId: round.id, publishedAt: new Date(publishedAt).toISOString(), url: publicUrl(round.id) };
    });
  }

  private async drawOf(actor: Actor, roundId: string): Promise<DrawRow> {
    if (!(await this.repository.round(actor, roundId, 'read'))) throw roundNotFound(roundId);
    const row = await this.repository.find(roundId);
    if (!row) throw new DomainException(DrawError.NotFound, `Round ${roundId} has no draw`);
    return row;
  }

  private async present(row: DrawRow, em?: Parameters<DrawsRepository['institutionNames']>[1]): Promise<Draw> {
    const byId = new Map(row.population.map((m) => [m.id, m]));
    const names = await this.repository.institutionNames(
      row.selected.map((s) => s.institutionId),
      em,
    );
    const inspectorIds = [...new Set(row.selected.flatMap((s) => s.inspectorIds))];
    return {
      id: row.id,
      roundId: row.round_id,
      algorithm: row.algorithm,
      seed: row.seed,
      parameters: row.parameters,
      population: { count: row.population_count, sha256: row.population_sha256 },
      strata: row.strata,
      selected: row.selected.map((s) => {
        const member = byId.get(s.institutionId);
        return {
          institutionId: s.institutionId,
          institutionName: names.get(s.institutionId) ?? '',
          regionCode: member?.regionCode ?? '',
          type: member?.type ?? '',
          stratum: s.stratum,
          inspectorIds: s.inspectorIds,
        };
      }),
      inspectors: await this.repository.userNames(inspectorIds, em),
      drawnAt: new Date(row.drawn_at).toISOString(),
      drawnBy: row.drawn_by,
    };
  }
}

export function publicUrl(roundId: string): string {
  return `/public/rounds/${roundId}`;
}

function roundNotFound(id: string): DomainException {
  return new DomainException(DrawError.RoundNotFound, `Round ${id} not found`);
}

function exportOf(row: DrawRow): DrawExport & { roundId: string; drawId: string; drawnAt: string } {
  return {
    algorithm: row.algorithm,
    roundId: row.round_id,
    drawId: row.id,
    drawnAt: new Date(row.drawn_at).toISOString(),
    seed: row.seed,
    parameters: row.parameters,
    population: row.population,
    pool: row.pool,
    recusals: row.recusals,
    result: {
      population: { count: row.population_count, sha256: row.population_sha256 },
      strata: row.strata,
      selected: row.selected.map((s) => ({ institutionId: s.institutionId, stratum: s.stratum, inspectorIds: s.inspectorIds })),
    },
  };
}
