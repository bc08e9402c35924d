// The offline pack: everything the user needs in the field, fetched after login
// and on every start online (ETag → 304 when nothing changed), kept in IndexedDB.
import { api, session } from '../lib/api.js';
import { meta, write } from './db.js';
import { acceptServerInspection } from './drafts.js';

let inflight;

/**
 * Fetches the pack if it changed, one request at a time. `fresh`: the caller
 * just changed something, so a request already under way is not enough.
 * Resolves to 'fresh', 'unchanged' or 'offline'.
 */
export async function refreshPack({ fresh = false, ...options } = {}) {
  if (inflight && fresh) await inflight.catch(() => undefined);
  inflight ??= fetchPack(options).finally(() => (inflight = undefined));
  return inflight;
}

async function fetchPack({ timeout = 20_000 } = {}) {
  const user = session.user;
  if (!user || user.role === 'admin') return 'unchanged';
  const sameUser = (await meta.get('packUserId')) === user.id;
  if (!sameUser) await forgetOtherUsersPack();
  const etag = sameUser ? await meta.get('packEtag') : undefined;
  let res;
  try {
    res = await api('GET', '/me/offline-pack', undefined, { raw: true, timeout, headers: etag ? { 'If-None-Match': etag } : {} });
  } catch (error) {
    if (error?.status) throw error;
    return 'offline';
  }
  if (res.status === 304) {
    await meta.set('packAt', new Date().toISOString());
    return 'unchanged';
  }
  const pack = await res.json();
  if (session.user?.id !== user.id) return 'unchanged'; // someone else signed in meanwhile
  await storePack(user.id, pack, res.headers.get('ETag'));
  return 'fresh';
}

/** Ids of inspections and findings that work on the phone still refers to (never dropped with the pack), read in the transaction. */
async function inUse(tx) {
  const [drafts, ops, batches] = await Promise.all(['drafts', 'ops', 'batches'].map((store) => tx.objectStore(store).getAll()));
  return new Set([...drafts.map((d) => d.inspectionId), ...ops.map((o) => o.targetId), ...batches.map((b) => b.inspectionId)]);
}

/** In a transaction: drops kept inspections and findings unless `keep`, in use, or recently submitted here. */
async function dropPackRecords(tx, keep) {
  const used = await inUse(tx);
  for (const store of ['inspections', 'findings']) {
    for (const record of await tx.objectStore(store).getAll()) {
      if (!keep.has(record.id) && !used.has(record.id) && !(record.keepUntil > Date.now())) tx.objectStore(store).delete(record.id);
    }
  }
}

const PACK_STORES = ['inspections', 'findings', 'institutions', 'meta', 'drafts', 'ops', 'batches'];

async function storePack(userId, pack, etag) {
  const keep = new Set([...pack.inspections.map((x) => x.id), ...pack.findings.map((x) => x.id)]);
  await write(PACK_STORES, async (tx) => {
    // what left the pack (submitted, closed, reassigned) goes, unless work on the phone still refers to it
    await dropPackRecords(tx, keep);
    for (const f of pack.findings) tx.objectStore('findings').put({ ...f, ownerId: userId });
    for (const i of pack.institutions) tx.objectStore('institutions').put(i);
  });
  const names = new Map(pack.institutions.map((i) => [i.id, i.name]));
  for (const inspection of pack.inspections) {
    await acceptServerInspection({
      ...inspection,
      institutionName: inspection.institutionName ?? names.get(inspection.institutionId),
      ownerId: userId,
    });
  }
  // the ETag last: a store cut short is fetched whole next time, not answered 304
  await write(['meta'], (tx) => {
    const m = tx.objectStore('meta');
    m.put(etag, 'packEtag');
    m.put(userId, 'packUserId');
    m.put(pack.generatedAt, 'packGeneratedAt');
    m.put(new Date().toISOString(), 'packAt');
  });
}

/** A shared phone: the next user does not see the previous user's tasks (their unsent work stays, and goes when they log in again). */
async function forgetOtherUsersPack() {
  await write(PACK_STORES, async (tx) => {
    await dropPackRecords(tx, new Set());
    tx.objectStore('institutions').clear();
    tx.objectStore('meta').delete('packEtag');
  });
}
