// Everything the phone keeps, in IndexedDB (database `paicha`):
//   meta          key → value (installedAt, lastSyncAt, packEtag, packUserId, …)
//   inspections   the server's inspections (with pinned template), as last seen
//   findings, institutions   from the offline pack
//   drafts        [inspectionId, itemCode] → an answer not yet accepted by the server,
//                 with the server answer it was based on (for per-item conflicts)
//   batches       inspectionId → the answer batch being sent (same Idempotency-Key on every retry)
//   ops           queued actions: submit, rectify, verify (each with its Idempotency-Key)
//   blobs         sha256 → a photo and, once uploaded, its attachment id
// Nothing unsent is ever deleted: only what the server acknowledged.
import { openDB } from '/vendor/idb.js';

let opening;

export function db() {
  opening ??= openDB('paicha', 1, {
    upgrade(d) {
      d.createObjectStore('meta');
      d.createObjectStore('inspections', { keyPath: 'id' });
      d.createObjectStore('findings', { keyPath: 'id' });
      d.createObjectStore('institutions', { keyPath: 'id' });
      d.createObjectStore('drafts', { keyPath: ['inspectionId', 'itemCode'] }).createIndex('byInspection', 'inspectionId');
      d.createObjectStore('batches', { keyPath: 'inspectionId' });
      d.createObjectStore('ops', { keyPath: 'seq', autoIncrement: true }).createIndex('byTarget', 'targetId');
      d.createObjectStore('blobs', { keyPath: 'sha256' });
    },
    blocking() {
      // another tab wants a newer schema: let it, and reopen on the next call
      opening?.then((d) => d.close());
      opening = undefined;
    },
  });
  return opening;
}

/**
 * One read-write transaction over `stores`. `fn` issues requests without
 * awaiting anything else (an await on other work would end the transaction)
 * and may return a value. Resolves only when the transaction COMMITTED:
 * a quota error aborts the transaction and rejects here (never a false "saved").
 */
export async function write(stores, fn) {
  const tx = (await db()).transaction(stores, 'readwrite');
  const result = await Promise.all([fn(tx), tx.done]).catch((error) => {
    try {
      tx.abort();
    } catch {
      // already finished
    }
    throw tx.error ?? error;
  });
  return result[0];
}

export const get = async (store, key) => (await db()).get(store, key);
export const all = async (store) => (await db()).getAll(store);
export const byIndex = async (store, index, key) => (await db()).getAllFromIndex(store, index, key);

export const meta = {
  get: async (key) => (await db()).get('meta', key),
  set: (key, value) => write(['meta'], (tx) => tx.objectStore('meta').put(value, key)),
};

export function isQuotaError(error) {
  return error?.name === 'QuotaExceededError' || /quota/i.test(String(error?.message ?? ''));
}

/** Inside a transaction: stores a photo unless the same bytes are kept already (their name, key and upload stay). */
export async function keepBlob(tx, blob) {
  const blobs = tx.objectStore('blobs');
  if (!(await blobs.get(blob.sha256))) await blobs.put(blob);
}
