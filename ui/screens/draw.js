// 随机抽取 (双随机): the bureau draws a draft supervisory round's institutions and inspectors,
// looks at the list, draws again or opens the round; afterwards publishes it (一公开).
import L from '/labels.js';
import { api, ApiError, errorText } from '../lib/api.js';
import { download, el, render, shortTime } from '../lib/dom.js';

const problemCode = (error) => (error instanceof ApiError ? (error.problem.type ?? '').replace('urn:paicha:problem:', '') : '');

function drawError(error) {
  const code = problemCode(error);
  if (code === 'draw_not_enough_inspectors') {
    const list = error.problem.institutions ?? [];
    return `以下 ${list.length} 家机构可选检查员不足（已排除回避人员）：${list.map((i) => `${i.institutionName}（${i.eligible} 人）`).join('、')}。请减少每组检查员人数或增加检查员。`;
  }
  if (code === 'draw_wrong_round') return '只有草稿状态的督查轮次可以抽取。';
  if (code === 'draw_invalid_request' || (error instanceof ApiError && error.status === 400))
    return '抽取参数有误：请填写比例（0–100%）或数量之一，每组检查员至少 2 人。';
  return errorText(error);
}

async function isPublished(roundId) {
  const res = await fetch(`/public/rounds/${roundId}`, { headers: { Accept: 'application/json' } }).catch(() => null);
  return res?.ok ?? false;
}

function drawList(draw) {
  const names = new Map(draw.inspectors.map((i) => [i.id, i.displayName]));
  return [
    el(
      'p',
      { class: 'muted', id: 'draw-summary' },
      `检查对象 ${draw.population.count} 家，抽中 ${draw.selected.length} 家；随机种子 ${draw.seed}；抽取时间 ${shortTime(draw.drawnAt)}`,
    ),
    el('p', { class: 'muted' }, '名录摘要（SHA-256）：', el('code', {}, draw.population.sha256)),
    el(
      'table',
      { id: 'draw-strata' },
      el('tr', {}, el('th', {}, '分层'), el('th', {}, '机构数'), el('th', {}, '抽中')),
      ...draw.strata.map((s) =>
        el(
          'tr',
          {},
          el(
            'td',
            {},
            s.key
              .split('/')
              .map((p) => L.institutionTypes[p] ?? p)
              .join(' / '),
          ),
          el('td', {}, s.population),
          el('td', {}, s.selected),
        ),
      ),
    ),
    el('h2', {}, '抽中的机构和检查员'),
    el(
      'table',
      { id: 'draw-selected' },
      el('tr', {}, el('th', {}, '机构'), el('th', {}, '类型'), el('th', {}, '检查员')),
      ...draw.selected.map((s) =>
        el(
          'tr',
          { dataset: { institution: s.institutionId } },
          el('td', {}, s.institutionName),
          el('td', {}, L.institutionTypes[s.type] ?? s.type),
          el('td', {}, s.inspectorIds.map((id) => names.get(id) ?? id).join('、')),
        ),
      ),
    ),
  ];
}

