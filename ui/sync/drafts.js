// Answers kept on the phone until the server has them, and the per-item merge
// with what the server has (decision 6 of docs: research offline.md):
//   server equals ours            → nothing to send, drop the draft
//   server unchanged since base   → ours still applies, send it
//   both changed                  → 冲突: keep both, the inspector chooses
import { session } from '../lib/api.js';
import { byIndex, keepBlob, write } from './db.js';

const sorted = (ids) => [...(ids ?? [])].sort();

/** The comparable content of an answer (server answer or draft). */
export function content(a) {
  if (!a) return null;
  return JSON.stringify([a.result ?? null, a.value ?? null, a.note || null, sorted(a.attachmentIds)]);
}

export const sameAnswer = (a, b) => content(a) === content(b);

/** The server's answer to an item, from a stored inspection. */
export const serverAnswer = (inspection, itemCode) => inspection?.answers?.find((a) => a.itemCode === itemCode) ?? null;

/** The signed-in user's drafts of one inspection, by item code (another account's stay hidden and untouched). */
export async function draftsOf(inspectionId, userId = session.user?.id) {
  return new Map((await byIndex('drafts', 'byInspection', inspectionId)).filter((d) => d.userId === userId).map((d) => [d.itemCode, d]));
}

/** A draft's answer with its photos' attachment ids, once every photo is uploaded (else null: not comparable yet). */
async function withUploadedPhotos(tx, draft) {
  if (!draft.photoShas?.length) return draft;
  const blobs = await Promise.all(draft.photoShas.map((sha) => tx.objectStore('blobs').get(sha)));
  if (blobs.some((b) => !b?.attachmentId)) return null;
  return { ...draft, attachmentIds: [...new Set([...(draft.attachmentIds ?? []), ...blobs.map((b) => b.attachmentId)])] };
}

let lastEdit = 0;

/**
 * Saves one edit of an item in ONE transaction and resolves only once it is
 * committed (then, and only then, the UI may say 已保存到本机). The first edit
 * of an item records the server answer it started from (`base`).
 */
export async function saveDraft(userId, inspectionId, itemCode, patch, extra = {}) {
  lastEdit = Math.max(Date.now(), lastEdit + 1);
  return write(['drafts', 'inspections', ...(extra.blob ? ['blobs'] : [])], async (tx) => {
    const drafts = tx.objectStore('drafts');
    const existing = await drafts.get([inspectionId, itemCode]);
    if (existing && existing.userId !== userId) throw new Error('本机有其他账号对此项未同步的答案，请该账号登录同步后再填写');
    if (extra.blob) await keepBlob(tx, extra.blob);
    const base = existing ? existing.base : serverAnswer(await tx.objectStore('inspections').get(inspectionId), itemCode);
    const draft = {
      ...(existing ?? {
        inspectionId,
        itemCode,
        userId,
        attachmentIds: base?.attachmentIds ?? [],
        photoShas: [],
        result: base?.result,
        value: base?.value,
        note: base?.note,
      }),
      ...patch,
      base,
      userId,
      state: 'pending',
      server: undefined,
      error: undefined,
      editedAt: lastEdit,
      answeredAt: new Date().toISOString(),
    };
    if (extra.blob) draft.photoShas = [...new Set([...(draft.photoShas ?? []), extra.blob.sha256])];
    drafts.put(draft);
    return draft;
  });
}

/**
 * Takes a newer server state of an inspection and merges every draft of it
 * item by item. Returns the number of items now in conflict.
 */
export async function acceptServerInspection(server) {
  return write(['inspections', 'drafts', 'batches', 'blobs'], async (tx) => {
    const inspections = tx.objectStore('inspections');
    const old = await inspections.get(server.id);
    if (old && old.version > server.version) return 0; // an older answer that arrived late: the drafts were merged with the newer one
    // what only the phone knows (pinned template, institution name, owner, findings created, keep-until) survives
    const merged = { ...old, ...server, template: server.template ?? old?.template };
    inspections.put(merged);
    const closed = server.status === 'submitted' || server.status === 'missed';
    const batch = await tx.objectStore('batches').get(server.id);
    let conflicts = 0;
    const drafts = tx.objectStore('drafts');
    for (const draft of await drafts.index('byInspection').getAll(server.id)) {
      if (batch?.sent.some((s) => s.itemCode === draft.itemCode && s.editedAt === draft.editedAt)) continue; // its fate is the batch's answer
      const now = serverAnswer(merged, draft.itemCode);
      const inFlight = batch?.body.answers.find((a) => a.itemCode === draft.itemCode);
      const local = await withUploadedPhotos(tx, draft);
      if (local && sameAnswer(now, local)) {
        drafts.delete([draft.inspectionId, draft.itemCode]);
      } else if (closed) {
        drafts.put({ ...draft, state: 'blocked', error: server.status === 'submitted' ? '检查表已提交，此项未能上传' : '检查已逾期关闭' });
      } else if (inFlight && sameAnswer(now, inFlight)) {
        drafts.put({ ...draft, base: now }); // the server holds our own earlier edit of it: still ours to send
      } else if ((draft.state === 'pending' || draft.state === 'failed') && !sameAnswer(now, draft.base)) {
        conflicts += 1;
        drafts.put({ ...draft, state: 'conflict', server: now });
      } else if (draft.state === 'conflict') {
        conflicts += 1;
        drafts.put({ ...draft, server: now });
      }
    }
    return conflicts;
  });
}

/** The inspector's choice on a conflicted item: keep ours (send it over the server's) or take the server's. */
export async function resolveConflict(inspectionId, itemCode, keep) {
  return write(['drafts'], async (tx) => {
    const drafts = tx.objectStore('drafts');
    const draft = await drafts.get([inspectionId, itemCode]);
    if (!draft || draft.state !== 'conflict') return;
    if (keep === 'server') drafts.delete([inspectionId, itemCode]);
    else drafts.put({ ...draft, state: 'pending', base: draft.server, server: undefined });
  });
}
