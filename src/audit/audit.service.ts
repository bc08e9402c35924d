import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../access/actor.js';
import { jsonSafe } from '../common/json-safe.js';
import { offsetOf, type Page, type PageQueryDto } from '../common/pagination.js';
import { Transactions } from '../common/transactions.js';
import type { RuntimeConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { chainHash, GENESIS_HASH, keyedChainHash, type AuditContent, type HashAlgorithm } from './audit-chain.js';
import { AuditRepository, type AuditRow } from './audit.repository.js';

export type AuditEntity =
  | 'user'
  | 'region'
  | 'institution'
  | 'template'
  | 'round'
  | 'inspection'
  | 'finding'
  | 'attachment'
  | 'notification'
  | 'job'
  | 'document'
  | 'draw';

export interface AuditEventInput {
  actorId: string | null;
  action: string;
  entity: AuditEntity;
  entityId: string | null;
  /** The region the object belongs to: decides which bureaus may read the event. */
  regionCode: string | null;
  data?: Record<string, unknown>;
}

export interface AuditEvent extends AuditContent {
  hash: string;
  hashAlgorithm: HashAlgorithm;
}

const VERIFY_BATCH = 5_000;
const CHAIN_BATCH = 5_000;

@Injectable()
export class AuditService {
  /** The algorithm of new links (AUDIT_HASH), keyed by AUDIT_KEY. */
  private readonly algorithm: HashAlgorithm;
  private readonly hmacs: Record<'hmac-sha256' | 'hmac-sm3', (...parts: string[]) => string>;
  private readonly chainBrokenListeners: ((firstBadSeq: number) => Promise<void>)[] = [];

  constructor(
    private readonly repository: AuditRepository,
    private readonly transactions: Transactions,
    crypto: CryptoService,
    @InjectConfig() config: RuntimeConfig,
  ) {
    this.algorithm = config.auditHash === 'sm3' ? 'hmac-sm3' : 'hmac-sha256';
    this.hmacs = { 'hmac-sha256': crypto.auditHmac('sha256'), 'hmac-sm3': crypto.auditHmac('sm3') };
  }

  private link(algorithm: HashAlgorithm, previous: string, content: AuditContent): string {
    return algorithm === 'sha256' ? chainHash(previous, content) : keyedChainHash(this.hmacs[algorithm], algorithm, previous, content);
  }

  /**
   * Records an event inside the caller's transaction, so it commits or rolls
   * back with the change. It is chained (numbered and hashed) right after
   * commit by the chainer; reads of the trail chain first, so they see it.
   */
  async append(em: EntityManager, input: AuditEventInput): Promise<void> {
    await this.repository.insert(em, {
      at: new Date().toISOString(),
      actorId: input.actorId,
      action: input.action,
      entity: input.entity,
      entityId: input.entityId,
      regionCode: input.regionCode,
      data: jsonSafe(input.data ?? {}),
    });
  }

  /**
   * A refusal (403) of a known actor, in a transaction of its own (the refused
   * request changed nothing to commit with): who tried what, and why not.
   */
  async recordRefusal(actor: Actor, method: string, path: string, problemType: string): Promise<void> {
    await this.transactions.run((em) =>
      this.append(em, {
        actorId: actor.id,
        action: 'auth.forbidden',
        entity: 'user',
        entityId: actor.id,
        regionCode: actor.regionCode,
        data: { method, path: path.slice(0, 500), type: problemType },
      }),
    );
  }

  /** A read that 等保 wants in the trail (a report or document downloaded), in a transaction of its own. */
  async recordAccess(actor: Actor, input: Omit<AuditEventInput, 'actorId'>): Promise<void> {
    await this.transactions.run((em) => this.append(em, { ...input, actorId: actor.id }));
  }

  /** Chains every committed, unchained event in the order written; one chainer at a time. Returns how many. */
  async chain(): Promise<number> {
    let total = 0;
    for (;;) {
      const done = await this.transactions.run(async (em) => {
        const head = await this.repository.lockChainHead(em);
        const rows = await this.repository.unchained(em, CHAIN_BATCH);
        let previous = head.hash ?? GENESIS_HASH;
        let seq = head.seq;
        const links = rows.map((row) => {
          seq += 1;
          const { hash: _hash, hashAlgorithm: _algorithm, ...content } = toEvent({ ...row, seq: String(seq) });
          const hash = this.link(this.algorithm, previous, content);
          previous = hash;
          return { id: row.id, seq, hash, algorithm: this.algorithm };
        });
        await this.repository.setChain(em, links);
        return links.length;
      });
      total += done;
      if (done < CHAIN_BATCH) return total;
    }
  }

  async list(actor: Actor, filter: { entity?: string; entityId?: string }, page: PageQueryDto): Promise<Page<AuditEvent>> {
    await this.chain();
    const { rows, total } = await this.repository.list(actor, filter, page.pageSize, offsetOf(page));
    return { items: rows.map(toEvent), total, page: page.page, pageSize: page.pageSize };
  }

  /**
   * Walks the whole chain in order and reports the first event whose hash does
   * not follow from its content under its algorithm. Unkeyed links are only
   * accepted before the first keyed one: a forger cannot fall back to them.
   */
  /** Called with the first bad sequence number whenever a verification finds the chain broken (the security admins are told). */
  whenChainBroken(listener: (firstBadSeq: number) => Promise<void>): void {
    this.chainBrokenListeners.push(listener);
  }

  async verify(): Promise<{ ok: boolean; events: number; firstBadSeq: number | null }> {
    await this.chain();
    let previousHash = GENESIS_HASH;
    let after = '0';
    let events = 0;
    let firstBadSeq: number | null = null;
    let keyed = false;
    for (;;) {
      const batch = await this.repository.batchAfter(after, VERIFY_BATCH);
      for (const row of batch) {
        const { hash, hashAlgorithm, ...content } = toEvent(row);
        events++;
        const downgraded = keyed && hashAlgorithm === 'sha256';
        keyed ||= hashAlgorithm !== 'sha256';
        if (
          firstBadSeq === null &&
          (downgraded ||
            !(hashAlgorithm in this.hmacs || hashAlgorithm === 'sha256') ||
            this.link(hashAlgorithm, previousHash, content) !== hash)
        ) {
          firstBadSeq = content.seq;
        }
        previousHash = hash;
      }
      if (batch.length < VERIFY_BATCH) {
        if (firstBadSeq !== null) for (const listener of this.chainBrokenListeners) await listener(firstBadSeq);
        return { ok: firstBadSeq === null, events, firstBadSeq };
      }
      after = batch[batch.length - 1].seq;
    }
  }
}

function toEvent(row: AuditRow): AuditEvent {
  return {
    seq: Number(row.seq),
    at: new Date(row.at).toISOString(),
    actorId: row.actor_id,
    action: row.action,
    entity: row.entity,
    entityId: row.entity_id,
    regionCode: row.region_code,
    data: row.data,
    hash: row.hash,
    hashAlgorithm: row.hash_alg as HashAlgorithm,
  };
}
