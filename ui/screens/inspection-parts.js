// Parts of the checklist screen (inspection.js): a conflict's choice and the submit's state.
import L from '/labels.js';
import { uuid } from '../lib/api.js';
import { el, shortTime, tag } from '../lib/dom.js';
import { resolveConflict } from '../sync/drafts.js';
import { scheduleSync } from '../sync/engine.js';
import { updateOp } from '../sync/outbox.js';
import { refreshStatus } from '../sync/status.js';

export const describe = (a) =>
  a?.result
    ? [L.results[a.result], a.value !== undefined && a.value !== null ? `读数 ${a.value}` : null, a.note ? `说明：${a.note}` : null]
        .filter(Boolean)
        .join(' · ')
    : '未作答';

/** Both answers of an item in conflict, and the choice of which to keep. */
export const conflictBox = (id, item, d, rerender) =>
  d?.state === 'conflict'
    ? el(
        'div',
        { class: 'conflict-box', role: 'group', 'aria-label': `第${item.code}项 冲突` },
        el('p', {}, el('b', {}, '冲突：'), '此项在您离线期间被他人修改。请选择保留哪一个：'),
        el('p', {}, el('b', {}, '本机：'), describe(d), el('span', { class: 'muted' }, `（${shortTime(d.answeredAt)}）`)),
        el(
          'p',
          {},
          el('b', {}, '服务器：'),
          describe(d.server),
          d.server ? el('span', { class: 'muted' }, `（${shortTime(d.server.answeredAt)}）`) : null,
        ),
        el(
          'div',
          { class: 'row' },
          el(
            'button',
            {
              type: 'button',
              dataset: { keep: 'local' },
              onclick: async () => {
                await resolveConflict(id, item.code, 'local');
                scheduleSync(0);
                rerender();
              },
            },
            '用本机',
          ),
          el(
            'button',
            {
              type: 'button',
              dataset: { keep: 'server' },
              onclick: async () => {
                await resolveConflict(id, item.code, 'server');
                refreshStatus();
                rerender();
              },
            },
            '用服务器',
          ),
        ),
      )
    : null;

/** Submitted, waiting on the phone, or refused (with 重新提交). */
export const submitState = (inspection, submitOp, rerender) => {
  if (inspection.status === 'submitted') {
    return el(
      'p',
      { class: 'card', id: 'submit-state' },
      tag('closed', '已提交'),
      ` ${shortTime(inspection.submittedAt)}`,
      inspection.findingsCreated !== undefined ? `，发现隐患 ${inspection.findingsCreated} 处` : '',
    );
  }
  if (!submitOp) return null;
  if (submitOp.state === 'pending')
    return el('p', { class: 'card', id: 'submit-state' }, tag('local', '待提交'), ' 已保存到本机，联网后自动提交。');
  return el(
    'div',
    { class: 'card', id: 'submit-state' },
    tag('overdue', '提交未成功'),
    el('p', {}, submitOp.error ?? ''),
    el(
      'button',
      {
        type: 'button',
        onclick: async () => {
          await updateOp(submitOp, { state: 'pending', key: uuid(), error: undefined });
          scheduleSync(0);
          rerender();
        },
      },
      '重新提交',
    ),
  );
};
