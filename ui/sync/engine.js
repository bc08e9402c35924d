// The single-flight sync engine. Per inspection: photos first, then one answer
// batch (If-Match + Idempotency-Key), then the submit; then the findings'
// rectifications and verifications. One tab at a time (Web Locks); a lost
// response is retried with the same key; a 401 pauses everything until the
// user types the password again; a refusal marks what it refused and the
// other work goes on; nothing is dropped that the server did not take.
import { api, ApiError, session, transient, unauthorized } from '../lib/api.js';
import { all, get, meta } from './db.js';
import { acceptServerInspection } from './drafts.js';
import {
  applyBatch,
  batchOf,
  blobOf,
  deleteOp,
  dropBatch,
  markRefused,
  nextBatch,
  opsOf,
  pruneBlobs,
  setAttachmentId,
  updateOp,
} from './outbox.js';
import { refreshPack } from './pack.js';
import { refreshStatus, setStatus, status, unsent } from './status.js';

const BACKOFF = [2_000, 5_000, 15_000, 30_000, 60_000, 120_000, 300_000];
const KEEP_SUBMITTED_MS = 7 * 24 * 3600 * 1000; // a checklist submitted here stays viewable offline for a week
let failures = 0;
let progressed = false; // something went through in this run: a later failure starts the backoff again
let timer;

unauthorized.addEventListener('401', () => setStatus({ authNeeded: true }));

/** Runs a sync soon (debounced), e.g. after a save. */
export function scheduleSync(delay = 600) {
  clearTimeout(timer);
  timer = setTimeout(() => void syncNow(), delay);
}

/** Where the browser has Background Sync, it wakes the app when the network is back (a wake-up only; registered only while work waits). */
function wakeWhenOnline() {
  navigator.serviceWorker?.ready.then((reg) => reg.sync?.register('outbox')).catch(() => undefined);
}

/** Runs a sync now unless another tab is running one; resolves when done. */
export async function syncNow() {
  if (!session.user || status.authNeeded) return;
  if (navigator.onLine === false) {
    // sure to fail; `online` (or Background Sync) starts the next run
    setStatus({ offline: true });
    if (status.pending > 0) wakeWhenOnline();
    return;
  }
  if (navigator.locks) {
    // another tab is sending: it reads the queue under the lock, so nothing goes twice; look again shortly
    return navigator.locks.request('paicha-sync', { ifAvailable: true }, (lock) => (lock ? run() : scheduleSync(2_000)));
  }
  if (status.syncing) return;
  return run();
}

/** A refusal (4xx) stops only the inspection or finding it concerns. */
const final = (error) => error instanceof ApiError && !transient(error) && error.status !== 401;
const reason = (error) => error.problem?.detail ?? `请求被拒绝（${error.status}）`;

async function run() {
  setStatus({ syncing: true, error: null });
  progressed = false;
  const userId = session.user.id;
  try {
    const { drafts, ops } = await unsent(userId);
    const targets = new Set([
      ...drafts.filter((d) => d.state === 'pending').map((d) => d.inspectionId),
      ...ops.filter((o) => o.state === 'pending').map((o) => o.targetId),
    ]);
    for (const batch of await all('batches')) if (batch.userId === userId) targets.add(batch.inspectionId);
    let sent = false;
    for (const id of targets) {
      // a refused photo stops only what uses it: the rest of the target goes on (a few photos at most)
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          sent = (await syncTarget(userId, id)) || sent;
          break;
        } catch (error) {
          if (!final(error)) throw error;
          await markRefused(userId, error.sha ? null : id, reason(error), error.sha);
          if (!error.sha) break;
        }
      }
    }
    for (const p of (await unsent(userId)).photos) {
      // photos no answer or action waits for any more (e.g. after 用服务器): still the user's, still sent
      await upload(p.sha256).catch((error) => (final(error) ? markRefused(userId, null, reason(error), p.sha256) : Promise.reject(error)));
    }
    if (sent) await refreshPack({ fresh: true });
    await pruneBlobs();
    failures = 0;
    await meta.set('lastSyncAt', new Date().toISOString());
    setStatus({ offline: navigator.onLine === false });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setStatus({ authNeeded: true });
    } else if (transient(error)) {
      if (progressed) failures = 0;
      const delay = BACKOFF[Math.min(failures, BACKOFF.length - 1)] * (0.8 + Math.random() * 0.4);
      failures += 1;
      setStatus({ offline: !(error instanceof ApiError), error: error instanceof ApiError ? `服务器暂不可用（${error.status}）` : null });
      scheduleSync(Number(error.headers?.get?.('Retry-After')) * 1000 || delay);
      wakeWhenOnline();
    } else {
      setStatus({ error: String(error?.message ?? error) });
      console.error('sync', error);
    }
  } finally {
    setStatus({ syncing: false });
    await refreshStatus();
  }
}

/** Everything queued for one inspection or finding, in order. Returns whether anything was sent. */
async function syncTarget(userId, targetId) {
  const ops = (await opsOf(targetId)).filter((o) => o.userId === userId && o.state === 'pending');
  let sent = await syncAnswers(userId, targetId);
  const { drafts } = await unsent(userId);
  const unsettled = drafts.filter((d) => d.inspectionId === targetId);
  for (const op of ops) {
    if (op.kind === 'submit' && ((await batchOf(targetId)) || unsettled.some((d) => d.state === 'pending'))) continue; // the submit goes last
    if (op.kind === 'submit' && unsettled.length) {
      // answers of this checklist were refused or conflict: submitting now would submit without them
      await updateOp(op, { state: 'failed', error: '有答案未能上传或存在冲突，请先处理后重新提交' });
      continue;
    }
    for (const sha of op.photoShas ?? []) await upload(sha);
    await sendOp(op);
    sent = true;
  }
  return sent;
}

