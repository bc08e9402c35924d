// The offline pack: everything the user needs in the field, fetched after login
// and on every start online (ETag → 304 when nothing changed), kept in IndexedDB.
import { api, session } from '../lib/api.js';
import { all, meta, write } from './db.js';
import { acceptServerInspection } from './drafts.js';

let inflight;

/** Fetches the pack if it changed (one request at a time). Resolves to 'fresh', 'unchanged' or 'offline'. */
export function refreshPack(options) {
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
  await storePack(user.id, pack, res.headers.get('ETag'));
  return 'fresh';
}

/** Ids of inspections and findings that work on the phone still refers to (never dropped with the pack). */
async function inUse() {
  const [drafts, ops, batches] = await Promise.all([all('drafts'), all('ops'), all('batches')]);
  return new Set([...drafts.map((d) => d.inspectionId), ...ops.map((o) => o.targetId), ...batches.map((b) => b.inspectionId)]);
}

/** In a transaction: drops kept inspections and findings unless `keep`, in use, or recently submitted here. */
async function dropPackRecords(tx, keep, used) {
  for (const store of ['inspections', 'findings']) {
    for (const record of await tx.objectStore(store).getAll()) {
      if (!keep.has(record.id) && !used.has(record.id) && !(record.keepUntil > Date.now())) tx.objectStore(store).delete(record.id);
    }
  }
}

async function storePack(userId, pack, etag) {
  const used = await inUse();
  const keep = new Set([...pack.inspections.map((x) => x.id), ...pack.findings.map((x) => x.id)]);
  await write(['inspections', 'findings', 'institutions', 'meta'], async (tx) => {
    // what left the pack (submitted, closed, reassigned) goes, unless work on the phone still refers to it
    await dropPackRecords(tx, keep, used);
    for (const f of pack.findings) tx.objectStore('findings').put(f);
    for (const i of pack.institutions) tx.objectStore('institutions').put(i);
    const m = tx.objectStore('meta');
    m.put(etag, 'packEtag');
    m.put(userId, 'packUserId');
    m.put(pack.generatedAt, 'packGeneratedAt');
    m.put(new Date().toISOString(), 'packAt');
  });
  const names = new Map(pack.institutions.map((i) => [i.id, i.name]));
  for (const inspection of pack.inspections) {
    await acceptServerInspection({ ...inspection, institutionName: inspection.institutionName ?? names.get(inspection.institutionId) });
  }
}

/** A shared phone: the next user does not see the previous user's tasks (their unsent work stays, and goes when they log in again). */
async function forgetOtherUsersPack() {
  const used = await inUse();
  await write(['inspections', 'findings', 'institutions', 'meta'], async (tx) => {
    await dropPackRecords(tx, new Set(), used);
    tx.objectStore('institutions').clear();
    tx.objectStore('meta').delete('packEtag');
  });
}
