import L from '/labels.js';
import { api, session } from '../lib/api.js';
import { el, render, tag } from '../lib/dom.js';
import { all } from '../sync/db.js';

export function findingCard(f, ops = []) {
  const queued = ops.filter((o) => o.targetId === f.id);
  return el(
    'a',
    { class: 'card', href: `#/finding/${f.id}`, dataset: { finding: f.id } },
    el(
      'div',
      { class: 'row' },
      f.severity === 'major' ? tag('major', '重大') : null,
      tag(f.status, L.findingStatus[f.status]),
      f.overdue ? tag('overdue', '逾期') : null,
      queued.length ? tag('local', '待上传') : null,
    ),
    el('div', { class: 'text' }, f.title),
    el('div', { class: 'muted' }, `${f.institutionName ?? ''} · 整改期限 ${f.deadline}`),
  );
}

export async function findingsScreen(params) {
  const status = params.get('status') ?? '';
  const query = new URLSearchParams({ pageSize: '100' });
  if (status) query.set('status', status);
  if (params.get('major')) query.set('severity', 'major');
  if (params.get('overdue')) query.set('overdue', 'true');
  let list;
  let offline = false;
  try {
    list = await api('GET', `/findings?${query}`, undefined, { timeout: 10_000 });
  } catch (error) {
    if (error?.status) throw error;
    offline = true;
    const items = (await all('findings')).filter(
      (f) =>
        f.ownerId === session.user.id &&
        (!status || f.status === status) &&
        (!params.get('major') || f.severity === 'major') &&
        (!params.get('overdue') || f.overdue),
    );
    list = { items, total: items.length };
  }
  const filter = el(
    'form',
    {
      class: 'row',
      onchange: (e) => {
        const form = new FormData(e.currentTarget);
        const next = new URLSearchParams();
        for (const [k, v] of form) if (v) next.set(k, String(v));
        location.hash = `#/findings?${next}`;
      },
    },
    el(
      'select',
      { name: 'status', 'aria-label': '状态' },
      el('option', { value: '' }, '全部状态'),
      ...Object.entries(L.findingStatus).map(([k, v]) => el('option', { value: k, selected: k === status || undefined }, v)),
    ),
    el(
      'label',
      { class: 'row check' },
      el('input', { type: 'checkbox', name: 'major', value: '1', checked: params.get('major') ? true : undefined }),
      '只看重大',
    ),
    el(
      'label',
      { class: 'row check' },
      el('input', { type: 'checkbox', name: 'overdue', value: '1', checked: params.get('overdue') ? true : undefined }),
      '只看逾期',
    ),
  );
  render(
    el('h1', {}, `隐患（${list.total}）`),
    offline ? el('p', { class: 'card' }, '当前离线，显示本机已下载的隐患。') : null,
    filter,
    ...list.items.map((f) => findingCard(f)),
  );
}
