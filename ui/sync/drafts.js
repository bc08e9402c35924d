// Answers kept on the phone until the server has them, and the per-item merge
// with what the server has (decision 6 of docs: research offline.md):
//   server equals ours            → nothing to send, drop the draft
//   server unchanged since base   → ours still applies, send it
//   both changed                  → 冲突: keep both, the inspector chooses
import { byIndex, get, write } from './db.js';

const sorted = (ids) => [...(ids ?? [])].sort();

/** The comparable content of an answer (server answer or draft). */
export function content(a) {
  if (!a) return null;
  return JSON.stringify([a.result ?? null, a.value ?? null, a.note || null, sorted(a.attachmentIds)]);
}

export const sameAnswer = (a, b) => content(a) === content(b);

/** The server's answer to an item, from a stored inspection. */
export const serverAnswer = (inspection, itemCode) => inspection?.answers?.find((a) => a.itemCode === itemCode) ?? null;

/** Drafts of one inspection, by item code. */
export async function draftsOf(inspectionId) {
  return new Map((await byIndex('drafts', 'byInspection', inspectionId)).map((d) => [d.itemCode, d]));
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
    if (extra.blob) tx.objectStore('blobs').put(extra.blob);
    const existing = await drafts.get([inspectionId, itemCode]);
    const base = existing ? existing.base : serverAnswer(await tx.objectStore('inspections').get(inspectionId), itemCode);
    const draft = {
      ...(existing ?? { inspectionId, itemCode, userId, attachmentIds: base?.attachmentIds ?? [], photoShas: [], result: base?.result, value: base?.value, note: base?.note }),
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
  return write(['inspections', 'drafts', 'batches'], async (tx) => {
    const inspections = tx.objectStore('inspections');
    const old = await inspections.get(server.id);
    const merged = { ...server, template: server.template ?? old?.template, institutionName: server.institutionName ?? old?.institutionName, findingsCreated: server.findingsCreated ?? old?.findingsCreated, keepUntil: old?.keepUntil };
    inspections.put(merged);
    const closed = server.status === 'submitted' || server.status === 'missed';
    const batch = await tx.objectStore('batches').get(server.id);
    let conflicts = 0;
    const drafts = tx.objectStore('drafts');
    for (const draft of await drafts.index('byInspection').getAll(server.id)) {
      if (batch?.sent.some((s) => s.itemCode === draft.itemCode && s.editedAt === draft.editedAt)) continue; // its fate is the batch's answer
      const now = serverAnswer(merged, draft.itemCode);
      if (draft.photoShas.length === 0 && sameAnswer(now, draft)) {
        drafts.delete([draft.inspectionId, draft.itemCode]);
      } else if (closed) {
        drafts.put({ ...draft, state: 'blocked', error: server.status === 'submitted' ? '检查表已在其他设备提交' : '检查已逾期关闭' });
      } else if (draft.state === 'pending' && !sameAnswer(now, draft.base)) {
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

export const getDraft = (inspectionId, itemCode) => get('drafts', [inspectionId, itemCode]);
