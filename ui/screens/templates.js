// 检查表 for bureaus and admins: the checklists they may use (national and their
// region's), a version's items, what changed from the previous version, and a
// spreadsheet upload checked first (dry run, every error by cell) and then published.
import L from '/labels.js';
import { api, ApiError, errorText } from '../lib/api.js';
import { download, el, render, tag } from '../lib/dom.js';

const FIELD_LABELS = {
  text: '检查内容',
  guidance: '检查方式/典型隐患',
  basis: '依据',
  severity: '隐患等级',
  responseType: '判定方式',
  photoRequiredOnFail: '不合格须拍照',
  deadlineDays: '整改期限（天）',
  deadlineWorkdays: '整改期限（工作日）',
  section: '检查类别',
};

export async function templatesScreen() {
  const page = await api('GET', '/templates?pageSize=200');
  const byType = new Map();
  for (const t of page.items) for (const type of t.institutionTypes) byType.set(type, [...(byType.get(type) ?? []), t]);
  render(
    el('h1', {}, '检查表'),
    uploadCard(),
    ...[...byType.entries()].flatMap(([type, list]) => [
      el('h2', {}, L.institutionTypes[type] ?? type),
      ...list.map((t) =>
        el(
          'a',
          { class: 'card', href: `#/template/${t.id}`, dataset: { template: t.code } },
          el(
            'div',
            { class: 'row' },
            el('b', {}, t.name),
            tag('open', `第 ${t.version} 版`),
            tag('synced', t.regionCode ? `本地区 ${t.regionCode}` : '全国'),
          ),
          el('div', { class: 'muted' }, `${t.code} · ${t.sections.reduce((n, s) => n + s.items.length, 0)} 项`),
        ),
      ),
    ]),
  );
}

function uploadCard() {
  const result = el('div', { id: 'import-result', 'aria-live': 'polite' });
  const form = el(
    'form',
    { class: 'card', id: 'import-form', onsubmit: (event) => (event.preventDefault(), send(true)) },
    el('h2', {}, '从电子表格导入'),
    el(
      'p',
      { class: 'muted' },
      '每行一个检查项，格式见模板说明；先检查，没有错误再发布。',
      ' ',
      el('a', { href: '/downloads/sample-import.xlsx', download: 'sample-import.xlsx' }, '示例表格'),
    ),
    el('label', { for: 'import-file' }, '文件（XLSX 或 CSV，≤ 5 MB）'),
    el('input', { id: 'import-file', name: 'file', type: 'file', accept: '.xlsx,.csv', required: true }),
    el('label', { for: 'import-code' }, '检查表代码'),
    el('input', {
      id: 'import-code',
      name: 'code',
      required: true,
      pattern: '[a-z0-9][a-z0-9-]{1,63}',
      placeholder: 'guizhou-elderly-care',
    }),
    el('label', { for: 'import-name' }, '名称'),
    el('input', { id: 'import-name', name: 'name', required: true, maxlength: 200 }),
    el(
      'fieldset',
      {},
      el('legend', {}, '适用机构类型'),
      ...Object.entries(L.institutionTypes).map(([code, label]) =>
        el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'institutionTypes', value: code }), label),
      ),
    ),
    el('div', { class: 'row' }, el('button', { class: 'primary', type: 'submit' }, '检查')),
    result,
  );
  async function send(dryRun) {
    const data = new FormData(form);
    const types = data.getAll('institutionTypes');
    data.delete('institutionTypes');
    data.set('institutionTypes', types.join(','));
    result.replaceChildren(el('p', { class: 'muted' }, '正在检查……'));
    try {
      const res = await api('POST', `/templates/import?dryRun=${dryRun}`, data);
      if (res.errors.length > 0) {
        result.replaceChildren(
          el('p', { class: 'error', role: 'alert' }, `发现 ${res.errors.length} 处错误，未导入任何内容：`),
          el(
            'table',
            { class: 'errors' },
            el('thead', {}, el('tr', {}, el('th', {}, '单元格'), el('th', {}, '问题'))),
            el(
              'tbody',
              {},
              ...res.errors.map((e) => el('tr', { dataset: { row: String(e.row) } }, el('td', {}, e.cell || '—'), el('td', {}, e.message))),
            ),
          ),
        );
      } else if (dryRun) {
        result.replaceChildren(
          el(
            'p',
            { role: 'status' },
            res.template
              ? `内容与现有第 ${res.template.version} 版相同，无需发布。`
              : `检查通过：共 ${res.items} 项，将发布为第 ${res.version} 版。`,
          ),
          res.template
            ? null
            : el('button', { class: 'primary', type: 'button', id: 'import-publish', onclick: () => send(false) }, '发布'),
        );
      } else {
        location.hash = `#/template/${res.template.id}`;
      }
    } catch (error) {
      result.replaceChildren(
        el(
          'p',
          { class: 'error', role: 'alert' },
          error instanceof ApiError && error.problem?.detail ? error.problem.detail : errorText(error),
        ),
      );
    }
    result.scrollIntoView({ block: 'nearest' });
  }
  return form;
}

export async function templateScreen(id) {
  const t = await api('GET', `/templates/${id}`);
  const previous =
    t.version > 1 ? await api('GET', `/templates/by-code/${encodeURIComponent(t.code)}?version=${t.version - 1}`).catch(() => null) : null;
  const diff = previous ? await api('GET', `/templates/${previous.id}/diff?to=${t.id}`) : null;
  const exportAs = async (format) =>
    download(await api('GET', `/templates/${t.id}/export?format=${format}`), `${t.name}-第${t.version}版.${format}`);
  render(
    el('h1', {}, t.name),
    el('p', { class: 'muted' }, `${t.code} · 第 ${t.version} 版 · ${t.regionCode ? `本地区 ${t.regionCode}` : '全国'}`),
    el(
      'div',
      { class: 'row' },
      el('button', { type: 'button', onclick: () => exportAs('xlsx') }, '导出 XLSX'),
      el('button', { type: 'button', onclick: () => exportAs('csv') }, '导出 CSV'),
      el('a', { class: 'button', href: '#/templates' }, '返回'),
    ),
    diff ? diffCard(previous.version, t.version, diff) : null,
    ...t.sections.map((s) =>
      el(
        'section',
        { class: 'card' },
        el('h2', {}, `${s.code} ${s.title}`),
        ...s.items.map((i) =>
          el('p', { dataset: { item: i.code } }, el('b', {}, i.code), ' ', i.text, i.severity === 'major' ? tag('major', '重大') : null),
        ),
      ),
    ),
  );
}

function diffCard(from, to, diff) {
  const line = (cls, text) => el('li', { class: cls }, text);
  return el(
    'section',
    { class: 'card', id: 'diff' },
    el('h2', {}, `第 ${from} 版 → 第 ${to} 版`),
    diff.added.length + diff.removed.length + diff.changed.length === 0 ? el('p', { class: 'muted' }, '检查项没有变化。') : null,
    el(
      'ul',
      {},
      ...diff.added.map((i) => line('added', `新增 ${i.code}：${i.text}`)),
      ...diff.removed.map((i) => line('removed', `删除 ${i.code}：${i.text}`)),
      ...diff.changed.map((c) => line('changed', `修改 ${c.code}：${c.fields.map((f) => FIELD_LABELS[f] ?? f).join('、')}`)),
    ),
  );
}
