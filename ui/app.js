// Paicha's thin UI: plain ES modules on the public API, no build step.
import { api, ApiError, fileUrl, session, uploadPhoto } from './api.js';
import * as offline from './offline.js';

const $app = document.getElementById('app');
const STATUS = { open: '整改中', pending_verification: '待复核', closed: '已销号' };
const INSPECTION_STATUS = { pending: '待检查', in_progress: '填写中', submitted: '已提交', missed: '逾期未检查' };
const KIND = { self: '自查', supervisory: '督查' };
const TYPES = { elderly_care: '养老机构', child_welfare: '儿童福利机构', minor_protection: '未成年人救助保护机构', relief_station: '救助管理机构', mental_health: '精神卫生福利机构', funeral: '殡葬服务机构', community_elderly: '社区养老服务设施', other: '其他' };
const ROLE = { admin: '管理员', bureau: '民政局', inspector: '检查员', institution_head: '机构负责人' };

/** Builds an element; strings become text nodes (never HTML). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function render(...nodes) {
  $app.replaceChildren(...nodes);
  window.scrollTo(0, 0);
}

function errorText(error) {
  if (error instanceof ApiError) {
    if (error.status === 429) return '尝试次数过多，请稍后再试';
    if (error.status === 404) return '未找到，或不在您的管辖范围内';
    if (error.status === 403) return '您没有这项操作的权限';
    return error.problem.detail ?? `请求失败（${error.status}）`;
  }
  return '网络不可用，请稍后重试';
}

const tag = (cls, text) => el('span', { class: `tag ${cls}` }, text);

// ---------- login ----------
function loginScreen() {
  const message = el('p', { class: 'error', role: 'alert' });
  const form = el(
    'form',
    {
      class: 'card',
      onsubmit: async (event) => {
        event.preventDefault();
        message.textContent = '';
        const data = new FormData(form);
        try {
          const res = await api('POST', '/auth/login', { username: data.get('username'), password: data.get('password') });
          session.save(res.accessToken, res.user);
          location.hash = '#/';
        } catch (error) {
          message.textContent = error instanceof ApiError && error.status === 401 ? '用户名或密码错误' : errorText(error);
        }
      },
    },
    el('label', { for: 'username' }, '用户名'),
    el('input', { id: 'username', name: 'username', autocomplete: 'username', required: true }),
    el('label', { for: 'password' }, '密码'),
    el('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    message,
    el('button', { class: 'primary', type: 'submit', style: 'width:100%;margin-top:.8rem' }, '登录'),
  );
  render(el('h1', {}, '民政服务机构安全隐患排查'), el('p', { class: 'muted' }, '请使用民政部门分配的账号登录。'), form);
}

// ---------- home ----------
async function homeScreen() {
  const user = session.user;
  const parts = [el('h1', {}, '我的任务')];
  if (user.role === 'inspector' || user.role === 'institution_head') {
    const [pending, progress] = await Promise.all([
      api('GET', `/inspections?status=pending&pageSize=100${user.role === 'inspector' ? `&assigneeId=${user.id}` : ''}`),
      api('GET', `/inspections?status=in_progress&pageSize=100${user.role === 'inspector' ? `&assigneeId=${user.id}` : ''}`),
    ]);
    const list = [...progress.items, ...pending.items];
    parts.push(el('h2', {}, user.role === 'inspector' ? '分配给我的检查' : '本机构的检查'));
    if (list.length === 0) parts.push(el('p', { class: 'muted' }, '暂无待完成的检查。'));
    for (const x of list) {
      parts.push(
        el('a', { class: 'card', href: `#/inspection/${x.id}`, dataset: { inspection: x.id } },
          el('div', { class: 'row' }, el('b', {}, x.institutionName), tag('open', `${KIND[x.kind]}·${INSPECTION_STATUS[x.status]}`)),
          el('div', { class: 'muted' }, `已答 ${x.answers.length} 项`)),
      );
    }
  }
  if (user.role === 'inspector' || user.role === 'bureau') {
    const waiting = await api('GET', '/findings?status=pending_verification&pageSize=20');
    parts.push(el('h2', {}, `待复核的隐患（${waiting.total}）`), ...waiting.items.map(findingCard));
  }
  if (user.role === 'institution_head') {
    const open = await api('GET', '/findings?status=open&pageSize=50');
    parts.push(el('h2', {}, `待整改的隐患（${open.total}）`), ...open.items.map(findingCard));
  }
  if (user.role === 'bureau' || user.role === 'admin') {
    const [rounds, overdue, major, notes] = await Promise.all([
      api('GET', '/rounds?status=open&pageSize=20'),
      api('GET', '/findings?overdue=true&pageSize=1'),
      api('GET', '/findings?severity=major&status=open&pageSize=1'),
      api('GET', '/notifications?unread=true&pageSize=10'),
    ]);
    parts.push(el('div', { class: 'stats' }, el('div', { class: 'stat' }, el('b', {}, overdue.total), '逾期隐患'), el('div', { class: 'stat' }, el('b', {}, major.total), '未整改重大隐患')));
    parts.push(el('h2', {}, '进行中的排查轮次'));
    for (const round of rounds.items) {
      const p = await api('GET', `/rounds/${round.id}/progress`);
      const done = p.total === 0 ? 0 : Math.round((p.submitted / p.total) * 100);
      parts.push(
        el('div', { class: 'card' }, el('b', {}, round.name),
          el('div', { class: 'muted' }, `已提交 ${p.submitted}/${p.total}，填写中 ${p.inProgress}，发现隐患 ${p.findings.total}（重大 ${p.findings.major}），已销号 ${p.findings.closed}`),
          el('div', { class: 'progress', role: 'progressbar', 'aria-valuenow': done, 'aria-valuemin': 0, 'aria-valuemax': 100 }, el('span', { style: `width:${done}%` }))),
      );
    }
    parts.push(el('h2', {}, `未读通知（${notes.total}）`));
    for (const n of notes.items) parts.push(el('a', { class: 'card', href: `#/finding/${n.findingId}` }, n.message));
  }
  render(...parts);
}

function findingCard(f) {
  return el('a', { class: 'card', href: `#/finding/${f.id}`, dataset: { finding: f.id } },
    el('div', { class: 'row' }, f.severity === 'major' ? tag('major', '重大') : null, tag(f.status, STATUS[f.status]), f.overdue ? tag('overdue', '逾期') : null),
    el('div', { class: 'text' }, f.title),
    el('div', { class: 'muted' }, `${f.institutionName} · 整改期限 ${f.deadline}`));
}

// ---------- checklist ----------
async function inspectionScreen(id) {
  const inspection = await api('GET', `/inspections/${id}`);
  const items = inspection.template.sections.flatMap((s) => s.items);
  const answers = new Map(inspection.answers.map((a) => [a.itemCode, { ...a }]));
  for (const [code, a] of Object.entries(offline.pendingFor(id))) answers.set(code, a);
  const editable = inspection.status === 'pending' || inspection.status === 'in_progress';
  const progress = el('b', { id: 'progress' });
  const updateProgress = () => (progress.textContent = `已答 ${[...answers.values()].filter((a) => a.result).length}/${items.length}`);
  const save = (code) => {
    const a = answers.get(code);
    const answer = { itemCode: code, result: a.result };
    if (a.value !== undefined && a.value !== '' && a.value !== null) answer.value = a.value;
    if (a.note) answer.note = a.note;
    if (a.attachmentIds?.length) answer.attachmentIds = a.attachmentIds;
    offline.queue(id, answer);
    updateProgress();
  };

  const itemNode = (item) => {
    const a = answers.get(item.code) ?? {};
    answers.set(item.code, a);
    const buttons = ['pass', 'fail', 'na'].map((result) =>
      el('button', {
        type: 'button', class: result, 'aria-pressed': String(a.result === result), disabled: !editable, dataset: { result },
        onclick: () => {
          if (item.responseType === 'number' && result !== 'na' && (a.value === undefined || a.value === '')) a.value = 0;
          if (item.responseType === 'text' && result !== 'na' && !a.value) a.value = '—';
          a.result = result;
          for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.result === result));
          extra.hidden = false;
          save(item.code);
        },
      }, { pass: '合格', fail: '不合格', na: '不涉及' }[result]));
    const photos = el('div', { class: 'photos' });
    const showPhoto = async (attachmentId) => photos.append(el('img', { alt: '现场照片', src: await fileUrl(`/attachments/${attachmentId}`).catch(() => '') }));
    (a.attachmentIds ?? []).forEach(showPhoto);
    const photoError = el('span', { class: 'error' });
    const valueInput = item.responseType === 'number' || item.responseType === 'text'
      ? el('input', { type: item.responseType === 'number' ? 'number' : 'text', inputmode: item.responseType === 'number' ? 'decimal' : undefined, value: a.value ?? '', disabled: !editable, 'aria-label': '读数或内容',
          onchange: (e) => { a.value = item.responseType === 'number' ? Number(e.target.value) : e.target.value; if (a.result) save(item.code); } })
      : null;
    const extra = el('div', { hidden: !a.result || undefined },
      valueInput,
      el('textarea', { placeholder: '说明（可选）', disabled: !editable, 'aria-label': '说明', onchange: (e) => { a.note = e.target.value; if (a.result) save(item.code); } }, a.note ?? ''),
      editable ? el('label', { class: 'button file' }, '拍照 / 上传照片',
        el('input', { type: 'file', accept: 'image/*', capture: 'environment', dataset: { photo: item.code },
          onchange: async (e) => {
            photoError.textContent = '';
            for (const file of e.target.files) {
              try {
                const uploaded = await uploadPhoto(file);
                a.attachmentIds = [...(a.attachmentIds ?? []), uploaded.id];
                await showPhoto(uploaded.id);
                if (a.result) save(item.code);
              } catch (error) {
                photoError.textContent = `照片未上传：${errorText(error)}`;
              }
            }
            e.target.value = '';
          } })) : null,
      photoError, photos);
    const guide = el('div', { class: 'guide', hidden: true }, item.guidance ? el('p', {}, item.guidance) : null, item.basis ? el('p', {}, `依据：${item.basis}`) : null);
    return el('div', { class: 'item', dataset: { item: item.code } },
      el('div', { class: 'text' }, item.severity === 'major' ? el('span', { class: 'star', title: '重大事故隐患判定项' }, '* ') : null, `${item.code} ${item.text}`,
        item.requiresPhotoOnFail ? el('span', { class: 'muted' }, '（不合格须拍照）') : null),
      item.guidance || item.basis ? el('button', { type: 'button', style: 'min-height:36px;padding:.2rem .6rem;margin-top:.3rem', onclick: () => (guide.hidden = !guide.hidden) }, '检查要点') : null,
      guide, el('div', { class: 'answers' }, buttons), extra);
  };

  const message = el('div', { class: 'error', role: 'alert' });
  const submit = el('button', { class: 'primary', type: 'button', style: 'width:100%',
    onclick: async () => {
      message.textContent = '';
      const missing = items.filter((i) => !answers.get(i.code)?.result).map((i) => i.code);
      const photoless = items.filter((i) => i.requiresPhotoOnFail && answers.get(i.code)?.result === 'fail' && !answers.get(i.code)?.attachmentIds?.length).map((i) => i.code);
      if (missing.length) return void (message.textContent = `还有 ${missing.length} 项未作答：${missing.join('、')}`);
      if (photoless.length) return void (message.textContent = `以下不合格项须上传照片：${photoless.join('、')}`);
      await offline.flush();
      if (offline.pendingFor(id) && Object.keys(offline.pendingFor(id)).length) return void (message.textContent = '仍有答案未同步，请联网后再提交');
      try {
        const res = await api('POST', `/inspections/${id}/submit`, {});
        render(el('h1', {}, '已提交'), el('p', {}, `检查表已提交，发现隐患 ${res.findingsCreated} 处。`), el('a', { class: 'button', href: '#/' }, '返回我的任务'));
      } catch (error) {
        const p = error.problem ?? {};
        message.textContent = p.missing ? `未作答：${p.missing.join('、')}` : p.missingPhotos ? `须上传照片：${p.missingPhotos.join('、')}` : errorText(error);
      }
    } }, '提交检查表');

  updateProgress();
  render(
    el('h1', {}, inspection.institutionName),
    el('p', { class: 'muted' }, `${inspection.template.name} · ${KIND[inspection.kind]} · ${INSPECTION_STATUS[inspection.status]}`),
    el('div', { class: 'row' }, progress, el('a', { href: `#/inspection-report/${id}` }, '打印检查表 PDF')),
    ...inspection.template.sections.map((section, i) =>
      el('details', { class: 'section', open: i === 0 || undefined }, el('summary', {}, `${section.code} ${section.title}（${section.items.length} 项）`), ...section.items.map(itemNode))),
    editable ? el('div', { class: 'sticky-actions' }, message, submit) : null,
  );
}

async function inspectionReport(id) {
  const url = await fileUrl(`/inspections/${id}/report.pdf`);
  location.assign(url);
}

// ---------- findings ----------
async function findingsScreen(params) {
  const status = params.get('status') ?? '';
  const query = new URLSearchParams({ pageSize: '100' });
  if (status) query.set('status', status);
  if (params.get('major')) query.set('severity', 'major');
  if (params.get('overdue')) query.set('overdue', 'true');
  const list = await api('GET', `/findings?${query}`);
  const filter = el('form', { class: 'row', onchange: (e) => {
    const form = new FormData(e.currentTarget);
    const next = new URLSearchParams();
    for (const [k, v] of form) if (v) next.set(k, String(v));
    location.hash = `#/findings?${next}`;
  } },
    el('select', { name: 'status', 'aria-label': '状态' }, el('option', { value: '' }, '全部状态'), ...Object.entries(STATUS).map(([k, v]) => el('option', { value: k, selected: k === status || undefined }, v))),
    el('label', { class: 'row' }, el('input', { type: 'checkbox', name: 'major', value: '1', checked: params.get('major') ? true : undefined, style: 'width:auto;min-height:auto' }), '只看重大'),
    el('label', { class: 'row' }, el('input', { type: 'checkbox', name: 'overdue', value: '1', checked: params.get('overdue') ? true : undefined, style: 'width:auto;min-height:auto' }), '只看逾期'));
  render(el('h1', {}, `隐患（${list.total}）`), filter, ...list.items.map(findingCard));
}

async function findingScreen(id) {
  const user = session.user;
  const f = await api('GET', `/findings/${id}`);
  const photos = el('div', { class: 'photos' });
  const ids = [...(f.attachmentIds ?? []), ...(f.rectification?.attachmentIds ?? [])];
  for (const attachmentId of ids) fileUrl(`/attachments/${attachmentId}`).then((src) => photos.append(el('img', { alt: '照片', src })), () => undefined);
  const message = el('p', { class: 'error', role: 'alert' });
  const act = async (path, body) => {
    message.textContent = '';
    try {
      await api('POST', `/findings/${id}/${path}`, body);
      await findingScreen(id);
    } catch (error) {
      message.textContent = errorText(error);
    }
  };
  const actions = [];
  if (f.status === 'open' && (user.role === 'institution_head' || user.role === 'bureau' || user.role === 'admin')) {
    const evidence = [];
    const uploaded = el('div', { class: 'photos' });
    actions.push(el('div', { class: 'card' }, el('h2', {}, '提交整改'),
      el('label', { for: 'rectify-note' }, '整改情况'), el('textarea', { id: 'rectify-note' }),
      el('label', { class: 'button file', style: 'margin-top:.5rem' }, '上传整改照片', el('input', { type: 'file', accept: 'image/*,application/pdf', capture: 'environment', id: 'rectify-photo',
        onchange: async (e) => {
          for (const file of e.target.files) {
            try {
              const a = await uploadPhoto(file);
              evidence.push(a.id);
              uploaded.append(el('span', { class: 'tag closed' }, `已上传 ${a.filename}`));
            } catch (error) {
              message.textContent = errorText(error);
            }
          }
        } })),
      uploaded,
      el('button', { class: 'primary', type: 'button', style: 'width:100%;margin-top:.5rem', onclick: () => act('rectify', { note: document.getElementById('rectify-note').value, attachmentIds: evidence }) }, '提交整改')));
  }
  if (f.status === 'pending_verification' && ['inspector', 'bureau', 'admin'].includes(user.role)) {
    actions.push(el('div', { class: 'card' }, el('h2', {}, '复核'),
      el('label', { for: 'verify-note' }, '复核意见'), el('textarea', { id: 'verify-note' }),
      el('div', { class: 'row', style: 'margin-top:.5rem' },
        el('button', { class: 'primary', type: 'button', onclick: () => act('verify', { accepted: true, note: document.getElementById('verify-note').value || undefined }) }, '复核通过，销号'),
        el('button', { class: 'danger', type: 'button', onclick: () => act('verify', { accepted: false, note: document.getElementById('verify-note').value }) }, '驳回重新整改'))));
  }
  if (f.status !== 'closed' && (user.role === 'bureau' || user.role === 'admin')) {
    actions.push(el('details', { class: 'card' }, el('summary', {}, '延长整改期限'),
      el('label', { for: 'extend-date' }, '新的期限'), el('input', { id: 'extend-date', type: 'date', min: f.deadline }),
      el('label', { for: 'extend-reason' }, '理由'), el('textarea', { id: 'extend-reason' }),
      el('button', { type: 'button', style: 'margin-top:.5rem', onclick: () => act('extend', { deadline: document.getElementById('extend-date').value, reason: document.getElementById('extend-reason').value }) }, '延期')));
  }
  const ACTIONS = { created: '发现', rectified: '提交整改', verified: '复核通过', rejected: '驳回', extended: '延期' };
  render(
    el('h1', {}, f.title),
    el('div', { class: 'row' }, f.severity === 'major' ? tag('major', '重大事故隐患') : tag('open', '一般隐患'), tag(f.status, STATUS[f.status]), f.overdue ? tag('overdue', '逾期') : null, f.supervised ? tag('major', '挂牌督办') : null),
    el('div', { class: 'card' },
      el('p', {}, `机构：${f.institutionName}`), el('p', {}, `发现日期：${f.foundOn}    整改期限：${f.deadline}`),
      f.description ? el('p', {}, `说明：${f.description}`) : null,
      f.rectification ? el('p', {}, `整改情况：${f.rectification.note}`) : null, photos),
    message, ...actions,
    el('h2', {}, '处理记录'),
    ...f.history.map((h) => el('div', { class: 'card muted' }, `${h.at.slice(0, 16).replace('T', ' ')} ${ACTIONS[h.action] ?? h.action}${h.data?.note ? `：${h.data.note}` : ''}${h.data?.reason ? `：${h.data.reason}` : ''}`)),
  );
}

// ---------- reports ----------
async function reportsScreen(params) {
  const user = session.user;
  const month = params.get('month') ?? new Date().toISOString().slice(0, 7);
  const region = params.get('regionCode') ?? user.regionCode ?? '';
  const children = region ? await api('GET', `/regions?parentCode=${region}&pageSize=500`).catch(() => ({ items: [] })) : { items: [] };
  const here = region ? await api('GET', `/regions/${region}`).catch(() => null) : null;
  const form = el('form', { class: 'card', onsubmit: (e) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    location.hash = `#/reports?month=${data.get('month')}&regionCode=${data.get('regionCode')}`;
  } },
    el('label', { for: 'month' }, '月份'), el('input', { id: 'month', name: 'month', type: 'month', value: month, required: true }),
    el('label', { for: 'regionCode' }, '地区'),
    el('select', { id: 'regionCode', name: 'regionCode' },
      here ? el('option', { value: here.code, selected: true }, here.name) : null,
      ...children.items.map((r) => el('option', { value: r.code }, `└ ${r.name}`))),
    el('button', { class: 'primary', type: 'submit', style: 'width:100%;margin-top:.6rem' }, '查看'));
  const parts = [el('h1', {}, '月报'), form];
  if (region) {
    try {
      const s = await api('GET', `/reports/summary?regionCode=${region}&month=${month}`);
      const stat = (label, value) => el('div', { class: 'stat' }, el('b', {}, value), label);
      parts.push(el('h2', {}, `${s.regionName} ${s.month}`),
        el('div', { class: 'stats' },
          stat('纳入排查机构', s.institutions.total), stat('已检查机构', s.institutions.inspected),
          stat('发现隐患', s.findings.found), stat('重大隐患', s.findings.major),
          stat('已销号', s.findings.closed), stat('月末逾期', s.findings.overdue),
          stat('整改率', `${(s.rectificationRate * 100).toFixed(1)}%`), stat('逾期未检查', s.inspections.missed)),
        el('div', { class: 'row', style: 'margin-top:.8rem' },
          ...['pdf', 'xlsx', 'csv'].map((format) => el('button', { type: 'button', dataset: { download: format }, onclick: async () => {
            const url = await fileUrl(`/reports/monthly?regionCode=${region}&month=${month}&format=${format}`);
            const a = el('a', { href: url, download: `${s.regionName}月报-${month}.${format}` });
            document.body.append(a);
            a.click();
            a.remove();
          } }, `下载 ${format.toUpperCase()}`))),
        el('table', {}, el('tr', {}, el('th', {}, '地区'), el('th', {}, '发现'), el('th', {}, '销号'), el('th', {}, '逾期')),
          ...s.byChildRegion.map((r) => el('tr', {}, el('td', {}, r.regionName), el('td', {}, r.found), el('td', {}, r.closed), el('td', {}, r.overdue)))),
        el('h2', {}, '按机构类型'),
        el('table', {}, el('tr', {}, el('th', {}, '类型'), el('th', {}, '机构'), el('th', {}, '发现'), el('th', {}, '销号')),
          ...s.byType.map((r) => el('tr', {}, el('td', {}, TYPES[r.type] ?? r.type), el('td', {}, r.institutions), el('td', {}, r.found), el('td', {}, r.closed)))));
    } catch (error) {
      parts.push(el('p', { class: 'error' }, errorText(error)));
    }
  }
  render(...parts);
}

// ---------- shell ----------
const routes = [
  [/^\/login$/, () => loginScreen()],
  [/^\/logout$/, () => { session.clear(); location.hash = '#/login'; }],
  [/^\/$/, () => homeScreen()],
  [/^\/inspection\/([0-9a-f-]{36})$/, (m) => inspectionScreen(m[1])],
  [/^\/inspection-report\/([0-9a-f-]{36})$/, (m) => inspectionReport(m[1])],
  [/^\/findings$/, (_m, q) => findingsScreen(q)],
  [/^\/finding\/([0-9a-f-]{36})$/, (m) => findingScreen(m[1])],
  [/^\/reports$/, (_m, q) => reportsScreen(q)],
];

async function route() {
  const [path, query = ''] = (location.hash.slice(1) || '/').split('?');
  const user = session.user;
  if (!user && path !== '/login') return void (location.hash = '#/login');
  document.getElementById('tabs').hidden = !user;
  document.getElementById('who').textContent = user ? `${user.displayName}（${ROLE[user.role]}）` : '';
  for (const a of document.querySelectorAll('#tabs a')) {
    a.classList.toggle('active', `#${path}` === a.getAttribute('href') || (path.startsWith('/finding') && a.dataset.tab === 'findings'));
    if (a.dataset.role) a.hidden = !user || !a.dataset.role.split(' ').includes(user.role);
  }
  for (const [pattern, screen] of routes) {
    const match = pattern.exec(path);
    if (match) {
      try {
        await screen(match, new URLSearchParams(query));
      } catch (error) {
        render(el('h1', {}, '出错了'), el('p', { class: 'error' }, errorText(error)), el('a', { class: 'button', href: '#/' }, '返回'));
      }
      return;
    }
  }
  location.hash = '#/';
}

offline.onChange((n) => {
  const badge = document.getElementById('sync');
  badge.hidden = n === 0;
  badge.textContent = `未同步 ${n}`;
});
addEventListener('hashchange', route);
route();
offline.flush();
