import { Injectable } from '@nestjs/common';
import { DomainException } from '../common/problem/domain.exception.js';
import { DrawError } from './draws.errors.js';
import { DrawsRepository } from './draws.repository.js';
import { issuerNameOf, PUBLIC_RESULT_LABELS, type PublicRoundView } from './public-page.zh-CN.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** 一公开: what anyone may read about a published round. Nothing personal: no person's name, no phone, no finding text. */
@Injectable()
export class PublicRoundsService {
  constructor(private readonly repository: DrawsRepository) {}

  async get(id: string): Promise<PublicRoundView> {
    // an unknown, malformed or unpublished id all answer the same 404
    const round = UUID.test(id) ? await this.repository.publishedRound(id.toLowerCase()) : undefined;
    if (!round) throw new DomainException(DrawError.NotPublished, 'No published round with this id');
    const [draw, results] = await Promise.all([this.repository.find(round.id), this.repository.publicResults(round.id)]);
    return {
      name: round.name,
      issuerName: issuerNameOf(round.region_name),
      regionCode: round.region_code,
      startsOn: round.starts_on,
      endsOn: round.ends_on,
      draw: draw
        ? { algorithm: draw.algorithm, seed: draw.seed, population: { count: draw.population_count, sha256: draw.population_sha256 } }
        : null,
      institutions: results.map((r) => ({ name: r.name, type: r.type, regionName: r.region_name, result: PUBLIC_RESULT_LABELS[r.result] })),
    };
  }
}
