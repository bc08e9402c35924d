import L from '/labels.js';
import { api, session } from '../lib/api.js';
import { el, render, tag } from '../lib/dom.js';
import { all } from '../sync/db.js';
import { refreshPack } from '../sync/pack.js';
import { unsent } from '../sync/status.js';
import { findingCard } from './findings.js';

export async function homeScreen() {
  const user = session.user;
  const parts = [el('h1', {}, '我的任务')];
  if (user.role === 'inspector' || user.role === 'institution_head') parts.push(...(await fieldHome(user)));
  if (user.role === 'bureau' || user.role === 'admin') parts.push(...(await bureauHome(user)));
  parts.push(el('p', { class: 'muted account' }, el('a', { href: '#/password' }, '修改密码')));
  render(...parts);
}

/** Inspectors and heads: from the offline pack on the phone, refreshed first when there is a network. */
async function fieldHome(user) {
  if (navigator.onLine) await refreshPack({ timeout: 10_000 }).catch(() => undefined);
  const [inspections, findings, work] = await Promise.all([all('inspections'), all('findings'), unsent(user.id)]);
  const parts = [el('h2', {}, user.role === 'inspector' ? '分配给我的检查' : '本机构的检查')];
  const mine = (x) =>
    x.ownerId === user.id || work.drafts.some((d) => d.inspectionId === x.id) || work.ops.some((o) => o.targetId === x.id);
  const list = inspections
    .filter(
      (x) =>
        mine(x) &&
        (x.status === 'pending' ||
          x.status === 'in_progress' ||
          x.keepUntil > Date.now() ||
          work.drafts.some((d) => d.inspectionId === x.id)),
    )
    .sort((a, b) =>
      a.status === b.status
        ? (a.institutionName ?? '').localeCompare(b.institutionName ?? '', 'zh-CN')
        : a.status === 'in_progress'
          ? -1
          : 1,
    );
  if (list.length === 0) parts.push(el('p', { class: 'muted' }, '暂无待完成的检查。'));
  for (const x of list) {
    const local = work.drafts.filter((d) => d.inspectionId === x.id);
    const submitting = work.ops.some((o) => o.targetId === x.id && o.kind === 'submit');
    parts.push(
      el(
        'a',
        { class: 'card', href: `#/inspection/${x.id}`, dataset: { inspection: x.id } },
        el(
          'div',
          { class: 'row' },
          el('b', {}, x.institutionName),
          tag('open', `${L.roundKinds[x.kind]}·${L.inspectionStatus[x.status]}`),
          x.template ? tag('synced', '可离线') : null,
        ),
        el(
          'div',
          { class: 'row muted' },
          `已答 ${new Set([...x.answers.map((a) => a.itemCode), ...local.map((d) => d.itemCode)]).size} 项`,
          local.length ? tag('local', `未同步 ${local.length}`) : null,
          local.some((d) => d.state === 'conflict') ? tag('conflict', '冲突') : null,
          submitting ? tag('local', '待提交') : null,
        ),
      ),
    );
  }
  const wanted = user.role === 'institution_head' ? ['open'] : ['pending_verification'];
  const shown = findings.filter((f) => mine(f) && wanted.includes(f.status));
  parts.push(
    el('h2', {}, `${user.role === 'institution_head' ? '待整改' : '待复核'}的隐患（${shown.length}）`),
    ...shown.map((f) => findingCard(f, work.ops)),
  );
  return parts;
}

async function bureauHome() {
  if (!navigator.onLine) return [el('p', { class: 'card' }, '当前离线。统计和报表需要联网查看。')];
  const [rounds, drafts, overdue, major, notes, waiting] = await Promise.all([
    api('GET', '/rounds?status=open&pageSize=20'),
    api('GET', '/rounds?status=draft&kind=supervisory&pageSize=20'),
    api('GET', '/findings?overdue=true&pageSize=1'),
    api('GET', '/findings?severity=major&status=open&pageSize=1'),
    api('GET', '/notifications?unread=true&pageSize=10'),
    api('GET', '/findings?status=pending_verification&pageSize=20'),
  ]);
  const parts = [
    el('p', {}, el('a', { class: 'button', href: '#/templates', id: 'templates-link' }, '检查表管理')),
    el(
      'div',
      { class: 'stats' },
      el('div', { class: 'stat' }, el('b', {}, overdue.total), '逾期隐患'),
      el('div', { class: 'stat' }, el('b', {}, major.total), '未整改重大隐患'),
    ),
  ];
  if (drafts.items.length > 0) {
    parts.push(el('h2', {}, '待抽取的督查轮次'));
    for (const round of drafts.items) {
      parts.push(
        el(
          'a',
          { class: 'card', href: `#/rounds/${round.id}/draw`, dataset: { draw: round.id } },
          el('b', {}, round.name),
          el('div', { class: 'muted' }, '随机抽取检查对象和检查员'),
        ),
      );
    }
  }
  parts.push(el('h2', {}, '进行中的排查轮次'));
  const progress = await Promise.all(rounds.items.map((round) => api('GET', `/rounds/${round.id}/progress`)));
  rounds.items.forEach((round, i) => {
    const p = progress[i];
    const done = p.total === 0 ? 0 : Math.round((p.submitted / p.total) * 100);
    parts.push(
      el(
        'div',
        { class: 'card' },
        el('b', {}, round.name),
        round.kind === 'supervisory' ? el('a', { href: `#/rounds/${round.id}/draw`, class: 'muted' }, ' 抽取与公示') : null,
        el(
          'div',
          { class: 'muted' },
          `已提交 ${p.submitted}/${p.total}，填写中 ${p.inProgress}，发现隐患 ${p.findings.total}（重大 ${p.findings.major}），已销号 ${p.findings.closed}`,
        ),
        el(
          'div',
          {
            class: 'progress',
            role: 'progressbar',
            'aria-label': `${round.name} 提交进度`,
            'aria-valuenow': done,
            'aria-valuemin': 0,
            'aria-valuemax': 100,
          },
          el('span', { style: `width:${done}%` }),
        ),
      ),
    );
  });
  parts.push(el('h2', {}, `待复核的隐患（${waiting.total}）`), ...waiting.items.map((f) => findingCard(f, [])));
  parts.push(el('h2', {}, `未读通知（${notes.total}）`));
  for (const n of notes.items) parts.push(el('a', { class: 'card', href: `#/finding/${n.findingId}` }, n.message));
  return parts;
}
