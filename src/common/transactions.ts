import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock detected
const MAX_ATTEMPTS = 5;

/**
 * Runs a workflow step as one transaction: the change, its history, its audit
 * event and its notifications commit together or not at all. Serialization
 * failures and deadlocks are retried with jittered backoff.
 */
@Injectable()
export class Transactions {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async run<T>(work: (em: EntityManager) => Promise<T>, options: { retry?: boolean } = {}): Promise<T> {
    // work that consumes a stream cannot be replayed: it asks for no retry
    const maxAttempts = options.retry === false ? 1 : MAX_ATTEMPTS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(work);
      } catch (error) {
        const code = (error as { code?: string; driverError?: { code?: string } }).driverError?.code ?? (error as { code?: string }).code;
        if (!code || !RETRYABLE.has(code) || attempt >= maxAttempts) throw error;
        await new Promise((r) => setTimeout(r, 5 * 2 ** attempt + Math.random() * 20));
      }
    }
  }
}
