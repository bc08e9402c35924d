import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Request } from 'express';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../access/actor.js';
import { AuditService } from '../audit/audit.service.js';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { receiveFile, UploadTooLargeError } from '../common/multipart.js';
import { DomainException } from '../common/problem/domain.exception.js';
import { safeString } from '../common/json-safe.js';
import { Transactions } from '../common/transactions.js';
import { AttachmentError } from './attachments.errors.js';
import { AttachmentsRepository, type AttachmentRow } from './attachments.repository.js';
import { ContentStore, createObjectStore, type ObjectStore, S3ObjectStore, StorageError } from './storage/index.js';

/** What we accept, judged by the bytes (file-type), never by the name or the header. */
export const ALLOWED_TYPES = new Map([
  ['image/jpeg', 'jpg'],
  ['image/png', 'png'],
  ['image/webp', 'webp'],
  ['application/pdf', 'pdf'],
]);

export interface Attachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  createdAt: string;
}

/** An accepted upload: a new attachment, or the user's earlier one with the same bytes. */
export interface Stored {
  attachment: Attachment;
  created: boolean;
}

@Injectable()
export class AttachmentsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Attachments');
  /** The object store (local disk or S3) the attachments' bytes live in; other features may keep their files there too. */
  readonly objects: ObjectStore;
  private readonly store: ContentStore;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly repository: AttachmentsRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {
    this.objects = createObjectStore(config.storage);
    this.store = new ContentStore(this.objects);
  }

  async onModuleInit(): Promise<void> {
    const where = this.config.storage.kind === 's3' ? `bucket ${this.config.storage.bucket}` : `STORAGE_DIR ${this.config.storageDir}`;
    await this.objects
      .check()
      .catch((error: unknown) => this.logger.warn(`${where} is not usable: ${String(error)}; uploads will answer 503 until it is`));
  }

  onModuleDestroy(): void {
    if (this.objects instanceof S3ObjectStore) this.objects.destroy();
  }

  /** Whether the file store answers now (for /health): 'up' or 'down'. */
  async storageStatus(timeoutMs = 2_000): Promise<'up' | 'down'> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'down'>((resolve) => (timer = setTimeout(() => resolve('down'), timeoutMs)));
    const probe = this.objects.check().then(
      () => 'up' as const,
      () => 'down' as const,
    );
    try {
      return await Promise.race([probe, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async upload(actor: Actor, req: Request): Promise<Stored> {
    const file = await receiveFile(req, { field: 'file', maxBytes: this.config.uploadMaxBytes });
    return this.accept(actor, file.stream, file.filename);
  }

  /**
   * Stores a file that streams in (an upload, or the demo's photos) if its
   * bytes are an accepted type. Bytes this user has uploaded before give that
   * attachment back (`created` false, no audit event): a device that resends
   * a photo whose answer it lost makes no second row.
   */
  async accept(actor: Actor, stream: Readable, originalName: string): Promise<Stored> {
    let received;
    try {
      received = await this.store.receive(stream);
    } catch (error) {
      if (error instanceof UploadTooLargeError) throw error.toDomain();
      if (isStorageError(error)) throw storageUnavailable(error);
      throw error;
    }
    const { fileTypeFromBuffer } = await import('file-type');
    const type = await fileTypeFromBuffer(received.head);
    if (!type || !ALLOWED_TYPES.has(type.mime)) {
      await received.drop();
      throw new DomainException(
        AttachmentError.UnsupportedType,
        `Only JPEG, PNG, WebP and PDF files are accepted; this file is ${type ? type.mime : 'of an unknown type'}`,
      );
    }
    try {
      await received.keep();
    } catch (error) {
      await received.drop();
      if (isStorageError(error)) throw storageUnavailable(error);
      throw error;
    }
    const filename = cleanFilename(originalName, ALLOWED_TYPES.get(type.mime) as string);
    return this.transactions.run(async (em) => {
      const existing = await this.repository.lockOwnBySha(em, actor.id, received.sha256);
      if (existing) return { attachment: toAttachment(existing), created: false };
      const row = await this.repository.insert(em, {
        filename,
        contentType: type.mime,
        size: received.size,
        sha256: received.sha256,
        uploadedBy: actor.id,
      });
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'attachment.upload',
        entity: 'attachment',
        entityId: row.id,
        regionCode: actor.regionCode,
        data: { filename, contentType: type.mime, size: received.size, sha256: received.sha256 },
      });
      return { attachment: toAttachment(row), created: true };
    });
  }

  /** The ids among `ids` that do not exist or that the actor may not use. */
  async invisible(actor: Actor, ids: string[], em?: EntityManager): Promise<string[]> {
    const unique = [...new Set(ids)];
    const visible = new Set((await this.repository.findVisible(actor, unique, em)).map((a) => a.id));
    return unique.filter((id) => !visible.has(id));
  }

  /** JPEG and PNG bytes of attachments the caller has already authorized, for embedding in a PDF (others are skipped). */
  async readForEmbedding(actor: Actor, ids: string[], maxBytes = 8 * 1024 * 1024): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    for (const row of await this.repository.findVisible(actor, [...new Set(ids)])) {
      if (!['image/jpeg', 'image/png'].includes(row.content_type) || Number(row.size) > maxBytes) continue;
      const bytes = await this.store.read(row.sha256).catch(() => undefined);
      if (bytes) out.set(row.id, bytes);
    }
    return out;
  }

  /**
   * Keeps bytes the service made itself (an issued document's PDF and DOCX) in
   * the same content-addressed store; the caller records the SHA-256. A file
   * left by a transaction that then rolls back is harmless (same bytes, same name).
   */
  async storeGenerated(bytes: Buffer): Promise<string> {
    try {
      const received = await this.store.receive(Readable.from([bytes]));
      await received.keep();
      return received.sha256;
    } catch (error) {
      if (isStorageError(error)) throw storageUnavailable(error);
      throw error;
    }
  }

  /** Bytes kept by storeGenerated; the caller has authorized the reader. */
  async readGenerated(sha256: string): Promise<Buffer> {
    return this.store.read(sha256).catch((error: unknown) => {
      throw isStorageError(error) ? storageUnavailable(error) : error;
    });
  }

  async open(actor: Actor, id: string): Promise<{ attachment: Attachment; stream: Readable }> {
    const [row] = await this.repository.findVisible(actor, [id]);
    if (!row) throw new DomainException(AttachmentError.NotFound, `Attachment ${id} not found`);
    try {
      return { attachment: toAttachment(row), stream: await this.store.open(row.sha256) };
    } catch (error) {
      // A row whose bytes are missing is as unusable as a store that does not answer: 503, never a 500.
      if (isStorageError(error)) throw storageUnavailable(error);
      throw error;
    }
  }
}

function isStorageError(error: unknown): error is StorageError {
  return error instanceof StorageError;
}

function storageUnavailable(error: StorageError): DomainException {
  return new DomainException(AttachmentError.StorageUnavailable, `File storage is unavailable (${error.message})`);
}

/** A safe display name: no path, no control characters, the extension of the real type. */
function cleanFilename(name: string, extension: string): string {
  const base = safeString(basename(name.replace(/\\/g, '/')))
    .replace(/[\u0000-\u001f\u007f"]/g, '')
    .replace(/\.[A-Za-z0-9]{1,8}$/, '')
    .slice(0, 200)
    .trim();
  return `${base || 'file'}.${extension}`;
}

export function toAttachment(row: AttachmentRow): Attachment {
  return {
    id: row.id,
    filename: row.filename,
    contentType: row.content_type,
    size: Number(row.size),
    sha256: row.sha256,
    createdAt: new Date(row.created_at).toISOString(),
  };
}
