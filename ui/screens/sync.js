// 同步: what waits on this phone, why something failed, and the escape hatch (export).
import { session } from '../lib/api.js';
import { download, el, render, shortTime, tag } from '../lib/dom.js';
import { all } from '../sync/db.js';
import { syncNow } from '../sync/engine.js';
import { refreshStatus, status, unsent } from '../sync/status.js';
import { retryRefused } from '../sync/outbox.js';

const KIND = { submit: '提交检查表', rectify: '整改', verify: '复核' };
const STATE = {
  pending: ['local', '待上传'],
  conflict: ['conflict', '冲突'],
  failed: ['overdue', '被拒绝'],
  blocked: ['overdue', '无法上传'],
};

export async function syncScreen() {
  const user = session.user;
  const work = await unsent(user.id);
  const inspections = new Map((await all('inspections')).map((x) => [x.id, x]));
  const findings = new Map((await all('findings')).map((x) => [x.id, x]));
  const persisted = await navigator.storage?.persisted?.().catch(() => false);
  const estimate = await navigator.storage?.estimate?.().catch(() => null);
  const byInspection = Map.groupBy ? Map.groupBy(work.drafts, (d) => d.inspectionId) : groupBy(work.drafts);
  const rows = [];
  for (const [inspectionId, drafts] of byInspection) {
    const name = inspections.get(inspectionId)?.institutionName ?? '检查';
    rows.push(
      el(
        'a',
        { class: 'card', href: `#/inspection/${inspectionId}` },
        el('b', {}, name),
        ' ',
        ...Object.entries(STATE).map(([state, [cls, label]]) => {
          const n = drafts.filter((d) => d.state === state).length;
          return n ? tag(cls, `${label} ${n} 项`) : null;
        }),
        ...drafts
          .filter((d) => d.error)
          .slice(0, 3)
          .map((d) => el('p', { class: 'muted' }, `${d.itemCode}：${d.error}`)),
      ),
    );
  }
  for (const op of work.ops) {
    const target = inspections.get(op.targetId)?.institutionName ?? findings.get(op.targetId)?.title ?? '';
    const [cls, label] = STATE[op.state] ?? STATE.failed;
    rows.push(
      el(
        'a',
        { class: 'card', href: op.kind === 'submit' ? `#/inspection/${op.targetId}` : `#/finding/${op.targetId}` },
        el('b', {}, `${KIND[op.kind]}：${target}`),
        ' ',
        tag(cls, label),
        op.error ? el('p', { class: 'muted' }, op.error) : null,
      ),
    );
  }
  if (work.photos.length) rows.push(el('p', { class: 'card' }, `待上传照片 ${work.photos.length} 张`));
  render(
    el('h1', {}, '同步'),
    el(
      'div',
      { class: 'card' },
      el('p', {}, status.syncing ? '正在同步……' : status.pending ? `未同步 ${status.pending} 项` : '本机数据已全部同步。'),
      el('p', { class: 'muted' }, `上次同步：${status.lastSyncAt ? shortTime(status.lastSyncAt) : '尚未同步'}`),
      el(
        'div',
        { class: 'row' },
        el(
          'button',
          {
            class: 'primary',
            type: 'button',
            id: 'sync-now',
            onclick: async () => {
              await syncNow();
              await syncScreen();
            },
          },
          '立即同步',
        ),
        el('button', { type: 'button', id: 'export', onclick: exportUnsent }, '导出未同步数据'),
      ),
      status.failed
        ? el(
            'button',
            {
              type: 'button',
              id: 'retry',
              onclick: async () => {
                await retryRefused(user.id);
                await refreshStatus();
                await syncNow();
                await syncScreen();
              },
            },
            `重试被拒绝的 ${status.failed} 项`,
          )
        : null,
    ),
    ...rows,
    work.others ? el('p', { class: 'card' }, `本机还有其他账号未同步的数据 ${work.others} 项，该账号重新登录后会自动上传。`) : null,
    el('h2', {}, '本机存储'),
    el(
      'div',
      { class: 'card' },
      estimate ? el('p', {}, `已用 ${(estimate.usage / 1048576).toFixed(1)} MB`) : null,
      persisted
        ? el('p', {}, '浏览器已同意长期保存本机数据。')
        : el('p', { id: 'persist-hint' }, '浏览器可能在空间不足时清理本机数据。建议将本应用“添加到主屏幕”，并及时联网同步。'),
    ),
  );
}

function groupBy(drafts) {
  const map = new Map();
  for (const d of drafts) map.set(d.inspectionId, [...(map.get(d.inspectionId) ?? []), d]);
  return map;
}

const dataUrl = (blob) =>
  new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.readAsDataURL(blob);
  });

/** Everything unsent, photos included, as one JSON file the bureau can import or read. */
export async function exportUnsent() {
  const user = session.user;
  const work = await unsent(user.id);
  const shas = new Set([
    ...work.drafts.flatMap((d) => d.photoShas),
    ...work.ops.flatMap((o) => o.photoShas ?? []),
    ...work.photos.map((p) => p.sha256),
  ]);
  const blobs = (await all('blobs')).filter((b) => shas.has(b.sha256));
  const file = {
    exportedAt: new Date().toISOString(),
    user: { id: user.id, username: user.username, displayName: user.displayName },
    answers: work.drafts.map(({ base: _base, server: _server, ...d }) => d),
    actions: work.ops,
    photos: await Promise.all(
      blobs.map(async (b) => ({
        sha256: b.sha256,
        name: b.name,
        type: b.type,
        size: b.size,
        attachmentId: b.attachmentId ?? null,
        dataUrl: await dataUrl(b.blob),
      })),
    ),
  };
  const stamp = file.exportedAt.slice(0, 16).replace(/[-:T]/g, '');
  download(new Blob([JSON.stringify(file, null, 1)], { type: 'application/json' }), `paicha-unsent-${user.username}-${stamp}.json`);
}
