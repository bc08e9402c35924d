// The queue's records: answer batches in flight, actions (submit, rectify,
// verify) and photos, each written before the UI says it is saved.
import { uuid } from '../lib/api.js';
import { all, byIndex, get, keepBlob, write } from './db.js';
import { serverAnswer } from './drafts.js';

/** Queues an action with the Idempotency-Key made now, when the user acted. */
export function queueOp(userId, kind, targetId, body, { photoShas = [], blobs = [] } = {}) {
  const op = { userId, kind, targetId, body, photoShas, key: uuid(), state: 'pending', createdAt: new Date().toISOString() };
  return write(['ops', ...(blobs.length ? ['blobs'] : [])], async (tx) => {
    for (const blob of blobs) await keepBlob(tx, blob);
    return tx.objectStore('ops').add(op);
  });
}

/**
 * The server refused something for good (4xx): the drafts and actions it
 * concerns are marked 被拒绝 with its reason, to be fixed, retried or exported;
 * a refused photo is not sent again by itself.
 */
export function markRefused(userId, targetId, error, sha) {
  return write(['drafts', 'ops', 'blobs'], async (tx) => {
    const mine = (x) => x.userId === userId && x.state === 'pending' && (x.inspectionId ?? x.targetId) === targetId;
    const usesPhoto = (x) => x.userId === userId && sha && (x.photoShas ?? []).includes(sha);
    for (const d of await tx.objectStore('drafts').getAll())
      if (mine(d) || usesPhoto(d)) tx.objectStore('drafts').put({ ...d, state: 'failed', error });
    for (const o of await tx.objectStore('ops').getAll())
      if (mine(o) || usesPhoto(o)) tx.objectStore('ops').put({ ...o, state: 'failed', error });
    if (sha) {
      const blob = await tx.objectStore('blobs').get(sha);
      if (blob) tx.objectStore('blobs').put({ ...blob, refused: error });
    }
  });
}

/** The user asks to try again what was refused: new keys, since the earlier answers were final. */
export function retryRefused(userId) {
  return write(['drafts', 'ops', 'blobs'], async (tx) => {
    for (const d of await tx.objectStore('drafts').getAll())
      if (d.userId === userId && d.state === 'failed') tx.objectStore('drafts').put({ ...d, state: 'pending', error: undefined });
    for (const o of await tx.objectStore('ops').getAll())
      if (o.userId === userId && o.state === 'failed') tx.objectStore('ops').put({ ...o, state: 'pending', error: undefined, key: uuid() });
    for (const b of await tx.objectStore('blobs').getAll())
      if (b.userId === userId && b.refused) tx.objectStore('blobs').put({ ...b, refused: undefined });
  });
}

export const opsOf = (targetId) => byIndex('ops', 'byTarget', targetId);
export const allOps = () => all('ops');

/** The user gives up an action the server refused (after exporting it): the only way an unsent action leaves the phone. */
export function discardOp(op) {
  return write(['ops'], (tx) => tx.objectStore('ops').delete(op.seq));
}

export function updateOp(op, patch) {
  return write(['ops'], (tx) => tx.objectStore('ops').put({ ...op, ...patch }));
}

/** The server took the action: forget it, and keep what the server answered (merged into what the phone had). */
export function deleteOp(op, after) {
  return write(['ops', 'inspections', 'findings'], async (tx) => {
    tx.objectStore('ops').delete(op.seq);
    for (const [store, record] of [
      ['inspections', after?.inspection],
      ['findings', after?.finding],
    ]) {
      if (!record) continue;
      const old = await tx.objectStore(store).get(record.id);
      tx.objectStore(store).put({ ...old, ...record, template: record.template ?? old?.template });
    }
  });
}

/**
 * Builds the next answer batch of an inspection from its pending drafts, with
 * a fresh Idempotency-Key, and keeps it: a retry after a lost response sends
 * exactly the same request again.
 */
export async function nextBatch(userId, inspection, drafts, blobIds) {
  const answers = drafts.map((d) => {
    const answer = { itemCode: d.itemCode, result: d.result };
    if (d.answeredAt) answer.answeredAt = d.answeredAt;
    if (d.value !== undefined && d.value !== null && d.value !== '') answer.value = d.value;
    if (d.note) answer.note = d.note;
    const ids = [...new Set([...(d.attachmentIds ?? []), ...d.photoShas.map((sha) => blobIds.get(sha))])];
    if (ids.length) answer.attachmentIds = ids;
    return answer;
  });
  const batch = {
    inspectionId: inspection.id,
    userId,
    key: uuid(),
    ifMatch: inspection.version,
    body: { answers },
    sent: drafts.map((d) => ({ itemCode: d.itemCode, editedAt: d.editedAt })),
  };
  await write(['batches'], (tx) => tx.objectStore('batches').put(batch));
  return batch;
}

export const batchOf = (inspectionId) => get('batches', inspectionId);

export function dropBatch(batch, draftPatch) {
  return write(['batches', 'drafts'], async (tx) => {
    tx.objectStore('batches').delete(batch.inspectionId);
    if (!draftPatch) return;
    const drafts = tx.objectStore('drafts');
    for (const s of batch.sent) {
      const d = await drafts.get([batch.inspectionId, s.itemCode]);
      if (d && d.editedAt === s.editedAt) drafts.put({ ...d, ...draftPatch });
    }
  });
}

/** The server took the batch: keep its inspection, forget exactly the drafts that were sent unchanged. */
export function applyBatch(batch, inspection) {
  return write(['batches', 'drafts', 'inspections', 'blobs'], async (tx) => {
    const inspections = tx.objectStore('inspections');
    const old = await inspections.get(inspection.id);
    const merged = { ...old, ...inspection, template: inspection.template ?? old?.template };
    inspections.put(merged);
    tx.objectStore('batches').delete(batch.inspectionId);
    const drafts = tx.objectStore('drafts');
    for (const s of batch.sent) {
      const d = await drafts.get([batch.inspectionId, s.itemCode]);
      if (!d) continue;
      if (d.editedAt === s.editedAt) drafts.delete([batch.inspectionId, s.itemCode]);
      else drafts.put({ ...d, base: serverAnswer(merged, s.itemCode) }); // edited again meanwhile: still ours to send
    }
  });
}

export const blobOf = (sha) => get('blobs', sha);

export function setAttachmentId(sha, attachmentId) {
  return write(['blobs'], async (tx) => {
    const blobs = tx.objectStore('blobs');
    const b = await blobs.get(sha);
    if (b) blobs.put({ ...b, attachmentId, uploadedAt: new Date().toISOString() });
  });
}

const KEEP_SENT_PHOTOS_MS = 7 * 24 * 3600 * 1000;

/** Photos the server has for a week and nothing on the phone still uses: the only ones ever deleted. */
export function pruneBlobs(now = Date.now()) {
  return write(['blobs', 'drafts', 'ops'], async (tx) => {
    const [drafts, ops, blobs] = await Promise.all([
      tx.objectStore('drafts').getAll(),
      tx.objectStore('ops').getAll(),
      tx.objectStore('blobs').getAll(),
    ]);
    const used = new Set([...drafts.flatMap((d) => d.photoShas ?? []), ...ops.flatMap((o) => o.photoShas ?? [])]);
    for (const b of blobs) {
      if (b.attachmentId && !used.has(b.sha256) && now - Date.parse(b.uploadedAt) > KEEP_SENT_PHOTOS_MS)
        tx.objectStore('blobs').delete(b.sha256);
    }
  });
}