async function upload(sha) {
  const blob = await blobOf(sha);
  if (!blob || blob.attachmentId) return blob?.attachmentId;
  const form = new FormData();
  form.append('file', new File([blob.blob], blob.name ?? `${sha.slice(0, 12)}.jpg`, { type: blob.type }));
  let res;
  try {
    res = await api('POST', '/attachments', form, { timeout: 120_000, headers: { 'Idempotency-Key': `photo-${sha}` } });
  } catch (error) {
    error.sha = sha;
    throw error;
  }
  await setAttachmentId(sha, res.id);
  progressed = true;
  return res.id;
}

async function syncAnswers(userId, inspectionId, rebased = false) {
  let batch = await batchOf(inspectionId);
  if (batch && batch.userId !== userId) return false; // another account's, sent when it logs in
  if (!batch) {
    const inspection = await get('inspections', inspectionId);
    const drafts = (await unsent(userId)).drafts.filter((d) => d.inspectionId === inspectionId && d.state === 'pending');
    if (!inspection || drafts.length === 0) return false;
    const ids = new Map();
    for (const sha of new Set(drafts.flatMap((d) => d.photoShas))) ids.set(sha, await upload(sha));
    batch = await nextBatch(userId, inspection, drafts, ids);
  }
  let res;
  try {
    res = await api('PUT', `/inspections/${inspectionId}/answers`, batch.body, {
      headers: { 'If-Match': `"${batch.ifMatch}"`, 'Idempotency-Key': batch.key },
    });
  } catch (error) {
    if (!final(error)) throw error;
    if (error.status === 404) {
      await dropBatch(batch, { state: 'blocked', error: '此检查已不在您的范围内' });
      return true;
    }
    if (error.status === 409) {
      // stale version, or closed: merge item by item with what the server has now, then send what is still ours (once per run)
      await dropBatch(batch);
      await acceptServerInspection(await api('GET', `/inspections/${inspectionId}`));
      return rebased ? true : syncAnswers(userId, inspectionId, true);
    }
    if (error.status === 400 && !rebased && error.problem.errors?.some((e) => e.field?.endsWith('.answeredAt'))) {
      // the phone's clock is off: the server's time of saving will do
      await dropBatch(batch, { answeredAt: undefined });
      return syncAnswers(userId, inspectionId, true);
    }
    await dropBatch(batch, { state: 'failed', error: reason(error) });
    return true;
  }
  await applyBatch(batch, res);
  progressed = true;
  return true;
}

const OP_PATH = {
  submit: (id) => `/inspections/${id}/submit`,
  rectify: (id) => `/findings/${id}/rectify`,
  verify: (id) => `/findings/${id}/verify`,
};

async function sendOp(op) {
  const body = { ...op.body };
  if (op.photoShas?.length) {
    const ids = [];
    for (const sha of op.photoShas) ids.push((await blobOf(sha))?.attachmentId);
    body.attachmentIds = [...(body.attachmentIds ?? []), ...ids];
  }
  try {
    const res = await api('POST', OP_PATH[op.kind](op.targetId), body, { headers: { 'Idempotency-Key': op.key } });
    await deleteOp(
      op,
      op.kind === 'submit'
        ? { inspection: { ...res.inspection, findingsCreated: res.findingsCreated, keepUntil: Date.now() + KEEP_SUBMITTED_MS } }
        : { finding: res },
    );
    progressed = true;
  } catch (error) {
    if (!final(error)) throw error;
    if (error.status === 409 && (await alreadyDone(op))) return;
    await updateOp(op, { state: 'failed', error: reason(error), problem: error.problem });
  }
}

/** A 409 after a response was lost elsewhere: done if the server already shows this action's result. */
async function alreadyDone(op) {
  if (op.kind === 'submit') {
    const inspection = await api('GET', `/inspections/${op.targetId}`);
    if (inspection.status !== 'submitted') return false;
    await deleteOp(op, { inspection: { ...inspection, keepUntil: Date.now() + KEEP_SUBMITTED_MS } });
    return true;
  }
  const finding = await api('GET', `/findings/${op.targetId}`);
  const mine = (h, action) => h.action === action && h.actorId === session.user.id && h.at >= op.createdAt;
  const done =
    op.kind === 'rectify'
      ? finding.history.some((h) => mine(h, 'rectified') && h.data?.note === op.body.note)
      : finding.history.some((h) => mine(h, op.body.accepted ? 'verified' : 'rejected'));
  if (done) await deleteOp(op, { finding });
  return done;
}

/** The triggers: start, network back, tab shown, a timer, and the service worker's Background Sync wake-up. */
export function startSyncTriggers() {
  addEventListener('online', () => {
    setStatus({ offline: false });
    scheduleSync(0);
  });
  addEventListener('offline', () => setStatus({ offline: true }));
  document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && scheduleSync(0));
  addEventListener('focus', () => scheduleSync(0));
  navigator.serviceWorker?.addEventListener('message', (event) => event.data === 'sync' && scheduleSync(0));
  setInterval(() => status.pending > 0 && !status.syncing && scheduleSync(0), 30_000);
}
