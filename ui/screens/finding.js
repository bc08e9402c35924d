// One finding: heads rectify with photos, inspectors and bureaus verify — offline too (queued).
import L from '/labels.js';
import { api, errorText, fileUrl, session, uuid } from '../lib/api.js';
import { institutionContact } from './contact.js';
import { el, render, shortTime, tag } from '../lib/dom.js';
import { get, isQuotaError } from '../sync/db.js';
import { scheduleSync } from '../sync/engine.js';
import { discardOp, opsOf, queueOp, updateOp } from '../sync/outbox.js';
import { findingDocuments } from './documents.js';
import { exportUnsent } from './sync.js';
import { preparePhoto, StorageFullError } from '../sync/photos.js';
import { onStatus, refreshStatus } from '../sync/status.js';

const ACTIONS = { created: '发现', rectified: '提交整改', verified: '复核通过', rejected: '驳回', extended: '延期' };
const OP_LABEL = { rectify: '整改', verify: '复核' };

async function load(id) {
  try {
    return await api('GET', `/findings/${id}`, undefined, { timeout: 8_000 });
  } catch (error) {
    if (error?.status) throw error;
    const kept = await get('findings', id);
    if (!kept) throw error;
    return kept;
  }
}

export async function findingScreen(id) {
  const user = session.user;
  const f = await load(id);
  const ops = await opsOf(id);
  const photos = el('div', { class: 'photos' });
  const ids = [...(f.attachmentIds ?? []), ...(f.rectification?.attachmentIds ?? [])];
  ids.forEach((attachmentId, i) =>
    fileUrl(`/attachments/${attachmentId}`).then(
      (src) => photos.append(el('img', { alt: `隐患照片${i + 1}`, src })),
      () => undefined,
    ),
  );
  const message = el('p', { class: 'error', role: 'alert' });
  const queue = async (kind, body, blobs = []) => {
    message.textContent = '';
    try {
      await queueOp(user.id, kind, id, body, { photoShas: blobs.map((b) => b.sha256), blobs });
    } catch (error) {
      message.textContent = isQuotaError(error) ? '手机存储空间不足，未保存。' : errorText(error);
      return;
    }
    await refreshStatus();
    scheduleSync(0);
    await findingScreen(id);
  };
  const actions = [];
  const busy = ops.some((o) => o.state === 'pending');
  if (!busy && f.status === 'open' && ['institution_head', 'bureau', 'admin'].includes(user.role)) {
    const evidence = [];
    const chosen = el('div', { class: 'photos' });
    actions.push(
      el(
        'div',
        { class: 'card' },
        el('h2', {}, '提交整改'),
        el('label', { for: 'rectify-note' }, '整改情况'),
        el('textarea', { id: 'rectify-note' }),
        el('label', { class: 'button file', for: 'rectify-photo' }, '拍照 / 上传整改照片'),
        el('input', {
          type: 'file',
          accept: 'image/*,application/pdf',
          capture: 'environment',
          id: 'rectify-photo',
          class: 'visually-hidden',
          onchange: async (e) => {
            for (const file of e.target.files) {
              try {
                const blob = await preparePhoto(file);
                evidence.push(blob);
                chosen.append(
                  blob.type.startsWith('image/')
                    ? el('img', { alt: `整改照片${evidence.length}`, src: URL.createObjectURL(blob.blob) })
                    : tag('closed', blob.name),
                );
              } catch (error) {
                message.textContent = error instanceof StorageFullError ? '手机存储空间不足，照片未保存。' : errorText(error);
              }
            }
            e.target.value = '';
          },
        }),
        chosen,
        el(
          'button',
          {
            class: 'primary wide',
            type: 'button',
            onclick: () => {
              const note = document.getElementById('rectify-note').value.trim();
              if (!note) return void (message.textContent = '请填写整改情况');
              if (f.severity === 'major' && evidence.length === 0) return void (message.textContent = '重大隐患须上传整改照片');
              return queue('rectify', { note }, evidence);
            },
          },
          '提交整改',
        ),
      ),
    );
  }
  if (!busy && f.status === 'pending_verification' && ['inspector', 'bureau', 'admin'].includes(user.role)) {
    const note = () => document.getElementById('verify-note').value.trim() || undefined;
    actions.push(
      el(
        'div',
        { class: 'card' },
        el('h2', {}, '复核'),
        el('label', { for: 'verify-note' }, '复核意见'),
        el('textarea', { id: 'verify-note' }),
        el(
          'div',
          { class: 'row' },
          el(
            'button',
            { class: 'primary', type: 'button', onclick: () => queue('verify', { accepted: true, ...(note() ? { note: note() } : {}) }) },
            '复核通过，销号',
          ),
          el(
            'button',
            {
              class: 'danger',
              type: 'button',
              onclick: () => (note() ? queue('verify', { accepted: false, note: note() }) : void (message.textContent = '驳回须填写意见')),
            },
            '驳回重新整改',
          ),
        ),
      ),
    );
  }
  if (navigator.onLine && f.status !== 'closed' && (user.role === 'bureau' || user.role === 'admin')) {
    actions.push(
      el(
        'details',
        { class: 'card' },
        el('summary', {}, '延长整改期限'),
        el('label', { for: 'extend-date' }, '新的期限'),
        el('input', { id: 'extend-date', type: 'date', min: f.deadline }),
        el('label', { for: 'extend-reason' }, '理由'),
        el('textarea', { id: 'extend-reason' }),
        el(
          'button',
          {
            type: 'button',
            onclick: async () => {
              try {
                await api('POST', `/findings/${id}/extend`, {
                  deadline: document.getElementById('extend-date').value,
                  reason: document.getElementById('extend-reason').value,
                });
                await findingScreen(id);
              } catch (error) {
                message.textContent = errorText(error);
              }
            },
          },
          '延期',
        ),
      ),
    );
  }
  render(
    el('h1', {}, f.title),
    el(
      'div',
      { class: 'row' },
      tag(f.severity === 'major' ? 'major' : 'open', L.severities[f.severity]),
      tag(f.status, L.findingStatus[f.status]),
      f.overdue ? tag('overdue', '逾期') : null,
      f.supervised ? tag('major', '挂牌督办') : null,
    ),
    ...ops.map((op) =>
      el(
        'div',
        { class: 'card', dataset: { op: op.kind } },
        op.state === 'pending' ? tag('local', `${OP_LABEL[op.kind]}待上传`) : tag('overdue', `${OP_LABEL[op.kind]}未成功`),
        op.state === 'pending' ? ' 已保存到本机，联网后自动上传。' : ` ${op.error ?? ''}`,
        op.state === 'pending'
          ? null
          : el(
              'div',
              { class: 'row' },
              el(
                'button',
                {
                  type: 'button',
                  onclick: async () => {
                    await updateOp(op, { state: 'pending', key: uuid(), error: undefined });
                    await refreshStatus();
                    scheduleSync(0);
                    findingScreen(id);
                  },
                },
                '重试',
              ),
              el(
                'button',
                {
                  type: 'button',
                  class: 'danger',
                  onclick: async () => {
                    await exportUnsent();
                    await discardOp(op);
                    await refreshStatus();
                    findingScreen(id);
                  },
                },
                '导出后放弃',
              ),
            ),
      ),
    ),
    el(
      'div',
      { class: 'card' },
      el('p', {}, `机构：${f.institutionName ?? ''}`),
      institutionContact(f.institutionId, user),
      el('p', {}, `发现日期：${f.foundOn ?? ''}    整改期限：${f.deadline}`),
      f.description ? el('p', {}, `说明：${f.description}`) : null,
      f.rectification ? el('p', {}, `整改情况：${f.rectification.note}`) : null,
      photos,
    ),
    await findingDocuments(f),
    message,
    ...actions,
    el('h2', {}, '处理记录'),
    ...(f.history ?? []).map((h) =>
      el(
        'div',
        { class: 'card muted' },
        `${shortTime(h.at)} ${ACTIONS[h.action] ?? h.action}${h.data?.note ? `：${h.data.note}` : ''}${h.data?.reason ? `：${h.data.reason}` : ''}`,
      ),
    ),
  );
  // a queued action that the sync sent (or that was refused) shows its result
  if (ops.length === 0) return;
  const stop = onStatus(async (st) => {
    if (st.syncing || location.hash !== `#/finding/${id}`) return;
    const now = await opsOf(id);
    if (now.length === ops.length && now.every((o, i) => o.state === ops[i].state)) return;
    stop();
    findingScreen(id);
  });
  addEventListener('hashchange', stop, { once: true });
}