function drawForm(roundId, last) {
  const p = last?.parameters;
  const form = el(
    'form',
    {
      class: 'card',
      id: 'draw-form',
      onsubmit: async (e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        const body = {
          stratifyBy: data.getAll('stratifyBy'),
          inspectorsPerInspection: Number(data.get('k')),
          ...(data.get('mode') === 'count' ? { count: Number(data.get('count')) } : { ratio: Number(data.get('ratio')) / 100 }),
          ...(data.get('seed') ? { seed: String(data.get('seed')) } : {}),
        };
        const out = document.getElementById('draw-error');
        out.textContent = '';
        try {
          await api('POST', `/rounds/${roundId}/draw`, body);
          await drawScreen(roundId);
        } catch (error) {
          out.textContent = drawError(error);
        }
      },
    },
    el(
      'fieldset',
      {},
      el('legend', {}, '抽取方式'),
      el(
        'label',
        { class: 'check' },
        el('input', { type: 'radio', name: 'mode', value: 'ratio', checked: !p || p.ratio !== null }),
        ' 按比例',
      ),
      el(
        'label',
        { class: 'check' },
        el('input', { type: 'radio', name: 'mode', value: 'count', checked: p?.count !== null && p?.count !== undefined }),
        ' 按数量',
      ),
    ),
    el('label', { for: 'draw-ratio' }, '抽取比例（%）'),
    el('input', {
      id: 'draw-ratio',
      name: 'ratio',
      type: 'number',
      min: '0.0001',
      max: '100',
      step: 'any',
      value: p?.ratio ? p.ratio * 100 : 5,
    }),
    el('label', { for: 'draw-count' }, '抽取数量（家）'),
    el('input', { id: 'draw-count', name: 'count', type: 'number', min: '1', step: '1', value: p?.count ?? 10 }),
    el(
      'fieldset',
      {},
      el('legend', {}, '分层'),
      el(
        'label',
        { class: 'check' },
        el('input', { type: 'checkbox', name: 'stratifyBy', value: 'type', checked: !p || p.stratifyBy.includes('type') }),
        ' 按机构类型',
      ),
      el(
        'label',
        { class: 'check' },
        el('input', { type: 'checkbox', name: 'stratifyBy', value: 'county', checked: !p || p.stratifyBy.includes('county') }),
        ' 按县（市、区）',
      ),
    ),
    el('label', { for: 'draw-k' }, '每组检查员人数'),
    el('input', {
      id: 'draw-k',
      name: 'k',
      type: 'number',
      min: '2',
      max: '20',
      step: '1',
      value: p?.inspectorsPerInspection ?? 2,
      required: true,
    }),
    el('label', { for: 'draw-seed' }, '随机种子（可不填，由系统生成）'),
    el('input', { id: 'draw-seed', name: 'seed', type: 'text', maxlength: '200', autocomplete: 'off' }),
    el('p', { class: 'error', id: 'draw-error', role: 'alert' }),
    el('button', { class: 'primary wide', type: 'submit', id: 'draw-submit' }, last ? '重新抽取' : '随机抽取'),
  );
  return form;
}

export async function drawScreen(roundId) {
  const round = await api('GET', `/rounds/${roundId}`);
  const draw = await api('GET', `/rounds/${roundId}/draw`).catch((error) => {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  });
  const parts = [
    el('h1', {}, '随机抽取'),
    el('p', {}, el('b', {}, round.name), ` · ${L.roundKinds[round.kind]} · ${round.startsOn} 至 ${round.endsOn}`),
  ];
  const canDraw = round.kind === 'supervisory' && round.status === 'draft';
  if (round.kind !== 'supervisory') parts.push(el('p', { class: 'muted' }, '自查轮次不进行随机抽取。'));
  if (canDraw) parts.push(drawForm(roundId, draw));
  if (draw) {
    parts.push(...drawList(draw));
    const actions = el(
      'div',
      { class: 'row spaced' },
      el(
        'button',
        {
          type: 'button',
          id: 'draw-export',
          onclick: async () => {
            const json = await api('GET', `/rounds/${roundId}/draw/export`);
            download(new Blob([JSON.stringify(json, null, 2)], { type: 'application/json' }), `抽取结果-${round.name}.json`);
          },
        },
        '导出抽取数据（供核验）',
      ),
    );
    if (canDraw) {
      actions.append(
        el(
          'button',
          {
            type: 'button',
            class: 'primary',
            id: 'draw-open',
            onclick: async () => {
              const result = await api('POST', `/rounds/${roundId}/open`, {});
              await drawScreen(roundId);
              document
                .getElementById('draw-status')
                ?.replaceChildren(`已开始检查：为 ${result.inspectionsCreated} 家抽中机构建立检查任务。`);
            },
          },
          '确认并开始检查',
        ),
      );
    }
    parts.push(actions);
  }
  if (round.status !== 'draft') {
    const published = await isPublished(roundId);
    parts.push(
      published
        ? el('p', {}, '已向社会公开：', el('a', { href: `/public/rounds/${roundId}`, target: '_blank', id: 'public-link' }, '查看公示页面'))
        : el(
            'button',
            {
              type: 'button',
              id: 'draw-publish',
              onclick: async () => {
                await api('POST', `/rounds/${roundId}/publish`, {});
                await drawScreen(roundId);
              },
            },
            '公开抽查结果（一公开）',
          ),
    );
  }
  parts.push(el('p', { class: 'muted', id: 'draw-status', role: 'status' }));
  render(...parts);
}
