import L from '/labels.js';
import { api, errorText, session } from '../lib/api.js';
import { download, el, render } from '../lib/dom.js';

export async function reportsScreen(params) {
  const user = session.user;
  const month = params.get('month') ?? new Date().toISOString().slice(0, 7);
  const region = params.get('regionCode') ?? user.regionCode ?? '';
  const children = region ? await api('GET', `/regions?parentCode=${region}&pageSize=500`).catch(() => ({ items: [] })) : { items: [] };
  const here = region ? await api('GET', `/regions/${region}`).catch(() => null) : null;
  const form = el(
    'form',
    {
      class: 'card',
      onsubmit: (e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        location.hash = `#/reports?month=${data.get('month')}&regionCode=${data.get('regionCode')}`;
      },
    },
    el('label', { for: 'month' }, '月份'),
    el('input', { id: 'month', name: 'month', type: 'month', value: month, required: true }),
    el('label', { for: 'regionCode' }, '地区'),
    el(
      'select',
      { id: 'regionCode', name: 'regionCode' },
      here ? el('option', { value: here.code, selected: true }, here.name) : null,
      ...children.items.map((r) => el('option', { value: r.code }, `└ ${r.name}`)),
    ),
    el('button', { class: 'primary wide', type: 'submit' }, '查看'),
  );
  const parts = [el('h1', {}, '月报'), form];
  if (region) {
    try {
      const s = await api('GET', `/reports/summary?regionCode=${region}&month=${month}`);
      const stat = (label, value) => el('div', { class: 'stat' }, el('b', {}, value), label);
      parts.push(
        el('h2', {}, `${s.regionName} ${s.month}`),
        el(
          'div',
          { class: 'stats' },
          stat('纳入排查机构', s.institutions.total),
          stat('已检查机构', s.institutions.inspected),
          stat('发现隐患', s.findings.found),
          stat('重大隐患', s.findings.major),
          stat('已销号', s.findings.closed),
          stat('月末逾期', s.findings.overdue),
          stat('整改率', `${(s.rectificationRate * 100).toFixed(1)}%`),
          stat('逾期未检查', s.inspections.missed),
        ),
        el(
          'div',
          { class: 'row spaced' },
          ...['pdf', 'xlsx', 'csv'].map((format) =>
            el(
              'button',
              {
                type: 'button',
                dataset: { download: format },
                onclick: async () => {
                  download(
                    await api('GET', `/reports/monthly?regionCode=${region}&month=${month}&format=${format}`),
                    `${s.regionName}月报-${month}.${format}`,
                  );
                },
              },
              `下载 ${format.toUpperCase()}`,
            ),
          ),
        ),
        el(
          'table',
          {},
          el('tr', {}, el('th', {}, '地区'), el('th', {}, '发现'), el('th', {}, '销号'), el('th', {}, '逾期')),
          ...s.byChildRegion.map((r) =>
            el('tr', {}, el('td', {}, r.regionName), el('td', {}, r.found), el('td', {}, r.closed), el('td', {}, r.overdue)),
          ),
        ),
        el('h2', {}, '按机构类型'),
        el(
          'table',
          {},
          el('tr', {}, el('th', {}, '类型'), el('th', {}, '机构'), el('th', {}, '发现'), el('th', {}, '销号')),
          ...s.byType.map((r) =>
            el(
              'tr',
              {},
              el('td', {}, L.institutionTypes[r.type] ?? r.type),
              el('td', {}, r.institutions),
              el('td', {}, r.found),
              el('td', {}, r.closed),
            ),
          ),
        ),
      );
    } catch (error) {
      parts.push(el('p', { class: 'error' }, errorText(error)));
    }
  }
  render(...parts);
}
