// What the header shows: 未同步 n / 同步中 / 已同步 hh:mm, conflicts, 需要登录.
import { session } from '../lib/api.js';
import { all, meta } from './db.js';

export const status = {
  syncing: false,
  pending: 0,
  conflicts: 0,
  failed: 0,
  otherUsers: 0,
  authNeeded: false,
  offline: !navigator.onLine,
  lastSyncAt: null,
  error: null,
};

const listeners = new Set();

export function onStatus(fn) {
  listeners.add(fn);
  fn(status);
  return () => listeners.delete(fn);
}

export function setStatus(patch) {
  Object.assign(status, patch);
  for (const fn of listeners) fn(status);
}

/** Everything of this user that the server does not have yet. */
export async function unsent(userId = session.user?.id) {
  const [drafts, ops, blobs] = await Promise.all([all('drafts'), all('ops'), all('blobs')]);
  const mine = (x) => x.userId === userId;
  return {
    drafts: drafts.filter(mine),
    ops: ops.filter(mine),
    photos: blobs.filter((b) => mine(b) && !b.attachmentId && !b.refused),
    others: drafts.filter((d) => !mine(d)).length + ops.filter((o) => !mine(o)).length,
  };
}

/** Recounts from IndexedDB (the truth), then tells the listeners. */
export async function refreshStatus() {
  const { drafts, ops, photos, others } = await unsent();
  setStatus({
    pending: drafts.filter((d) => d.state === 'pending').length + ops.filter((o) => o.state === 'pending').length + photos.length,
    conflicts: drafts.filter((d) => d.state === 'conflict').length,
    failed: drafts.filter((d) => d.state === 'failed' || d.state === 'blocked').length + ops.filter((o) => o.state !== 'pending').length,
    otherUsers: others,
    lastSyncAt: (await meta.get('lastSyncAt')) ?? null,
  });
}
